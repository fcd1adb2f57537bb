// An account's statement built from a real LMDB store: entries from the blocks' bank events, opening
// and closing balances equal to the state versions at the range's edges, and the same statement once
// those versions are pruned (prune.keepStates); a range reaching below the oldest block kept refused
// with its own code, a 404 through the API.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.ts';
import { toGatewayApiError } from '../../src/api/routes/gateway-errors.ts';
import type { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import type { CborValue } from '../../src/codec/index.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import type { StateTree } from '../../src/ledger/state/index.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import { getAccount } from '../../src/modules/bank/index.ts';
import { buildStatement } from '../../src/node/gateway/statement.ts';
import { toHex } from '../../src/util/bytes.ts';
import { TallyError } from '../../src/util/errors.ts';
import {
  chainId,
  genesisTimeMs,
  openChain,
  tempDir,
  workload,
} from '../execution/ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * Ten blocks of transfers, one second apart, after the setup, with a pending transfer out of the
 * statement's account in block 2, part of it posted in block 4, and another voided in block 6:
 * returns the chain, the block times and the heights of the ten blocks.
 */
async function chainWithTransfers() {
  const path = tempDir();
  dirs.push(path);
  const { store, chain } = openChain(path);
  const w = workload(6);
  for (const txs of w.setupBlocks(40)) await chain.commitBlock(txs);
  const times: number[] = [];
  const heights: number[] = [];
  const extra: Record<number, Transaction[]> = {
    2: [pendingTx(w, 1, 500n), pendingTx(w, 2, 700n)],
    4: [resolveTx(w, 1, 'post_pending', 300n)],
    6: [resolveTx(w, 2, 'void_pending')],
  };
  for (let i = 0; i < 10; i++) {
    const timeMs = chain.nextTimeMs();
    const committed = await chain.commitBlock([...w.transfers(12), ...(extra[i] ?? [])], timeMs);
    for (const r of committed.receipts) assert.equal(r.code, 'ok', `block ${i}: ${r.message}`);
    times.push(timeMs);
    heights.push(committed.height);
  }
  const { blocks, state } = chain.executor;
  const deps = {
    blocks,
    state,
    latest: { get: (key: Uint8Array) => state.get(key) ?? undefined },
    orgId: 'org-a',
  };
  return { store, chain, w, times, heights, deps };
}

/** The account every statement here is of: currency 0, account 2. */
const accountIndex = 2;
let nonce = 1_000_000n;

function pendingId(n: number): Uint8Array {
  const id = new Uint8Array(16);
  id[0] = 0xee;
  id[15] = n;
  return id;
}

function bankTx(w: BankWorkload, method: string, args: CborValue): Transaction {
  const key = w.ownerOf(accountIndex);
  return signTransaction(
    {
      chainId,
      suite: key.suite,
      signer: key.publicKey,
      nonce: ++nonce,
      expiresAtMs: genesisTimeMs + 3_600_000,
      module: 'bank',
      method,
      args,
    },
    getSuite(key.suite),
    key.secretKey,
  );
}

function pendingTx(w: BankWorkload, n: number, amount: bigint): Transaction {
  return bankTx(w, 'create_transfer', {
    id: pendingId(n),
    debitAccountId: w.accountId(0, accountIndex),
    creditAccountId: w.accountId(0, accountIndex + 1),
    amount,
    currency: 'HKD',
    flags: ['pending'],
  });
}

function resolveTx(
  w: BankWorkload,
  n: number,
  flag: 'post_pending' | 'void_pending',
  amount?: bigint,
): Transaction {
  return bankTx(w, 'create_transfer', {
    id: pendingId(0x80 + n),
    pendingId: pendingId(n),
    flags: [flag],
    ...(amount === undefined ? {} : { amount }),
  });
}

function postedAt(state: StateTree, height: number, account: Uint8Array): bigint {
  const a = getAccount({ get: (key) => state.get(key, height) ?? undefined }, account);
  return a === undefined ? 0n : a.creditsPosted - a.debitsPosted;
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

describe('account statement', () => {
  it("opening and closing are the state versions at the range's edges; booked entries move one to the other", async () => {
    const { store, w, times, heights, deps } = await chainWithTransfers();
    const account = w.accountId(0, accountIndex);
    const s = buildStatement(deps, account, times[1]!, times[8]!);
    for (const e of s.entries) assert.ok(e.timeMs >= times[1]! && e.timeMs < times[8]!);
    const statuses = new Set(s.entries.map((e) => e.status));
    assert.deepEqual([...statuses].sort(), ['pending', 'posted', 'voided']);
    const post = s.entries.find((e) => e.transferId === toHex(pendingId(0x81)));
    assert.equal(post?.status, 'posted');
    assert.equal(post?.amount, 300n);
    assert.equal(s.opening, postedAt(deps.state, heights[1]! - 1, account));
    assert.equal(s.closing, postedAt(deps.state, heights[7]!, account));
    const moved = s.entries
      .filter((e) => e.status === 'posted')
      .reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0n);
    assert.equal(s.closing - s.opening, moved);
    await store.close();
  });

  it('a range whose state versions were pruned reads the same statement from the blocks', async () => {
    const { store, w, times, heights, deps } = await chainWithTransfers();
    const account = w.accountId(0, accountIndex);
    const ranges: [number, number][] = [
      [1, 8],
      [0, 3],
      [2, 6],
      [7, 9],
    ];
    const before = ranges.map(([a, b]) => buildStatement(deps, account, times[a]!, times[b]!));
    await deps.state.prune(heights[8]!);
    assert.equal(deps.state.oldestHeight, heights[8]);
    ranges.forEach(([a, b], i) => {
      assert.deepEqual(
        buildStatement(deps, account, times[a]!, times[b]!),
        before[i],
        `${a}..${b}`,
      );
    });
    await store.close();
  });

  it('error: a range needing more blocks than the budget, counting those up to the oldest kept state version, is range_too_large', async () => {
    const { store, w, times, heights, deps } = await chainWithTransfers();
    const account = w.accountId(0, accountIndex);
    const budget = { ...deps, blocksMax: 4 };
    buildStatement(budget, account, times[1]!, times[5]!);
    await deps.state.prune(heights[8]!);
    // The range is 4 blocks, but its closing balance now comes from 4 blocks further up.
    const thrown = thrownBy(() => buildStatement(budget, account, times[1]!, times[5]!));
    assert.ok(thrown instanceof TallyError, String(thrown));
    assert.equal(thrown.code, 'range_too_large');
    assert.match(thrown.message, /would read 8 blocks/);
    const apiError = toGatewayApiError(thrown);
    assert.ok(apiError instanceof ApiError);
    assert.equal(apiError.statusCode, 400);
    await store.close();
  });

  it('error: a range that may begin before the oldest block kept is block_height_unavailable, a 404', async () => {
    const { store, w, times, heights, deps } = await chainWithTransfers();
    const account = w.accountId(0, accountIndex);
    await deps.state.prune(heights[4]!);
    await deps.blocks.prune(heights[4]!);
    assert.equal(deps.blocks.baseHeight(), heights[4]);
    // The base block's receipts may be missing (a state-synced node's is), so entries start above it.
    const oldestRead = heights[5]!;
    // A range that starts after the oldest block read still reads.
    const s = buildStatement(deps, account, times[5]! + 1, times[9]!);
    assert.ok(s.entries.every((e) => e.height > oldestRead));
    const thrown = thrownBy(() => buildStatement(deps, account, times[1]!, times[9]!));
    assert.ok(thrown instanceof TallyError, String(thrown));
    assert.equal(thrown.code, 'block_height_unavailable');
    assert.match(
      thrown.message,
      new RegExp(`before height ${oldestRead}, the oldest block whose entries`),
    );
    const apiError = toGatewayApiError(thrown);
    assert.ok(apiError instanceof ApiError);
    assert.equal(apiError.statusCode, 404);
    assert.equal(apiError.code, 'block_height_unavailable');
    await store.close();
  });
});
