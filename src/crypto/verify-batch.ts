// Verifies many signatures at once on all cores (DESIGN decision 3: verify once, in parallel, at
// mempool entry). Two parallel paths: a pool of worker threads sized to the cores, each verifying a
// packed chunk, and async crypto.verify on libuv's thread pool. Measured on the quiet 2-core machine
// with Ed25519 on node:crypto, medians of three interleaved rounds, when a batch went out as two
// chunks to each worker in turn (bench/ledger/crypto.ts reports both paths):
//   items     16     64    128    256   1000   2000
//   workers  41%    76%    94%    89%    96%    96%   of (single-thread rate x cores)
//   libuv    72%    76%    82%    78%    78%    78%
// The libuv path spends main-thread time on every item (key lookup, job, callback), which on two
// cores competes with the two threads doing the work; a worker chunk costs the main thread one
// copy. So batches of poolBatchItemsMin or more go to the workers on every machine. Smaller ones,
// where a worker round trip costs more than it saves, are verified in place when the suite's verify
// costs less than a libuv job does on the main thread and its pool thread together (Ed25519 on
// libsodium), and otherwise on the thread pool.

import { verify } from 'node:crypto';
import { assert } from '../util/assert.ts';
import type { NodeSignatureSuite, PreparedVerify } from './node-suite.ts';
import type { SuiteId } from './suite.ts';
import { getSuite, isSuiteId } from './suites.ts';
import { VerifyPool } from './verify-pool.ts';

export type VerifyItem = {
  readonly suite: SuiteId;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
};

/** Batches at least this large go to the worker pool; below it a worker round trip costs more than it saves. */
export const poolBatchItemsMin = 64;
/**
 * Thread-pool verifications in flight at once: a few queued per libuv thread hides the callback round
 * trip without crowding out file and DNS work queued there for long.
 */
export const verifyBatchInFlightMax = 16;

let sharedPool: VerifyPool | undefined;

/** The process-wide pool, created on first use; workers start lazily unless warmed. */
export function verifyPool(): VerifyPool {
  sharedPool ??= new VerifyPool();
  return sharedPool;
}

/** One boolean per item, in order: true only for a valid signature; never rejects on bad input. */
export function verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
  if (items.length < poolBatchItemsMin) return verifySmallBatch(items);
  return verifyBatchOnWorkers(items, verifyPool());
}

/** The item's suite; undefined for an item that is not even an object naming a known suite. */
function suiteOf(item: VerifyItem): NodeSignatureSuite | undefined {
  if (item === null || typeof item !== 'object' || !isSuiteId(item.suite)) return undefined;
  return getSuite(item.suite);
}

/** A batch too small for the workers: in place where the suite says so, the rest on libuv's pool. */
async function verifySmallBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
  const results = new Array<boolean>(items.length).fill(false);
  const pooled: number[] = [];
  items.forEach((item, i) => {
    const suite = suiteOf(item);
    if (suite?.verifiesInline === true)
      results[i] = suite.verify(item.message, item.signature, item.publicKey);
    else pooled.push(i);
  });
  if (pooled.length === 0) return results;
  const pooledResults = await verifyBatchOnThreadPool(pooled.map((i) => items[i]!));
  pooled.forEach((at, k) => {
    results[at] = pooledResults[k]!;
  });
  return results;
}

/** verifyBatch on worker threads: the pool cuts the batch into chunks its workers claim. */
export async function verifyBatchOnWorkers(
  items: readonly VerifyItem[],
  pool: VerifyPool,
): Promise<boolean[]> {
  const bytes = await pool.verifyRange(items, 0, items.length);
  assert(bytes.length === items.length, 'verifyBatchOnWorkers: one result per item');
  const results = new Array<boolean>(items.length);
  for (let i = 0; i < bytes.length; i++) results[i] = bytes[i] === 1;
  return results;
}

function prepareItem(item: VerifyItem): PreparedVerify | undefined {
  return suiteOf(item)?.prepareVerify(item.message, item.signature, item.publicKey);
}

/** verifyBatch on libuv's thread pool through async crypto.verify, with a bounded number in flight. */
export function verifyBatchOnThreadPool(items: readonly VerifyItem[]): Promise<boolean[]> {
  const results = new Array<boolean>(items.length).fill(false);
  if (items.length === 0) return Promise.resolve(results);
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let settled = 0;

    const finish = (index: number, ok: boolean): void => {
      results[index] = ok;
      settled++;
      assert(settled <= items.length, 'verifyBatch: each item settles once');
    };

    const pump = (): void => {
      while (inFlight < verifyBatchInFlightMax && next < items.length) {
        const index = next++;
        const prepared = prepareItem(items[index]!);
        if (prepared === undefined) {
          finish(index, false);
          continue;
        }
        inFlight++;
        const done = (error: Error | null, ok: boolean): void => {
          inFlight--;
          finish(index, error === null && ok === true);
          pump();
        };
        try {
          verify(prepared.algorithm, prepared.data, prepared.key, prepared.signature, done);
        } catch {
          inFlight--;
          finish(index, false);
        }
      }
      if (settled === items.length) resolve(results);
    };
    pump();
  });
}
