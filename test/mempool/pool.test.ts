// The pool: duplicates, capacity, committed removal, expiry eviction, reaping, gossip batches, and
// signatures verified once (counted on an injected verify that delegates to the real verifyBatch).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transaction } from '../../src/ledger/tx.ts';
import {
  type AdmittedBatch,
  createMempool,
  expiryQueueSlackEntries,
} from '../../src/mempool/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import {
  chainId,
  codes,
  createHarness,
  idOf,
  type TxSpec,
  t0Ms,
  txBytes,
  verifiedCount,
} from './fixtures.ts';

const hexIds = (txs: Iterable<Transaction>) => [...txs].map((tx) => toHex(tx.id));
const specs = (from: number, count: number, extra: Partial<TxSpec> = {}): TxSpec[] =>
  Array.from({ length: count }, (_, i) => ({ nonce: BigInt(from + i), ...extra }));

describe('mempool duplicates', () => {
  it('answers a retry of a pending tx as admitted with tx_duplicate, without growing', async () => {
    const h = createHarness();
    const bytes = txBytes({ nonce: 1n });
    await h.mempool.admit([bytes]);
    const [retry] = await h.mempool.admit([bytes]);
    assert.deepEqual(retry, {
      status: 'admitted',
      txId: idOf({ nonce: 1n }),
      code: 'tx_duplicate',
      message: 'transaction is already pending',
    });
    assert.equal(h.mempool.size(), 1);
    assert.equal(h.verifyCalls.length, 1);
  });

  it('drops a duplicate within one batch and verifies the tx once', async () => {
    const h = createHarness();
    const bytes = txBytes({ nonce: 1n });
    const results = await h.mempool.admit([bytes, bytes, bytes]);
    assert.deepEqual(codes(results), ['admitted', 'tx_duplicate', 'tx_duplicate']);
    assert.equal(verifiedCount(h), 1);
    assert.equal(h.mempool.size(), 1);
  });

  it('shares one verification between concurrent batches carrying the same tx', async () => {
    const h = createHarness();
    const bytes = txBytes({ nonce: 1n });
    const [a, b] = await Promise.all([
      h.mempool.admit([bytes], { origin: 'api' }),
      h.mempool.admit([bytes], { origin: 'peer-1' }),
    ]);
    assert.deepEqual([...codes(a!), ...codes(b!)], ['admitted', 'tx_duplicate']);
    assert.equal(verifiedCount(h), 1);
  });

  it('shares a rejection between concurrent copies with the same bytes', async () => {
    const h = createHarness();
    h.deniedSigners.add(0);
    const bytes = txBytes({ nonce: 1n, badSignature: true });
    const results = await h.mempool.admit([bytes, bytes]);
    assert.deepEqual(codes(results), ['bad_signature', 'bad_signature']);
    assert.equal(verifiedCount(h), 1);
  });

  it('checks a copy whose signature differs when the first copy fails verification', async () => {
    const h = createHarness();
    const results = await h.mempool.admit([
      txBytes({ nonce: 1n, badSignature: true }),
      txBytes({ nonce: 1n }),
    ]);
    assert.deepEqual(codes(results), ['bad_signature', 'admitted']);
    assert.equal(verifiedCount(h), 2);
    assert.equal(h.mempool.size(), 1);
  });

  it('drops a pending tx echoed back by gossip quietly, without a notification or verify', async () => {
    const h = createHarness();
    const batches: AdmittedBatch[] = [];
    h.mempool.onAdmitted((batch) => batches.push(batch));
    const bytes = txBytes({ nonce: 1n });
    await h.mempool.admit([bytes], { origin: 'api' });
    const [echo] = await h.mempool.admit([bytes], { origin: 'peer-2' });
    assert.equal(echo?.code, 'tx_duplicate');
    assert.equal(batches.length, 1);
    assert.equal(verifiedCount(h), 1);
  });
});

