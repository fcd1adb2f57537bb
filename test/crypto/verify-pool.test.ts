// The verify pool's scheduling, with stand-in workers (fixtures/paced-verify-worker.mjs) that speak
// the real protocol but verify nothing, at two paces: a worker that is slower claims fewer chunks
// of a batch, a worker that dies fails what was pending and the next batch runs on a fresh one,
// and closing the pool rejects what is pending. What real workers answer is in verify-batch.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSuite } from '../../src/crypto/suites.ts';
import { chunkItemsMin, chunksPerWorker, VerifyPool } from '../../src/crypto/verify-pool.ts';
import type { WorkerSource } from '../../src/crypto/verify-worker-source.ts';

const pacedSource: WorkerSource = {
  kind: 'tsx',
  url: new URL('./fixtures/paced-verify-worker.mjs', import.meta.url),
};
/** The stand-in's tag for its fast worker (1 ms a chunk); the other takes 40 ms. */
const fastTag = 0;

function itemsOf(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    suite: 'ed25519' as const,
    message: Uint8Array.of(i & 0xff),
    signature: new Uint8Array(64),
    publicKey: new Uint8Array(32),
  }));
}

/** Runs `body` on a warmed pool of `workers` stand-in workers, and closes the pool after. */
async function withPacedPool(workers: number, body: (pool: VerifyPool) => Promise<void>) {
  const pool = new VerifyPool(workers, () => pacedSource);
  try {
    await pool.warm();
    await body(pool);
  } finally {
    await pool.close();
  }
}

test('a slower worker claims fewer chunks of a batch', () =>
  withPacedPool(2, async (pool) => {
    const chunks = 2 * chunksPerWorker;
    const items = itemsOf(chunks * chunkItemsMin);
    const results = await pool.verifyRange(items, 0, items.length);
    assert.equal(results.length, items.length);
    let byFast = 0;
    for (let c = 0; c < chunks; c++) if (results[c * chunkItemsMin] === fastTag) byFast++;
    // Split evenly, each worker would take 16. The slow one spends 40 ms on each it claims,
    // while the fast one takes a chunk every millisecond.
    assert.ok(byFast >= (3 * chunks) / 4, `the fast worker took ${byFast} of ${chunks} chunks`);
    assert.equal(pool.pendingCount, 0);
  }));

test('a worker that dies fails what is pending; the next batch runs on a fresh worker', () =>
  withPacedPool(1, async (pool) => {
    const items = itemsOf(40);
    await assert.rejects(pool.verifyRange(items, 0, 13), /verify worker exited with code 3/);
    const next = await pool.verifyRange(items, 13, 40);
    assert.equal(next.length, 27);
    assert.equal(pool.pendingCount, 0);
  }));

test('a batch failed by one worker dying and then finished by another is let go', () =>
  withPacedPool(2, async (pool) => {
    const items = itemsOf(20);
    // The odd worker exits on this batch; the even one finishes it 100 ms later, after the pool
    // has failed it. Its answer then finds nothing waiting and must not throw.
    await assert.rejects(pool.verifyRange(items, 0, 14), /verify worker exited with code 3/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await pool.verifyRange(items, 0, 20);
    assert.equal(next.length, 20);
    assert.equal(pool.pendingCount, 0);
  }));

test('closing the pool rejects the batches pending, and a later batch starts workers again', async () => {
  const pool = new VerifyPool(1, () => pacedSource);
  await pool.warm();
  const items = itemsOf(400);
  const pending = [pool.verifyRange(items, 0, 200), pool.verifyRange(items, 200, 400)];
  assert.equal(pool.pendingCount, 2);
  const settling = Promise.allSettled(pending);
  await pool.close();
  const settled = await settling;
  assert.ok(settled.every((s) => s.status === 'rejected'));
  const again = await pool.verifyRange(items, 0, 3);
  assert.equal(again.length, 3);
  await pool.close();
});

test('an item that reads differently while packed fails its batch only; the workers go on', async () => {
  const pool = new VerifyPool(2);
  try {
    await pool.warm();
    const signer = getSuite('ed25519');
    const key = signer.generateKeyPair();
    const signed = Array.from({ length: 300 }, (_, i) => {
      const message = Uint8Array.of(i & 0xff, i >> 8);
      const signature = signer.sign(message, key.secretKey);
      return { suite: 'ed25519' as const, message, signature, publicKey: key.publicKey };
    });
    // Laid out with two reads of its message, it throws on the third: while its chunk is packed,
    // after the workers were sent the batch.
    let reads = 0;
    const fickle = {
      ...signed[250]!,
      get message(): Uint8Array {
        reads++;
        if (reads > 2) throw new Error('changed under the pool');
        return signed[250]!.message;
      },
    };
    const items = signed.map((item, i) => (i === 250 ? fickle : item));
    await assert.rejects(pool.verifyRange(items, 0, items.length), /changed under the pool/);
    const again = await pool.verifyRange(signed, 0, signed.length);
    assert.ok(again.every((byte) => byte === 1));
    assert.deepEqual(pool.describe().ed25519.length, 2, 'no worker died');
    assert.equal(pool.pendingCount, 0);
  } finally {
    await pool.close();
  }
});
