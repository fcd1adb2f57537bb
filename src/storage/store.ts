// Tally's key-value store: one LMDB environment (lmdb-js 3) with named tables and atomic batches.
//
// lmdb-js settings, chosen for a node that commits a block every ~100 ms and must never act on a
// write that could be lost:
// - overlappingSync (on): a commit becomes visible as soon as LMDB commits it; its fsync then runs
//   outside the write lock, overlapping the next transaction. After a crash of the process the OS
//   still holds every committed page; after a power loss LMDB reopens at the last flushed
//   transaction. Either way a transaction is all there or not at all.
// - separateFlushed (on): every commit promise carries its own `flushed` promise, so a batch can
//   resolve at "visible" (pipelining) or at "durable" (before a vote or an acknowledgement leaves).
// - noSync (off, never): it would let a crash of the machine lose or tear committed data.
// - commitDelay 0: latency over grouping; a block's writes are already one big batch.
// - cache (off): lmdb-js would keep decoded values; the state tree keeps its own bounded node cache.
// - mapSize (1 TiB unless given): address space only, since without a writable map LMDB never
//   extends the file to the map's size. lmdb-js grows a full map by mapping the file again and,
//   on purpose, never unmaps the old map (a reader may still use it). Every page touched through an
//   old map then stays in the process's resident set for good: a node whose map grew five times
//   held 1.3 GiB of file pages for a 0.7 GiB file. One map from the start avoids that.
// - useWritemap (off, never): with a writable map LMDB extends the file sparsely and writes through
//   memory, so a full disk kills the process with SIGBUS; with plain writes it is an error we handle.
// - eventTurnBatching (off): lmdb-js would wrap each event turn's writes in a batch of its own
//   whose promise nobody holds, so a failed commit became an unhandled rejection that crashed the
//   process. Every write here is already an explicit batch.
//
// Free-space reserve: a commit that would leave less than `reserveBytes` free on the filesystem is
// refused with `disk_full` before LMDB writes a page (one statfs call, about a microsecond). A disk
// that fills is then met here, not inside LMDB's page writer, where lmdb-js 3.5.6 formats the
// error's text into a 100-byte buffer that a long text overruns: a validator whose disk filled
// under load died of heap corruption (glibc's "corrupted size vs. prev_size", SIGABRT) instead of
// exiting 75. A disk that fills faster than one commit still meets LMDB's own ENOSPC, handled below.
//
// A failed write (a full disk, an I/O error) makes the store refuse every later write: LMDB may have
// marked its environment unusable, pending flushes never settle, and callers' in-memory state may
// already assume the failed batch. Reads go on. Reopening the folder is the way back; it opens at
// the last committed transaction.
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { assert } from '../util/assert.ts';
import type { TallyError } from '../util/errors.ts';
import { type CommitOptions, type SettledCallback, type StoreOp, WriteBatch } from './batch.ts';
import {
  assertRoomForLockFile,
  describeWriteFailure,
  diskReserveBytesDefault,
  freeBytesAt,
  reserveShortfall,
} from './failure.ts';
import { Table } from './table.ts';
import { ValueCopies } from './value-copies.ts';

export const tablesMaxDefault = 32;
/** Virtual address space, not disk: the file grows only as data is written (see the notes above). */
export const mapSizeDefaultBytes = 2 ** 40;
export const tableNameLengthMax = 64;

export type StoreOptions = {
  /** Directory of the LMDB environment; created if missing. */
  path: string;
  /**
   * Size of the memory map (default mapSizeDefaultBytes); lmdb-js grows it should the data outgrow
   * it.
   */
  mapSizeBytes?: number;
  /** How many named tables the environment can hold. */
  tablesMax?: number;
  /**
   * Called once, with the first write that failed (`disk_full` or `storage_write_failed`), before
   * that write's caller hears of it; the store refuses every write after it.
   */
  onWriteFailed?: (error: TallyError) => void;
  /**
   * Bytes to leave free on the store's filesystem (default diskReserveBytesDefault): a commit that
   * would leave fewer fails with `disk_full` before it begins. 0 leaves the full disk to LMDB.
   */
  reserveBytes?: number;
};

type CommitPromise = Promise<boolean> & { flushed?: PromiseLike<unknown> };

const tableNamePattern = /^[a-z0-9][a-z0-9._-]*$/;

