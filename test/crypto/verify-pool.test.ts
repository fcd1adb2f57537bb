// The verify pool's scheduling, with stand-in workers (fixtures/paced-verify-worker.mjs) that verify
// nothing and answer at two paces: chunks go to whichever worker is free, a worker that dies fails
// only the chunks it held, and closing the pool rejects what still waits. What the real workers
// answer is checked in verify-batch.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunksPerWorkerMax, VerifyPool } from '../../src/crypto/verify-pool.ts';
import type { WorkerSource } from '../../src/crypto/verify-worker-source.ts';

const pacedSource: WorkerSource = {
  kind: 'tsx',
  url: new URL('./fixtures/paced-verify-worker.mjs', import.meta.url),
};
/** The stand-in's tag for its fast worker (1 ms a chunk); the other takes 40 ms. */
const fastTag = 0;

const items = Array.from({ length: 20 }, (_, i) => ({
  suite: 'ed25519' as const,
  message: Uint8Array.of(i),
  signature: new Uint8Array(64),
  publicKey: new Uint8Array(32),
}));

test('a slow worker takes fewer chunks: each goes to whichever worker is free', async () => {
  const pool = new VerifyPool(2, () => pacedSource);
  try {
    await pool.warm();
    const answers = await Promise.all(items.map((_, i) => pool.verifyChunk(items, i, i + 1)));
    const byFast = answers.filter((a) => a[0] === fastTag).length;
    // Handed out in turn, each worker would answer 10. The slow one holds at most
    // chunksPerWorkerMax at a time, 40 ms each, while the fast one answers every millisecond.
    assert.ok(byFast >= 14, `the fast worker answered ${byFast} of 20 chunks`);
    assert.deepEqual(pool.backlog(), { inFlight: 0, queued: 0 });
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails only the chunks it held; the queue goes on on a fresh worker', async () => {
  const pool = new VerifyPool(1, () => pacedSource);
  try {
    await pool.warm();
    const many = Array.from({ length: 40 }, (_, i) => items[i % items.length]!);
    const dying = pool.verifyChunk(many, 0, 13);
    const after = [pool.verifyChunk(many, 13, 14), pool.verifyChunk(many, 14, 30)];
    await assert.rejects(dying, /verify worker exited with code 3/);
    const settled = await Promise.allSettled(after);
    // The chunk sent along with the dying one (two a worker) may fail with it; the one that
    // waited in the queue is answered by the worker started in its place.
    assert.equal(settled[1]!.status, 'fulfilled');
    assert.equal((settled[1] as PromiseFulfilledResult<Uint8Array>).value.length, 16);
    assert.deepEqual(pool.backlog(), { inFlight: 0, queued: 0 });
  } finally {
    await pool.close();
  }
});

test('closing the pool rejects the chunks that wait, and a later chunk starts workers again', async () => {
  const pool = new VerifyPool(1, () => pacedSource);
  await pool.warm();
  const chunks = Array.from({ length: 6 }, (_, i) => pool.verifyChunk(items, i, i + 1));
  assert.deepEqual(pool.backlog(), {
    inFlight: chunksPerWorkerMax,
    queued: 6 - chunksPerWorkerMax,
  });
  const settling = Promise.allSettled(chunks);
  await pool.close();
  const settled = await settling;
  assert.ok(settled.every((s) => s.status === 'rejected'));
  const again = await pool.verifyChunk(items, 0, 3);
  assert.equal(again.length, 3);
  await pool.close();
});
