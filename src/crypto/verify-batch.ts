// Verifies many signatures at once on all cores (DESIGN decision 3: verify once, in parallel, at
// mempool entry). Prototypes of both designs on the quiet 2-core machine, Ed25519, 2000-4000 items:
// worker threads ~14.5-14.9k/s and async crypto.verify on libuv's thread pool ~14.3-14.7k/s, against
// ~7.8k/s on one thread (93-95% efficiency each); bench/ledger/crypto.ts measures both on this code.
// libuv's pool has 4 threads unless UV_THREADPOOL_SIZE is set before the process starts (setting it
// from code is too late: checked). So where the pool covers every core it does the work (it measured
// ahead of the workers on 2 cores), and on larger machines batches of poolBatchItemsMin or more go
// to a worker pool sized to the cores; small batches, where a worker round trip costs more than it
// saves, always go to the thread pool.

import { verify } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { assert } from '../util/assert.ts';
import type { PreparedVerify } from './node-suite.ts';
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
/** Smallest chunk sent to one worker, so that message overhead stays small next to the work. */
export const poolChunkItemsMin = 32;
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

/**
 * libuv's thread pool size: 4 unless UV_THREADPOOL_SIZE was set before the process started. Where it
 * covers every core, async crypto.verify already uses them all, and measured faster than workers on
 * 2 cores (87% against 72% of the single-thread rate times cores, `npm run bench -- --only ledger`).
 */
const threadPoolThreads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const threadPoolCoversCores = availableParallelism() <= threadPoolThreads;

/** One boolean per item, in order: true only for a valid signature; never rejects on bad input. */
export function verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
  if (threadPoolCoversCores || items.length < poolBatchItemsMin)
    return verifyBatchOnThreadPool(items);
  return verifyBatchOnWorkers(items, verifyPool());
}

/** verifyBatch on worker threads: the batch is cut into about two chunks per worker. */
export async function verifyBatchOnWorkers(
  items: readonly VerifyItem[],
  pool: VerifyPool,
): Promise<boolean[]> {
  const chunkItems = Math.max(poolChunkItemsMin, Math.ceil(items.length / (2 * pool.workersMax)));
  const chunks: Promise<Uint8Array>[] = [];
  for (let from = 0; from < items.length; from += chunkItems) {
    chunks.push(pool.verifyChunk(items, from, Math.min(items.length, from + chunkItems)));
  }
  const results: boolean[] = [];
  for (const chunk of await Promise.all(chunks)) for (const byte of chunk) results.push(byte === 1);
  assert(results.length === items.length, 'verifyBatchOnWorkers: one result per item');
  return results;
}

function prepareItem(item: VerifyItem): PreparedVerify | undefined {
  if (item === null || typeof item !== 'object' || !isSuiteId(item.suite)) return undefined;
  return getSuite(item.suite).prepareVerify(item.message, item.signature, item.publicKey);
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
