// A block's life on one node: signed transactions executed by the bank, results, receipts and the new
// state version committed to a real LMDB file in one batch; proofs, replays, expiry, and reopening.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { merkleRoot } from '../../src/crypto/merkle.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { blockReceiptTxId } from '../../src/execution/block-executor.ts';
import { hashReceipt } from '../../src/ledger/receipt.ts';
import { verifyStateProof } from '../../src/ledger/state/index.ts';
import { signTransaction } from '../../src/ledger/tx.ts';
import { toHex } from '../../src/util/bytes.ts';
import {
  accountStateKey,
  chainId,
  ledgerTotals,
  openChain,
  tempDir,
  workload,
} from './ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function setUp(accounts = 12) {
  const path = tempDir();
  dirs.push(path);
  const { store, chain } = openChain(path);
  const w = workload(accounts);
  for (const txs of w.setupBlocks(40)) {
    const committed = await chain.commitBlock(txs);
    assert.deepEqual(
      committed.receipts.filter((r) => r.code !== 'ok'),
      [],
    );
  }
  return { path, store, chain, w, accounts, next: () => chain.nextTimeMs() };
}

describe('block executor', () => {
  it('commits signed transfers; every currency still sums to its supply', async () => {
    const { store, chain, w, accounts, next } = await setUp();
    const committed = await chain.commitBlock(w.transfers(200), next());
    const codes = new Set(committed.receipts.map((r) => r.code));
    assert.ok(codes.has('ok'), 'some transfers succeed');
    for (const code of codes)
      assert.ok(['ok', 'exceeds_credits'].includes(code), `unexpected code ${code}`);
    for (const { code, held, supply } of ledgerTotals(chain, w, accounts)) {
      assert.equal(held, supply, `${code}: balances sum to the issued supply`);
      assert.equal(supply, 1_000_000_00n * BigInt(accounts));
    }
    assert.equal(
      toHex(committed.receipts.at(-1)!.txId),
      toHex(blockReceiptTxId),
      'the block receipt comes last',
    );
    await store.close();
  });

  it('commits create_transfers batches: each moves money from one account, supply unchanged', async () => {
    const { store, chain, w, accounts, next } = await setUp();
    const txs = w.transferBatches(4, 25);
    assert.equal(txs.length, 4);
    for (const tx of txs) {
      assert.equal(tx.method, 'create_transfers');
      const { transfers } = tx.args as { transfers: { debitAccountId: Uint8Array }[] };
      assert.equal(transfers.length, 25);
      assert.equal(new Set(transfers.map((t) => toHex(t.debitAccountId))).size, 1);
    }
    const before = ledgerTotals(chain, w, accounts);
    const committed = await chain.commitBlock(txs, next());
    const results = committed.receipts.slice(0, -1);
    assert.deepEqual(
      results.map((r) => r.code),
      ['ok', 'ok', 'ok', 'ok'],
    );
    // A call succeeds as a whole; a transfer that failed would be named in its message.
    assert.deepEqual(
      results.map((r) => r.message ?? ''),
      ['', '', '', ''],
    );
    // Each transfer of each call is created once, in order, with its own event.
    const created = results.flatMap((r) => r.events.filter((e) => e.type === 'transfer_created'));
    const asked = txs.flatMap((tx) => (tx.args as { transfers: { id: Uint8Array }[] }).transfers);
    assert.deepEqual(
      created.map((e) => toHex(e.attributes.id as Uint8Array)),
      asked.map((t) => toHex(t.id)),
    );
    const after = ledgerTotals(chain, w, accounts);
    assert.deepEqual(
      after.map((t) => t.supply),
      before.map((t) => t.supply),
    );
    for (const { code, held, supply } of after) assert.equal(held, supply, code);
    await store.close();
  });

  it('proves an account against the committed state root, and refuses a wrong value', async () => {
    const { store, chain, w, next } = await setUp();
    const committed = await chain.commitBlock(w.transfers(50), next());
    const key = accountStateKey(w.accountId(0, 3));
    const value = chain.executor.state.get(key)!;
    const proof = chain.executor.state.prove(key);
    assert.equal(toHex(chain.executor.state.root()), toHex(committed.stateRoot));
    assert.ok(verifyStateProof(committed.stateRoot, key, value, proof));
    assert.equal(verifyStateProof(committed.stateRoot, key, value.slice(1), proof), false);
    const absent = accountStateKey(new Uint8Array(16).fill(0x77));
    assert.ok(
      verifyStateProof(committed.stateRoot, absent, null, chain.executor.state.prove(absent)),
    );
    await store.close();
  });

  it('error: a replayed transaction is refused and moves no money twice', async () => {
    const { store, chain, w, accounts, next } = await setUp();
    const [tx] = w.transfers(1);
    const first = await chain.commitBlock([tx!], next());
    assert.equal(first.receipts[0]!.code, 'ok');
    const before = ledgerTotals(chain, w, accounts);
    const rootBefore = toHex(chain.executor.state.root());
    const again = await chain.commitBlock([tx!, tx!], next());
    assert.deepEqual(
      again.receipts.slice(0, 2).map((r) => [r.code, r.message]),
      [
        ['tx_replayed', 'transaction already committed'],
        ['tx_replayed', 'transaction already committed'],
      ],
    );
    assert.deepEqual(ledgerTotals(chain, w, accounts), before);
    assert.equal(toHex(chain.executor.state.root()), rootBefore, 'state did not change');
    assert.equal(
      chain.executor.blocks.txLocation(tx!.id)?.height,
      first.height,
      'the index still points at the first commit',
    );
    await store.close();
  });

  it('error: expired and foreign transactions get their own codes', async () => {
    const { store, chain, w, next } = await setUp();
    const user = w.ownerOf(0);
    const sign = (chain: string, expiresAtMs: number) =>
      signTransaction(
        {
          chainId: chain,
          suite: 'ed25519',
          signer: user.publicKey,
          nonce: 99n,
          expiresAtMs,
          module: 'bank',
          method: 'close_account',
          args: { id: w.accountId(0, 0) },
        },
        getSuite('ed25519'),
        user.secretKey,
      );
    const time = next();
    const committed = await chain.commitBlock(
      [sign(chainId, time - 1), sign('another-chain', time + 1000)],
      time,
    );
    assert.deepEqual(
      committed.receipts.slice(0, 2).map((r) => r.code),
      ['tx_expired', 'wrong_chain'],
    );
    await store.close();
  });

  it('a block committed while the last one is written executes on its state, and refuses its replays', async () => {
    const one = await setUp();
    const two = await setUp();
    const first = one.w.transfers(30);
    const blocks = [first, [first[0]!, ...one.w.transfers(30)], one.w.transfers(30)];
    const sequential = [];
    for (const txs of blocks) sequential.push(await one.chain.commitBlock(txs, one.next()));
    // All three are staged before the first is durable; each resolves once it is.
    const staged = blocks.map((txs) => two.chain.commitBlock(txs, two.next()));
    assert.equal(two.chain.executor.height, one.chain.executor.height! - 3, 'none is durable yet');
    const pipelined = await Promise.all(staged);
    assert.equal(pipelined[1]!.receipts[0]!.code, 'tx_replayed', 'a replay of a staged block');
    for (const [i, committed] of pipelined.entries()) {
      assert.equal(toHex(committed.stateRoot), toHex(sequential[i]!.stateRoot), `root ${i}`);
      assert.deepEqual(
        committed.receipts.map((r) => r.code),
        sequential[i]!.receipts.map((r) => r.code),
      );
    }
    assert.equal(two.chain.executor.height, one.chain.executor.height);
    assert.deepEqual(
      ledgerTotals(two.chain, two.w, two.accounts),
      ledgerTotals(one.chain, one.w, one.accounts),
    );
    await one.store.close();
    await two.store.close();
  });

  it('reopens at the same height and root, and goes on from there', async () => {
    const { path, store, chain, w, next } = await setUp();
    const committed = await chain.commitBlock(w.transfers(30), next());
    await store.close();
    const reopened = openChain(path);
    assert.equal(reopened.chain.height, committed.height);
    assert.equal(toHex(reopened.chain.executor.state.root()), toHex(committed.stateRoot));
    assert.equal(
      reopened.chain.executor.blocks.receiptsAt(committed.height).length,
      committed.receipts.length,
    );
    const stored = reopened.chain.executor.blocks.receiptsAt(committed.height);
    assert.equal(
      toHex(merkleRoot(stored.map(hashReceipt))),
      toHex(committed.resultsRoot),
      'stored receipts hash to the results root',
    );
    const more = await reopened.chain.commitBlock(w.transfers(10), next());
    assert.equal(more.height, committed.height + 1);
    await reopened.store.close();
  });
});
