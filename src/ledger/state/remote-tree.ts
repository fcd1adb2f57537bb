// The main thread's end of the tree worker (tree-worker.ts): hands it each block's state changes
// and gets back the block's writes to the tree's tables, which the main thread stages with
// StateTree.stageWrites into the block's own batch. Blocks go in height order and come back in it.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Store } from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import {
  type WorkerEntry,
  type WorkerSource,
  workerExecArgv,
  workerSources,
} from '../../util/worker-source.ts';
import { cacheNodesMaxDefault, type StateChange } from './tree.ts';
import { packChanges, type TreeReply, type TreeRequest, type TreeWorkerInit } from './tree-wire.ts';

const treeWorker: WorkerEntry = {
  entry: new URL('./tree-worker.ts', import.meta.url),
  tsxShim: new URL('./tree-worker.mjs', import.meta.url),
  // lmdb's CommonJS build, resolved from here: only import.meta.url may appear in a module the
  // CLI bundle takes in (bin/cli-bundle.mjs), and Node gives its named exports to an import.
  external: { lmdb: pathToFileURL(createRequire(import.meta.url).resolve('lmdb')).href },
};

/** Workers that register tsx themselves: the fallback (tests compare it with the bundle). */
export const tsxTreeWorkerSource: WorkerSource = { kind: 'tsx', url: treeWorker.tsxShim };

export type TreeWorkerOptions = {
  /** Decoded internal nodes the worker keeps (its own cache, beside the main thread's). */
  cacheNodesMax?: number;
  /** Where the worker starts from (tests pick tsx); default: the bundle, or else tsx. */
  source?: () => WorkerSource;
};

type Pending = { resolve: (writes: ArrayBuffer) => void; reject: (error: Error) => void };

export class TreeWorker {
  /** What the worker started from: its bundle, or tsx where no bundle could be made. */
  readonly source: WorkerSource['kind'];
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #failed: Error | undefined;
  #closed: Promise<void> | undefined;
  #onClosed: (() => void) | undefined;

  constructor(store: Store, options: TreeWorkerOptions = {}) {
    const init: TreeWorkerInit = {
      path: store.path,
      mapSizeBytes: store.mapSizeBytes,
      cacheNodesMax: options.cacheNodesMax ?? cacheNodesMaxDefault,
    };
    const source = (options.source ?? (() => workerSources.get(treeWorker)))();
    this.source = source.kind;
    this.#worker = new Worker(source.url, { workerData: init, execArgv: workerExecArgv() });
    this.#worker.on('message', (reply: TreeReply) => this.#onReply(reply));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => {
      this.#onClosed?.();
      this.#fail(new Error(`tree worker exited with code ${code}`));
    });
    this.#worker.unref();
  }

  /**
   * The tree's writes for block `height` with `changes`, prepared on the worker's latest height and
   * packed (StateTree.stageWrites takes them).
   */
  prepare(height: number, changes: readonly StateChange[]): Promise<ArrayBuffer> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    assert(!this.#pending.has(height), `tree worker: height ${height} is already being prepared`);
    return new Promise((resolve, reject) => {
      this.#pending.set(height, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      const packed = packChanges(changes);
      this.#post({ kind: 'prepare', height, changes: packed }, [packed]);
    });
  }

  /** Tells the worker that the main thread's batch of `height` settled (committed, or failed). */
  settled(height: number, error?: Error): void {
    if (this.#failed !== undefined) return;
    this.#post(
      error === undefined
        ? { kind: 'settled', height }
        : { kind: 'settled', height, error: error.message },
    );
  }

  /** Closes the worker's store and ends the thread. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      if (this.#failed !== undefined) {
        resolve();
        return;
      }
      this.#onClosed = resolve;
      this.#worker.ref();
      this.#post({ kind: 'close' });
    });
    return this.#closed;
  }

  #post(request: TreeRequest, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(request, transfer);
  }

  #onReply(reply: TreeReply): void {
    if (reply.kind === 'prepared' || reply.kind === 'failed') {
      const pending = this.#pending.get(reply.height);
      assert(
        pending !== undefined,
        `tree worker: an answer for height ${reply.height} nobody asked`,
      );
      this.#pending.delete(reply.height);
      // Once closing, the worker stays referenced until it has exited.
      if (this.#pending.size === 0 && this.#closed === undefined) this.#worker.unref();
      if (reply.kind === 'prepared') pending.resolve(reply.writes);
      else pending.reject(new Error(`tree worker: block ${reply.height}: ${reply.message}`));
    } else if (reply.kind === 'closed') {
      // It exits by itself once its port is closed (and writes its CPU profile, if asked to);
      // terminate it if it has not after a second.
      setTimeout(() => void this.#worker.terminate(), 1000).unref();
    }
  }

  #fail(error: Error): void {
    this.#failed ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#failed);
    this.#pending.clear();
  }
}