describe('mempool capacity', () => {
  it('error: mempool_full when the count is reached, without growing or verifying', async () => {
    const h = createHarness({ txsMax: 3 });
    const results = await h.mempool.admit(specs(1, 5).map(txBytes));
    assert.deepEqual(codes(results), [
      'admitted',
      'admitted',
      'admitted',
      'mempool_full',
      'mempool_full',
    ]);
    assert.equal(h.mempool.size(), 3);
    assert.equal(verifiedCount(h), 3);
    const again = await h.mempool.admit([txBytes({ nonce: 9n })]);
    assert.equal(again[0]?.status === 'rejected' && again[0].retryAfterMs, 1000);
    assert.equal(h.mempool.size(), 3);
  });

  it("error: mempool_full past a caller's lower limit (clients), while others fill to the cap", async () => {
    const h = createHarness({ txsMax: 5 });
    const client = await h.mempool.admit(specs(1, 3).map(txBytes), { origin: 'api', txsMax: 2 });
    assert.deepEqual(codes(client), ['admitted', 'admitted', 'mempool_full']);
    const [refused] = client.slice(2);
    assert.ok(refused?.status === 'rejected');
    assert.match(refused.message, /limits: 2 transactions/);
    assert.equal(refused.retryAfterMs, 1000);
    // A peer's gossip is held to the pool's own cap; a caller asking for more than it gets the cap.
    const gossip = await h.mempool.admit(specs(10, 4).map(txBytes), { origin: 'peer-1' });
    assert.deepEqual(codes(gossip), ['admitted', 'admitted', 'admitted', 'mempool_full']);
    assert.equal(h.mempool.size(), 5);
    await assert.rejects(
      h.mempool.admit([txBytes({ nonce: 20n })], { txsMax: 0 }),
      /admit.txsMax: expected a positive integer/,
    );
  });

  it('error: mempool_full when the bytes are reached', async () => {
    const h = createHarness({ bytesMax: 64 * 1024 });
    const results = await h.mempool.admit(specs(1, 3, { padBytes: 30_000 }).map(txBytes));
    assert.deepEqual(codes(results), ['admitted', 'admitted', 'mempool_full']);
    assert.ok(h.mempool.bytes() <= 64 * 1024);
    // A small one still fits in what is left.
    const [small] = await h.mempool.admit([txBytes({ nonce: 10n })]);
    assert.equal(small?.status, 'admitted');
  });

  it('error: signer_quota_exceeded past perSignerTxsMax, other signers unaffected', async () => {
    const h = createHarness({ perSignerTxsMax: 2 });
    const results = await h.mempool.admit([
      ...specs(1, 3).map(txBytes),
      txBytes({ nonce: 4n, signer: 1 }),
    ]);
    assert.deepEqual(codes(results), ['admitted', 'admitted', 'signer_quota_exceeded', 'admitted']);
    h.mempool.removeCommitted([idOf({ nonce: 1n })]);
    const [later] = await h.mempool.admit([txBytes({ nonce: 3n })]);
    assert.equal(later?.status, 'admitted');
  });

  it('gives reserved space back when a signature or permission fails', async () => {
    const h = createHarness({ txsMax: 2 });
    h.deniedSigners.add(1);
    const first = await h.mempool.admit([
      txBytes({ nonce: 1n, badSignature: true }),
      txBytes({ nonce: 2n, signer: 1 }),
      txBytes({ nonce: 3n }),
    ]);
    // Space is reserved before verification, so the third found the pool full at that moment.
    assert.deepEqual(codes(first), ['bad_signature', 'role_not_permitted', 'mempool_full']);
    assert.equal(h.mempool.size(), 0);
    const second = await h.mempool.admit([txBytes({ nonce: 3n }), txBytes({ nonce: 4n })]);
    assert.deepEqual(codes(second), ['admitted', 'admitted']);
  });

  it('admits a duplicate retry even when full: the tx is already pending', async () => {
    const h = createHarness({ txsMax: 1 });
    const bytes = txBytes({ nonce: 1n });
    await h.mempool.admit([bytes]);
    const results = await h.mempool.admit([bytes, txBytes({ nonce: 2n })]);
    assert.deepEqual(codes(results), ['tx_duplicate', 'mempool_full']);
  });

  it('error: a throwing verify rejects the batch and releases its reservations', async () => {
    const h = createHarness({ txsMax: 1 });
    h.beforeVerify = () => {
      throw new Error('verifier broke');
    };
    const bytes = txBytes({ nonce: 1n });
    await assert.rejects(h.mempool.admit([bytes, bytes]), /verifier broke/);
    h.beforeVerify = () => {};
    const [result] = await h.mempool.admit([txBytes({ nonce: 1n })]);
    assert.equal(result?.status, 'admitted');
  });
});

