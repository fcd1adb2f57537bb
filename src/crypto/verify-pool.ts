// A pool of worker threads, one per core, that verifies batches of signatures. Unlike
// node:crypto's async verify, which runs on libuv's 4-thread pool unless UV_THREADPOOL_SIZE is set at
// start-up, it scales with the machine's cores. Workers are unref'd while idle so they never hold the
// process open.
//
// A batch is packed once into shared memory, cut into about chunksPerWorker chunks a worker, and
// posted to every worker; each claims chunks from a shared counter until none are left
// (verify-worker.ts). A worker on a core that something else also wants (the node's main thread,
// LMDB's writer, another process) claims fewer, and no chunk waits for the main thread to hand it
// out. Chunks handed out in turn made every batch wait for its slowest worker: on this 2-core VM
// one vCPU ran about 28% slower while both were busy, and a batch of 2,000 then reached 70.6%
// parallel efficiency against the 86% two independent processes reached (bench/ledger/crypto.ts).
// Both pools in one process, alternating 400 ms rounds (12 a run): this one verified 3.4 to 14.2%
// more a second than chunks in turn, median of the per-round ratios over three runs of 2,000-item
// batches (4.4% for batches of 200).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assert } from '../util/assert.ts';
import { workerExecArgv } from '../util/worker-source.ts';
import type { Ed25519Backend } from './libsodium.ts';
import {
  controlAbandoned,
  controlChunksPacked,
  controlSlots,
  layoutBatch,
  type PackableItem,
  packChunk,
  type VerifyRequest,
  type VerifyResponse,
  type VerifyWorkerHello,
} from './verify-pack.ts';
import { verifyWorkerSource, type WorkerSource } from './verify-worker-source.ts';

/** Chunks a batch is cut into per worker: the slower worker's last chunk is what the batch waits on. */
export const chunksPerWorker = 16;
/** Smallest chunk, so that claiming one stays small next to verifying it. */
export const chunkItemsMin = 8;

type Pending = {
  readonly resolve: (results: Uint8Array) => void;
  readonly reject: (error: Error) => void;
  readonly results: Uint8Array;
};
type PoolWorker = { worker: Worker; ed25519?: Ed25519Backend };

export class VerifyPool {
  readonly workersMax: number;
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;
  /** Batches and pings not yet answered, by id. */
  readonly #pending = new Map<number, Pending>();

  readonly #source: () => WorkerSource;

  constructor(
    workersMax = availableParallelism(),
    source: () => WorkerSource = verifyWorkerSource,
  ) {
    assert(
      Number.isInteger(workersMax) && workersMax > 0,
      'VerifyPool: workersMax must be positive',
    );
    this.workersMax = workersMax;
    this.#source = source;
  }

  /** Where the workers' code comes from, and the Ed25519 library each started worker loaded. */
  describe(): { source: WorkerSource['kind']; ed25519: (Ed25519Backend | undefined)[] } {
    return { source: this.#source().kind, ed25519: this.workers.map((w) => w.ed25519) };
  }

  /** Starts every worker now, so the first batch does not wait for start-up. */
  async warm(): Promise<void> {
    this.startWorkers();
    await Promise.all(
      this.workers.map((w) => this.request([w], { kind: 'ping', id: this.nextId })),
    );
  }

  /**
   * Verifies items[from, to) on all workers; one byte per item, 1 for valid. The items are read
   * (packed) before this returns.
   */
  async verifyRange(items: readonly PackableItem[], from: number, to: number): Promise<Uint8Array> {
    const count = to - from;
    if (count <= 0) return new Uint8Array(0);
    const chunkItems = Math.max(
      chunkItemsMin,
      Math.ceil(count / (chunksPerWorker * this.workersMax)),
    );
    const batch = layoutBatch(items, from, to, chunkItems);
    const control = new Int32Array(new SharedArrayBuffer(4 * controlSlots));
    const results = new Uint8Array(new SharedArrayBuffer(count));
    this.startWorkers();
    const id = this.nextId;
    const answered = this.request(
      this.workers,
      { kind: 'batch', id, batch, control, results },
      results,
    );
    // The workers start on the first chunks while the rest are packed.
    try {
      for (let chunk = 0; chunk < batch.chunks; chunk++) {
        packChunk(batch, items, from, chunk);
        Atomics.store(control, controlChunksPacked, chunk + 1);
        Atomics.notify(control, controlChunksPacked);
      }
    } catch (error) {
      // An item that read differently the second time (a getter): the workers run out the batch
      // without reading the chunks left unpacked, and its answer is dropped.
      Atomics.store(control, controlAbandoned, 1);
      Atomics.store(control, controlChunksPacked, batch.chunks);
      Atomics.notify(control, controlChunksPacked);
      this.#pending.get(id)?.reject(error as Error);
    }
    return answered;
  }

  /** Stops the workers; what is not answered yet is rejected. A later batch starts them again. */
  async close(): Promise<void> {
    const closing = this.workers.splice(0).map((w) => w.worker.terminate());
    this.#failPending(new Error('verify pool closed'));
    await Promise.all(closing);
  }

  /** Batches and pings posted and not yet answered. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  private request(
    targets: readonly PoolWorker[],
    message: VerifyRequest,
    results: Uint8Array = new Uint8Array(0),
  ): Promise<Uint8Array> {
    const id = this.nextId++;
    assert(message.id === id, 'VerifyPool: a request carries the next id');
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, results });
      if (this.#pending.size === 1) for (const w of this.workers) w.worker.ref();
      for (const w of targets) w.worker.postMessage(message);
    });
  }

  private startWorkers(): void {
    while (this.workers.length < this.workersMax) this.startWorker();
  }

  #failPending(error: Error): void {
    const failed = [...this.#pending.values()];
    this.#pending.clear();
    for (const w of this.workers) w.worker.unref();
    for (const pending of failed) pending.reject(error);
  }

  private startWorker(): void {
    const worker = new Worker(this.#source().url, { execArgv: workerExecArgv() });
    const entry: PoolWorker = { worker };
    worker.on('message', (message: VerifyResponse | VerifyWorkerHello) => {
      if ('hello' in message) {
        entry.ed25519 = message.hello.ed25519;
        return;
      }
      const pending = this.#pending.get(message.id);
      // A batch failed when another worker died can still be finished by this one: no one waits.
      if (pending === undefined) return;
      this.#pending.delete(message.id);
      if (this.#pending.size === 0) for (const w of this.workers) w.worker.unref();
      pending.resolve(pending.results);
    });
    // A worker that dies is a bug. Any batch may have had a chunk on it, which would never be
    // done: fail everything pending, and let the next batch start a fresh worker.
    const fail = (error: Error): void => {
      const index = this.workers.indexOf(entry);
      if (index < 0) return; // closed, or already failed
      this.workers.splice(index, 1);
      this.#failPending(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`verify worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    if (this.#pending.size === 0) worker.unref();
    this.workers.push(entry);
  }
}
