// An account's statement built from a real LMDB store: opening and closing balances read from the
// state versions at the range's edges, entries from the blocks' bank events; and a range whose edge
// the node has pruned (prune.keepStates) refused with its own code, a 404 through the API.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.ts';
import { toGatewayApiError } from '../../src/api/routes/gateway-errors.ts';
import { buildStatement } from '../../src/node/gateway/statement.ts';
import { TallyError } from '../../src/util/errors.ts';
import { openChain, tempDir, workload } from '../execution/ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Ten blocks of transfers, one second apart, after the setup; returns the chain and its times. */
async function chainWithTransfers() {
  const path = tempDir();
  dirs.push(path);
  const { store, chain } = openChain(path);
  const w = workload(6);
  for (const txs of w.setupBlocks(40)) await chain.commitBlock(txs);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const timeMs = chain.nextTimeMs();
    await chain.commitBlock(w.transfers(12), timeMs);
    times.push(timeMs);
  }
  const { blocks, state } = chain.executor;
  const deps = {
    blocks,
    state,
    latest: { get: (key: Uint8Array) => state.get(key) ?? undefined },
    orgId: 'org-a',
  };
  return { store, chain, w, times, deps };
}

describe('account statement', () => {
  it('closing minus opening is what the posted entries in the range moved', async () => {
    const { store, w, times, deps } = await chainWithTransfers();
    const account = w.accountId(0, 2);
    const s = buildStatement(deps, account, times[3]!, times[8]!);
    assert.ok(s.entries.length > 0, 'the account moved money in the range');
    for (const e of s.entries) assert.ok(e.timeMs >= times[3]! && e.timeMs < times[8]!);
    const moved = s.entries
      .filter((e) => e.status === 'posted')
      .reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0n);
    assert.equal(s.closing - s.opening, moved);
    await store.close();
  });

  it('error: a range whose opening state was pruned is state_height_unavailable, a 404', async () => {
    const { store, chain, w, times, deps } = await chainWithTransfers();
    const firstTransferHeight = chain.executor.height! - 9;
    await chain.executor.state.prune(firstTransferHeight + 4);
    const account = w.accountId(0, 2);
    // A range that starts after the pruned heights still reads.
    buildStatement(deps, account, times[6]!, times[9]!);
    let thrown: unknown;
    try {
      buildStatement(deps, account, times[1]!, times[9]!);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof TallyError, String(thrown));
    assert.equal(thrown.code, 'state_height_unavailable');
    assert.match(thrown.message, /is not retained \(retained: \d+ to \d+\)/);
    const apiError = toGatewayApiError(thrown);
    assert.ok(apiError instanceof ApiError);
    assert.equal(apiError.statusCode, 404);
    assert.equal(apiError.code, 'state_height_unavailable');
    await store.close();
  });
});