describe('mempool removal and expiry', () => {
  it('removes committed txs by id, ignoring unknown ones', async () => {
    const h = createHarness();
    const all = specs(1, 4);
    await h.mempool.admit(all.map(txBytes));
    const bytesBefore = h.mempool.bytes();
    const removed = h.mempool.removeCommitted([idOf(all[1]!), idOf(all[3]!), idOf({ nonce: 99n })]);
    assert.equal(removed, 2);
    assert.equal(h.mempool.size(), 2);
    assert.equal(
      h.mempool.bytes(),
      bytesBefore - txBytes(all[1]!).length - txBytes(all[3]!).length,
    );
    assert.equal(h.mempool.has(idOf(all[1]!)), false);
    assert.deepEqual(
      hexIds(h.mempool.reap(10, 1 << 20)),
      [all[0]!, all[2]!].map((s) => toHex(idOf(s))),
    );
  });

  it('error: tx_already_committed when the tx commits while its signature is verified', async () => {
    const h = createHarness();
    const spec = { nonce: 1n };
    h.beforeVerify = () => h.committed.add(toHex(idOf(spec)));
    const [result] = await h.mempool.admit([txBytes(spec)]);
    assert.equal(result?.status === 'rejected' && result.code, 'tx_already_committed');
    assert.equal(h.mempool.size(), 0);
  });

  it('evicts txs whose expiry is at or before now, and only live ones', async () => {
    const h = createHarness();
    const expiries = [5_000, 1_000, 3_000, 2_000, 4_000];
    const all = expiries.map((ms, i) => ({ nonce: BigInt(i), expiresAtMs: t0Ms + ms }));
    await h.mempool.admit(all.map(txBytes));
    h.mempool.removeCommitted([idOf(all[3]!)]); // expires at 2 000: already gone
    assert.equal(h.mempool.evictExpired(t0Ms + 999), 0);
    assert.equal(h.mempool.evictExpired(t0Ms + 3_000), 2);
    assert.deepEqual(
      hexIds(h.mempool.txs()),
      [all[0]!, all[4]!].map((s) => toHex(idOf(s))),
    );
    assert.equal(h.mempool.evictExpired(t0Ms + 10_000), 2);
    assert.equal(h.mempool.size(), 0);
    assert.equal(h.mempool.bytes(), 0);
  });

  it('keeps evicting correctly after its expiry heap is compacted', async () => {
    const h = createHarness();
    const committedCount = expiryQueueSlackEntries + 100;
    const batch = 500;
    for (let from = 0; from < committedCount; from += batch) {
      const chunk = specs(from, Math.min(batch, committedCount - from), { signer: 1 });
      await h.mempool.admit(chunk.map(txBytes));
      h.mempool.removeCommitted(chunk.map(idOf));
    }
    const live = [2_000, 1_000].map((ms, i) => ({ nonce: BigInt(i), expiresAtMs: t0Ms + ms }));
    await h.mempool.admit(live.map(txBytes));
    assert.equal(h.mempool.evictExpired(t0Ms + 1_000), 1);
    assert.deepEqual(hexIds(h.mempool.txs()), [toHex(idOf(live[0]!))]);
    assert.equal(h.mempool.evictExpired(t0Ms + 60_000), 1);
  });
});

