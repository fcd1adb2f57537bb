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
import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import { assert } from '../util/assert.ts';
import { type CommitOptions, type SettledCallback, type StoreOp, WriteBatch } from './batch.ts';
import { Table } from './table.ts';

export const tablesMaxDefault = 32;
export const tableNameLengthMax = 64;

export type StoreOptions = {
  /** Directory of the LMDB environment; created if missing. */
  path: string;
  /** Initial size of the memory map; lmdb-js grows it when the data outgrows it. */
  mapSizeBytes?: number;
  /** How many named tables the environment can hold. */
  tablesMax?: number;
};

type CommitPromise = Promise<boolean> & { flushed?: PromiseLike<unknown> };

const tableNamePattern = /^[a-z0-9][a-z0-9._-]*$/;

export class Store {
  readonly path: string;
  readonly #root: RootDatabase<Uint8Array, Uint8Array>;
  readonly #tables = new Map<string, Table>();
  readonly #tablesMax: number;
  #closed = false;

  constructor(options: StoreOptions) {
    const { path, mapSizeBytes, tablesMax = tablesMaxDefault } = options;
    if (typeof path !== 'string' || path.length === 0)
      throw new TypeError('path: expected a directory');
    if (mapSizeBytes !== undefined && !(Number.isSafeInteger(mapSizeBytes) && mapSizeBytes > 0)) {
      throw new RangeError('mapSizeBytes: expected a positive integer');
    }
    if (!Number.isSafeInteger(tablesMax) || tablesMax < 1) {
      throw new RangeError('tablesMax: expected a positive integer');
    }
    mkdirSync(path, { recursive: true });
    this.path = path;
    this.#tablesMax = tablesMax;
    this.#root = open<Uint8Array, Uint8Array>({
      path,
      maxDbs: tablesMax,
      keyEncoding: 'binary',
      encoding: 'binary',
      overlappingSync: true,
      separateFlushed: true,
      noSync: false,
      commitDelay: 0,
      cache: false,
      ...(mapSizeBytes === undefined ? {} : { mapSize: mapSizeBytes }),
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

  /** Resolves once every transaction committed so far is on disk. */
  async flushed(): Promise<void> {
    this.#checkOpen();
    await this.#root.flushed;
  }

  /** Waits for outstanding transactions, then closes the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#root.flushed;
    await this.#root.close();
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
    if (ops.length === 0) {
      onVisible(undefined);
      return;
    }
    let written: CommitPromise;
    try {
      written = this.#root.batch(() => writeOps(ops)) as CommitPromise;
      await written;
    } catch (error) {
      onVisible(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    onVisible(undefined);
    if (options.durable !== false) {
      assert(
        written.flushed !== undefined,
        'lmdb-js gave no flushed promise (separateFlushed off?)',
      );
      await written.flushed;
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`store ${this.path}: closed`);
  }
}

/** Runs inside lmdb-js's batch callback: every put and remove joins the one transaction. */
function writeOps(ops: readonly StoreOp[]): void {
  for (const op of ops) {
    if (op.type === 'put') op.table.lmdb.put(op.key, op.value);
    else op.table.lmdb.remove(op.key);
  }
}

export function openStore(options: StoreOptions): Store {
  return new Store(options);
}