export class Store {
  readonly path: string;
  readonly mapSizeBytes: number;
  readonly #root: RootDatabase<Uint8Array, Uint8Array>;
  readonly #tables = new Map<string, Table>();
  readonly #tablesMax: number;
  readonly #onWriteFailed: ((error: TallyError) => void) | undefined;
  readonly #reserveBytes: number;
  #closed = false;
  /** Settles with the first write failure; every later write is refused with it. */
  #failure: Promise<TallyError> | undefined;
  /** The first write failure, once described: waits for a flush that will never come end with it. */
  #failedWith: TallyError | undefined;
  /** How to end each wait for a flush now in progress (see #untilFlushed). */
  readonly #flushWaits = new Set<(error: TallyError) => void>();
  /** Where each batch's values are copied for lmdb-js (value-copies.ts says why). */
  readonly #valueCopies = new ValueCopies();

  constructor(options: StoreOptions) {
    const {
      path,
      mapSizeBytes = mapSizeDefaultBytes,
      tablesMax = tablesMaxDefault,
      onWriteFailed,
      reserveBytes = diskReserveBytesDefault,
    } = options;
    if (typeof path !== 'string' || path.length === 0)
      throw new TypeError('path: expected a directory');
    if (!(Number.isSafeInteger(mapSizeBytes) && mapSizeBytes > 0)) {
      throw new RangeError('mapSizeBytes: expected a positive integer');
    }
    if (!Number.isSafeInteger(tablesMax) || tablesMax < 1) {
      throw new RangeError('tablesMax: expected a positive integer');
    }
    if (!(Number.isSafeInteger(reserveBytes) && reserveBytes >= 0)) {
      throw new RangeError('reserveBytes: expected a whole number of bytes, 0 or more');
    }
    mkdirSync(path, { recursive: true });
    assertRoomForLockFile(path, join(path, 'lock.mdb'));
    this.path = path;
    this.mapSizeBytes = mapSizeBytes;
    this.#tablesMax = tablesMax;
    this.#onWriteFailed = onWriteFailed;
    this.#reserveBytes = reserveBytes;
    this.#root = open<Uint8Array, Uint8Array>({
      path,
      maxDbs: tablesMax,
      keyEncoding: 'binary',
      encoding: 'binary',
      overlappingSync: true,
      separateFlushed: true,
      noSync: false,
      useWritemap: false,
      eventTurnBatching: false,
      commitDelay: 0,
      cache: false,
      mapSize: mapSizeBytes,
    });
  }

  /** The named table, opened (and created) on first use. */
  db(name: string): Table {
    this.#checkOpen();
    const known = this.#tables.get(name);
    if (known !== undefined) return known;
    if (
      typeof name !== 'string' ||
      name.length > tableNameLengthMax ||
      !tableNamePattern.test(name)
    ) {
      throw new TypeError(
        `table name: expected lowercase letters, digits, '.', '_' or '-' (got ${String(name)})`,
      );
    }
    if (this.#tables.size >= this.#tablesMax) {
      throw new RangeError(`table ${name}: the store holds at most ${this.#tablesMax} tables`);
    }
    const lmdb = this.#root.openDB<Uint8Array, Uint8Array>({
      name,
      keyEncoding: 'binary',
      encoding: 'binary',
      cache: false,
    });
    const table = new Table(name, lmdb);
    this.#tables.set(name, table);
    return table;
  }

  /** A builder for one atomic transaction across tables. */
  writeBatch(): WriteBatch {
    this.#checkOpen();
    return new WriteBatch((ops, options, onVisible) => this.#commit(ops, options, onVisible));
  }

  /** Commits `ops` in one transaction; by default resolves once it is on disk. */
  batch(ops: readonly StoreOp[], options: CommitOptions = {}): Promise<void> {
    const batch = this.writeBatch();
    for (const op of ops) {
      if (op.type === 'put') batch.put(op.table, op.key, op.value);
      else if (op.type === 'del') batch.del(op.table, op.key);
      else throw new TypeError(`op.type: expected 'put' or 'del'`);
    }
    return batch.commit(options);
  }

  /** The free space this store keeps: a commit that would leave less is refused. */
  get reserveBytes(): number {
    return this.#reserveBytes;
  }

  /** Bytes free on the store's filesystem now; undefined if it cannot be read. */
  freeBytes(): number | undefined {
    return freeBytesAt(this.path);
  }

  /** Size of LMDB's data file now (0 before LMDB creates it with the first write). */
  dataBytes(): number {
    try {
      return statSync(join(this.path, 'data.mdb')).size;
    } catch {
      return 0;
    }
  }

  /**
   * Makes this thread's next reads see every transaction committed so far. A thread's reads share
   * one LMDB read transaction, which lmdb-js renews after this thread's own commits; a worker thread
   * that only reads must call this to see what another thread committed since.
   */
  refreshReads(): void {
    this.#checkOpen();
    this.#root.resetReadTxn();
  }

  /** Resolves once every transaction committed so far is on disk; rejects if a write failed. */
  async flushed(): Promise<void> {
    this.#checkOpen();
    await this.#untilFlushed(this.#root.flushed);
  }

  /**
   * Waits for outstanding transactions, then closes the environment. After a write failure it
   * does not wait: lmdb-js would wait forever for flushes that will never come, and the OS releases
   * the environment at exit as after a crash, which LMDB needs no recovery from.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const flushed = await this.#untilFlushed(this.#root.flushed).then(
      () => true,
      () => false,
    );
    if (flushed) await this.#root.close();
    else void this.#root.close().catch(() => {});
  }

  async #commit(
    ops: readonly StoreOp[],
    options: CommitOptions,
    onVisible: SettledCallback,
  ): Promise<void> {
    this.#checkOpen();
    for (const op of ops) {
      assert(
        this.#tables.get(op.table.name) === op.table,
        `table ${op.table.name} belongs to another store`,
      );
    }
    if (this.#failure !== undefined) throw await this.#failure;
    if (ops.length === 0) {
      onVisible(undefined);
      return;
    }
    let written: CommitPromise;
    const bytes = opsBytes(ops);
    try {
      const shortfall = reserveShortfall(this.path, this.#reserveBytes, bytes);
      if (shortfall !== undefined) throw shortfall;
      let copies: Buffer | undefined;
      written = this.#root.batch(() => {
        copies = this.#valueCopies.write(ops);
      }) as CommitPromise;
      await written;
      // Committed: LMDB holds the values in its pages now.
      if (copies !== undefined) this.#valueCopies.release(copies);
    } catch (error) {
      const failure = await this.#fail(error, bytes);
      onVisible(failure);
      throw failure;
    }
    onVisible(undefined);
    if (options.durable !== false) {
      assert(
        written.flushed !== undefined,
        'lmdb-js gave no flushed promise (separateFlushed off?)',
      );
      // A write failing after this one committed leaves its flush unsettled: durable is not promised.
      await this.#untilFlushed(written.flushed);
    }
  }

  /**
   * Waits for `flush`, or rejects with the first write failure, after which that flush never
   * comes. Each wait takes its own rejecter out when it ends. (It used to be Promise.race against
   * one promise that settles only on failure: every race left a reaction on it for the store's
   * life, a few per block, which a 30-minute soak showed as tens of thousands of promises.)
   */
  #untilFlushed(flush: PromiseLike<unknown>): Promise<void> {
    if (this.#failedWith !== undefined) return Promise.reject(this.#failedWith);
    return new Promise<void>((resolve, reject) => {
      this.#flushWaits.add(reject);
      flush.then(
        () => {
          this.#flushWaits.delete(reject);
          resolve();
        },
        (error: unknown) => {
          this.#flushWaits.delete(reject);
          reject(error);
        },
      );
    });
  }

  /** Records the first failure (later ones, from writes already queued, share it) and reports it. */
  #fail(error: unknown, bytes: number): Promise<TallyError> {
    // lmdb-js rejects each failed commit's `commitError` promise later with the real cause; only
    // the first failure's is read, so the others need a handler or they crash the process.
    const cause = (error as { commitError?: unknown } | null)?.commitError;
    if (cause instanceof Promise) cause.catch(() => {});
    if (this.#failure === undefined) {
      this.#failure = describeWriteFailure(error, this.path, bytes).then((failure) => {
        this.#failedWith = failure;
        for (const endWait of this.#flushWaits) endWait(failure);
        this.#flushWaits.clear();
        this.#onWriteFailed?.(failure);
        return failure;
      });
    }
    return this.#failure;
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`store ${this.path}: closed`);
  }
}

function opsBytes(ops: readonly StoreOp[]): number {
  let bytes = 0;
  for (const op of ops) bytes += op.key.length + (op.type === 'put' ? op.value.length : 0);
  return bytes;
}

export function openStore(options: StoreOptions): Store {
  return new Store(options);
}