describe('mempool reap', () => {
  it('reaps in arrival order across batches, without removing', async () => {
    const h = createHarness();
    const all = specs(1, 6);
    await h.mempool.admit(all.slice(0, 3).map(txBytes));
    await h.mempool.admit(
      all
        .slice(3)
        .map((s) => ({ ...s, signer: 2 }))
        .map(txBytes),
    );
    const reaped = h.mempool.reap(100, 1 << 20);
    assert.deepEqual(
      hexIds(reaped),
      [...all.slice(0, 3), ...all.slice(3).map((s) => ({ ...s, signer: 2 }))].map((s) =>
        toHex(idOf(s)),
      ),
    );
    assert.equal(h.mempool.size(), 6);
  });

  it('stops at txsMax and passes over a tx that does not fit bytesMax', async () => {
    const h = createHarness();
    const big = { nonce: 2n, padBytes: 2_000 };
    const all = [{ nonce: 1n }, big, { nonce: 3n }, { nonce: 4n }];
    await h.mempool.admit(all.map(txBytes));
    assert.equal(h.mempool.reap(2, 1 << 20).length, 2);
    assert.equal(h.mempool.reap(0, 1 << 20).length, 0);
    const bytesMax = txBytes(all[0]!).length * 3;
    assert.deepEqual(
      hexIds(h.mempool.reap(10, bytesMax)),
      [all[0]!, all[2]!, all[3]!].map((s) => toHex(idOf(s))),
    );
  });

  it('skips expired txs not yet evicted and those the caller names', async () => {
    const h = createHarness();
    const soon = { nonce: 1n, expiresAtMs: t0Ms + 1_000 };
    const later = [{ nonce: 2n }, { nonce: 3n }];
    await h.mempool.admit([soon, ...later].map(txBytes));
    h.clock.nowMs = t0Ms + 1_000;
    const skipped = toHex(idOf(later[0]!));
    const reaped = h.mempool.reap(10, 1 << 20, { skip: (tx) => tx.idHex === skipped });
    assert.deepEqual(hexIds(reaped), [toHex(idOf(later[1]!))]);
    assert.equal(h.mempool.size(), 3);
  });

  it('error: reap limits must be non-negative integers', () => {
    const h = createHarness();
    assert.throws(() => h.mempool.reap(-1, 10), {
      name: 'RangeError',
      message: 'reap.txsMax: expected a non-negative integer, got -1',
    });
    assert.throws(() => h.mempool.reap(1, Number.NaN), /reap.bytesMax/);
  });
});

describe('mempool gossip and boundaries', () => {
  it('notifies once per admit call with the newly admitted txs and their origin', async () => {
    const h = createHarness();
    const batches: AdmittedBatch[] = [];
    const unsubscribe = h.mempool.onAdmitted((batch) => batches.push(batch));
    const all = specs(1, 3);
    await h.mempool.admit(
      [txBytes(all[0]!), txBytes({ nonce: 9n, badSignature: true }), txBytes(all[1]!)],
      { origin: 'peer-1' },
    );
    await h.mempool.admit([txBytes({ nonce: 10n, chainId: 'other' })]);
    assert.equal(batches.length, 1);
    assert.equal(batches[0]?.origin, 'peer-1');
    assert.deepEqual(
      hexIds(batches[0]!.txs),
      [all[0]!, all[1]!].map((s) => toHex(idOf(s))),
    );
    unsubscribe();
    await h.mempool.admit([txBytes(all[2]!)]);
    assert.equal(batches.length, 1);
  });

  it('gets a pending tx by id', async () => {
    const h = createHarness();
    await h.mempool.admit([txBytes({ nonce: 1n })]);
    assert.deepEqual(h.mempool.get(idOf({ nonce: 1n }))?.bytes, txBytes({ nonce: 1n }));
    assert.equal(h.mempool.get(idOf({ nonce: 2n })), undefined);
    assert.throws(() => h.mempool.has(new Uint8Array(31)), {
      name: 'TypeError',
      message: 'txId: expected 32 bytes',
    });
  });

  it('error: bad options and dependencies name the field', () => {
    const deps = {
      now: () => t0Ms,
      isCommitted: () => false,
      checkPermission: () => ({ ok: true }) as const,
    };
    assert.throws(() => createMempool({ chainId: '' }, deps), /mempool\.chainId/);
    assert.throws(() => createMempool({ chainId, txsMax: 0 }, deps), {
      name: 'RangeError',
      message: 'mempool.txsMax: 0 is outside 1..2147483648',
    });
    assert.throws(() => createMempool({ chainId, bytesMax: 1000 }, deps), /mempool\.bytesMax/);
    assert.throws(
      () => createMempool({ chainId, txsMax: 10, perSignerTxsMax: 11 }, deps),
      /mempool\.perSignerTxsMax: 11 is outside 1\.\.10/,
    );
    assert.throws(
      () => createMempool({ chainId, expiryWindowMs: 600_001 }, deps),
      /mempool\.expiryWindowMs/,
    );
    assert.throws(
      () =>
        createMempool({ chainId }, { ...deps, isCommitted: undefined as unknown as () => boolean }),
      /mempool deps\.isCommitted: expected a function/,
    );
  });
});
