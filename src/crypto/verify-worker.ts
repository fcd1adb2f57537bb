// Body of a verify worker thread: verifies packed chunks with the suites (each worker keeps its own
// key caches) and answers one byte per item; its first message names the Ed25519 library it
// loaded. Started from an in-memory bundle of this file (verify-worker-source.ts), or through
// verify-worker.mjs.

import { parentPort } from 'node:worker_threads';
import { assert } from '../util/assert.ts';
import { type Ed25519Backend, ed25519Backend } from './libsodium.ts';
import { getSuite } from './suites.ts';
import { unpackItems } from './verify-pack.ts';

export type VerifyRequest = {
  readonly id: number;
  readonly packed: ArrayBuffer;
  readonly count: number;
};
export type VerifyResponse = { readonly id: number; readonly results: Uint8Array };
/** The worker's first message: which Ed25519 library it loaded. */
export type VerifyWorkerHello = { readonly hello: { readonly ed25519: Ed25519Backend } };

assert(parentPort !== null, 'verify-worker: runs only as a worker thread');
const port = parentPort;
const hello: VerifyWorkerHello = { hello: { ed25519: ed25519Backend } };
port.postMessage(hello);

port.on('message', (request: VerifyRequest) => {
  const results = new Uint8Array(request.count);
  let index = 0;
  unpackItems(request.packed, (suite, message, signature, publicKey) => {
    results[index++] =
      suite !== undefined && getSuite(suite).verify(message, signature, publicKey) ? 1 : 0;
  });
  assert(index === request.count, 'verify-worker: one result per item');
  const response: VerifyResponse = { id: request.id, results };
  port.postMessage(response, [results.buffer]);
});
