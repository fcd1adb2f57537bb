// A pool of worker threads, one per core, that verifies packed chunks of signatures. Unlike
// node:crypto's async verify, which runs on libuv's 4-thread pool unless UV_THREADPOOL_SIZE is set at
// start-up, it scales with the machine's cores. Workers are unref'd while idle so they never hold the
// process open.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assert } from '../util/assert.ts';
import { workerExecArgv } from '../util/worker-source.ts';
import type { Ed25519Backend } from './libsodium.ts';
import { type PackableItem, packItems } from './verify-pack.ts';
import type { VerifyRequest, VerifyResponse, VerifyWorkerHello } from './verify-worker.ts';
import { verifyWorkerSource, type WorkerSource } from './verify-worker-source.ts';

type Job = { resolve: (results: Uint8Array) => void; reject: (error: Error) => void };
type PoolWorker = { worker: Worker; jobs: Map<number, Job>; ed25519?: Ed25519Backend };

export class VerifyPool {
  readonly workersMax: number;
  private readonly workers: PoolWorker[] = [];
  private nextJobId = 0;
  private nextWorker = 0;

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
    await Promise.all(this.workers.map((w) => this.runOn(w, packItems([], 0, 0), 0)));
  }

  /** Verifies items[from, to) on the next worker; one byte per item, 1 for valid. */
  async verifyChunk(items: readonly PackableItem[], from: number, to: number): Promise<Uint8Array> {
    if (this.workers.length < this.workersMax) this.startWorker();
    const target = this.workers[this.nextWorker++ % this.workers.length]!;
    return this.runOn(target, packItems(items, from, to), to - from);
  }

  async close(): Promise<void> {
    const closing = this.workers.splice(0).map((w) => w.worker.terminate());
    await Promise.all(closing);
  }

  private runOn(target: PoolWorker, packed: ArrayBuffer, count: number): Promise<Uint8Array> {
    const id = this.nextJobId++;
    return new Promise((resolve, reject) => {
      target.jobs.set(id, { resolve, reject });
      if (target.jobs.size === 1) target.worker.ref();
      const request: VerifyRequest = { id, packed, count };
      target.worker.postMessage(request, [packed]);
    });
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
      if (entry.jobs.size === 0) worker.unref();
      job.resolve(response.results);
    });
    // A worker that dies is a bug; fail its jobs and let the next call start a fresh one.
    const fail = (error: Error): void => {
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      for (const job of entry.jobs.values()) job.reject(error);
      entry.jobs.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`verify worker exited with code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    worker.unref();
    this.workers.push(entry);
  }
}
