// The ledger bench's garbage-collection figures: pauses counted by kind from this process's own
// collections, and the CPU of its threads besides the main one from /proc.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { watchGc } from '../../bench/lib/gc-watch.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'minor' }) => void;

test('counts young-generation and full collections apart, with their pauses', async () => {
  const watch = watchGc();
  let kept: number[][] = [];
  for (let i = 0; i < 3; i++) {
    kept = Array.from({ length: 10_000 }, (_, j) => [i, j]);
    gc({ type: 'minor' });
  }
  gc(); // a full collection (gc({ type: 'major' }) reports itself as a minor one in Node 20)
  const usage = await watch.stop();
  assert.equal(kept.length, 10_000);
  assert.ok(usage.youngCount >= 3, `three scavenges seen (${usage.youngCount})`);
  assert.ok(usage.fullCount >= 1, `a full collection seen (${usage.fullCount})`);
  assert.ok(usage.youngPauseMs > 0 && usage.fullPauseMs > 0);
});

test('counts the CPU of a busy thread besides the main one', {
  skip: process.platform !== 'linux',
}, async () => {
  const watch = watchGc();
  // A worker that spins for 300 ms of CPU, says so, and stays alive until stop() has read /proc
  // (the time of a thread that has ended is gone with it).
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const start = process.hrtime.bigint();
     while (process.hrtime.bigint() - start < 300_000_000n) {}
     parentPort.postMessage('spun');
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  try {
    await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    const usage = await watch.stop();
    assert.ok(
      usage.otherThreadsCpuMs >= 200,
      `the worker's time counted (${usage.otherThreadsCpuMs} ms)`,
    );
  } finally {
    await worker.terminate();
  }
});
