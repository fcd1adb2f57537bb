// A pool of worker threads, one per core, that verifies packed chunks of signatures. Unlike
// node:crypto's async verify, which runs on libuv's 4-thread pool unless UV_THREADPOOL_SIZE is set at
// start-up, it scales with the machine's cores. Workers are unref'd while idle so they never hold the
// process open.
//
// Chunks wait in one queue, and a worker takes the next one when it has fewer than
// chunksPerWorkerMax of its own: a worker on a core that something else also wants (the node's
// main thread, LMDB's writer, another process) simply takes fewer chunks. Handing chunks out in turn
// made every batch wait for its slowest worker: on this 2-core VM one vCPU ran about 28% slower
// while both were busy, and round-robin chunks then gave 70.6% parallel efficiency against the
// 86% that two independent processes reached (bench/ledger/crypto.ts).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assert } from '../util/assert.ts';
import { workerExecArgv } from '../util/worker-source.ts';
import type { Ed25519Backend } from './libsodium.ts';
import { type PackableItem, packItems } from './verify-pack.ts';
import type { VerifyRequest, VerifyResponse, VerifyWorkerHello } from './verify-worker.ts';
import { verifyWorkerSource, type WorkerSource } from './verify-worker-source.ts';

type Job = {
  readonly id: number;
  readonly packed: ArrayBuffer;
  readonly count: number;
  readonly resolve: (results: Uint8Array) => void;
  readonly reject: (error: Error) => void;
};
type PoolWorker = { worker: Worker; jobs: Map<number, Job>; ed25519?: Ed25519Backend };

/**
 * Chunks a worker holds at once: the one it verifies and the next, so it never waits for a round
 * trip to the main thread between two, while the rest stay in the queue for whichever worker is
 * free first.
 */
export const chunksPerWorkerMax = 2;

export class VerifyPool {
  readonly workersMax: number;
  private readonly workers: PoolWorker[] = [];
  private nextJobId = 0;
  /** Chunks not yet handed to a worker, oldest first from #queueHead. */
  #queue: Job[] = [];
  #queueHead = 0;

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
    while (this.workers.length < this.workersMax) this.startWorker();
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<Uint8Array>((resolve, reject) =>
            this.send(w, this.job(packItems([], 0, 0), 0, resolve, reject)),
          ),
      ),
    );
  }

  /**
   * Verifies items[from, to) on the first worker free to take it; one byte per item, 1 for valid.
   * The items are read (packed) before this returns.
   */
  async verifyChunk(items: readonly PackableItem[], from: number, to: number): Promise<Uint8Array> {
    const packed = packItems(items, from, to);
    return new Promise((resolve, reject) => {
      this.#queue.push(this.job(packed, to - from, resolve, reject));
      this.pump();
    });
  }

  /** Stops the workers; chunks not yet answered are rejected. A later chunk starts workers again. */
  async close(): Promise<void> {
    const waiting = this.#queue.slice(this.#queueHead);
    this.#queue = [];
    this.#queueHead = 0;
    const closing = this.workers.splice(0).map((w) => w.worker.terminate());
    for (const job of waiting) job.reject(new Error('verify pool closed'));
    await Promise.all(closing);
  }

  /** Chunks handed out but not answered, and chunks waiting for a worker. */
  backlog(): { inFlight: number; queued: number } {
    let inFlight = 0;
    for (const w of this.workers) inFlight += w.jobs.size;
    return { inFlight, queued: this.#queue.length - this.#queueHead };
  }

  private job(
    packed: ArrayBuffer,
    count: number,
    resolve: Job['resolve'],
    reject: Job['reject'],
  ): Job {
    return { id: this.nextJobId++, packed, count, resolve, reject };
  }

  /** Hands queued chunks to the least busy workers, starting workers up to workersMax. */
  private pump(): void {
    while (this.#queueHead < this.#queue.length) {
      if (this.workers.length < this.workersMax) this.startWorker();
      const target = this.leastBusy();
      if (target.jobs.size >= chunksPerWorkerMax) break;
      const job = this.#queue[this.#queueHead]!;
      this.#queue[this.#queueHead++] = undefined as unknown as Job;
      this.send(target, job);
    }
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    }
  }

  private leastBusy(): PoolWorker {
    let best = this.workers[0]!;
    for (const w of this.workers) if (w.jobs.size < best.jobs.size) best = w;
    return best;
  }

  private send(target: PoolWorker, job: Job): void {
    target.jobs.set(job.id, job);
    if (target.jobs.size === 1) target.worker.ref();
    const request: VerifyRequest = { id: job.id, packed: job.packed, count: job.count };
    target.worker.postMessage(request, [job.packed]);
  }

  private startWorker(): void {
    const worker = new Worker(this.#source().url, { execArgv: workerExecArgv() });
    const entry: PoolWorker = { worker, jobs: new Map() };
    worker.on('message', (message: VerifyResponse | VerifyWorkerHello) => {
      if ('hello' in message) {
        entry.ed25519 = message.hello.ed25519;
        return;
      }
      const response = message;
      const job = entry.jobs.get(response.id);
      assert(job !== undefined, 'VerifyPool: a response matches a pending job');
      entry.jobs.delete(response.id);
      this.pump();
      if (entry.jobs.size === 0) worker.unref();
      job.resolve(response.results);
    });
    // A worker that dies is a bug; fail its jobs, and give what waits in the queue to a fresh one.
    const fail = (error: Error): void => {
      const lost = [...entry.jobs.values()];
      entry.jobs.clear();
      for (const job of lost) job.reject(error);
      const index = this.workers.indexOf(entry);
      if (index < 0) return; // closed, or already failed
      this.workers.splice(index, 1);
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`verify worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    this.workers.push(entry);
  }
}
