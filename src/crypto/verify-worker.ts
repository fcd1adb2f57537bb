// Body of a verify worker thread: every worker gets every batch, and claims its chunks one at a time
// from a counter in shared memory, so a worker that is busy elsewhere or runs on a slower core
// simply claims fewer, without the main thread handing anything out. It writes one byte per item
// (1 for valid) into the batch's shared results; the worker that finishes the last chunk answers.
// Each worker keeps its own key caches. Its first message names the Ed25519 library it loaded.
// Started from an in-memory bundle of this file (verify-worker-source.ts), or through
// verify-worker.mjs.

import { parentPort } from 'node:worker_threads';
import { assert } from '../util/assert.ts';
import { ed25519Backend } from './libsodium.ts';
import { getSuite } from './suites.ts';
import {
  controlAbandoned,
  controlChunksDone,
  controlChunksPacked,
  controlNextChunk,
  type PackedBatch,
  unpackItems,
  type VerifyRequest,
  type VerifyResponse,
  type VerifyWorkerHello,
} from './verify-pack.ts';

assert(parentPort !== null, 'verify-worker: runs only as a worker thread');
const port = parentPort;
const hello: VerifyWorkerHello = { hello: { ed25519: ed25519Backend } };
port.postMessage(hello);

function verifyChunk(batch: PackedBatch, chunk: number, results: Uint8Array): void {
  const from = batch.byteStarts[chunk]!;
  const to = batch.byteStarts[chunk + 1]!;
  // Native verifiers (sodium-native among them) take no views of shared memory: one copy a chunk.
  const own = new Uint8Array(batch.packed, from, to - from).slice().buffer;
  let index = batch.itemStarts[chunk]!;
  unpackItems(own, (suite, message, signature, publicKey) => {
    results[index++] =
      suite !== undefined && getSuite(suite).verify(message, signature, publicKey) ? 1 : 0;
  });
  assert(index === batch.itemStarts[chunk + 1], 'verify-worker: one result per item');
}

port.on('message', (request: VerifyRequest) => {
  if (request.kind === 'ping') {
    port.postMessage({ id: request.id } satisfies VerifyResponse);
    return;
  }
  const { batch, control, results } = request;
  for (;;) {
    const chunk = Atomics.add(control, controlNextChunk, 1);
    if (chunk >= batch.chunks) return;
    for (;;) {
      const packed = Atomics.load(control, controlChunksPacked);
      if (packed > chunk) break;
      Atomics.wait(control, controlChunksPacked, packed);
    }
    if (Atomics.load(control, controlAbandoned) === 0) verifyChunk(batch, chunk, results);
    // Atomics order the results' writes before the count another thread reads.
    if (Atomics.add(control, controlChunksDone, 1) + 1 === batch.chunks)
      port.postMessage({ id: request.id } satisfies VerifyResponse);
  }
});
