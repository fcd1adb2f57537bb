// Atomic write batches: puts and deletes across several tables, committed in one LMDB transaction.
// Callers collect a block's transactions, receipts and state nodes here and commit them together.
import type { Table } from './table.ts';

/** LMDB's key size limit as lmdb-js builds it; longer keys are refused before they reach LMDB. */
export const keyBytesMax = 1978;
/** Far above anything Tally stores in one value (a block is at most 16 MiB), far below LMDB's limit. */
export const valueBytesMax = 64 * 1024 * 1024;

export type StoreOp =
  | {
      readonly type: 'put';
      readonly table: Table;
      readonly key: Uint8Array;
      readonly value: Uint8Array;
    }
  | { readonly type: 'del'; readonly table: Table; readonly key: Uint8Array };

export type CommitOptions = {
  /**
   * true (the default): resolve once the transaction is flushed to disk, so the caller may act on it.
   * false: resolve once it is committed and visible to readers; it survives a crash of the process
   * (the OS holds it) but a power loss may roll it back, whole.
   */
  durable?: boolean;
};

/** Called once the commit settles: `error` is undefined when the transaction committed. */
export type SettledCallback = (error: Error | undefined) => void;

export function checkKey(key: unknown, field: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${field}: expected a Uint8Array key`);
  if (key.length === 0) throw new RangeError(`${field}: a key may not be empty`);
  if (key.length > keyBytesMax) {
    throw new RangeError(`${field}: key of ${key.length} bytes exceeds ${keyBytesMax}`);
  }
}

export function checkValue(value: unknown, field: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${field}: expected a Uint8Array value`);
  if (value.length > valueBytesMax) {
    throw new RangeError(`${field}: value of ${value.length} bytes exceeds ${valueBytesMax}`);
  }
}

/**
 * What a Store hands the batch to run the commit (keeps the batch free of lmdb-js types). It calls
 * `onVisible` exactly once: when the transaction is committed, or with the error that failed it.
 * It hands every operation to LMDB (or refuses them all) before it returns, so `ops` is not read
 * once it has returned.
 */
export type CommitOps = (
  ops: readonly StoreOp[],
  options: CommitOptions,
  onVisible: SettledCallback,
) => Promise<void>;

/**
 * Collects operations, then commits them once. Values are kept by reference until commit() is
 * called, which copies them (value-copies.ts): do not modify a buffer before then.
 */
export class WriteBatch {
  readonly #ops: StoreOp[] = [];
  readonly #settled: SettledCallback[] = [];
  readonly #commitOps: CommitOps;
  #committing = false;

  constructor(commitOps: CommitOps) {
    this.#commitOps = commitOps;
  }

  get size(): number {
    return this.#ops.length;
  }

  /** The operations collected so far; empty once commit() has handed them to the store. */
  get ops(): readonly StoreOp[] {
    return this.#ops;
  }

  put(table: Table, key: Uint8Array, value: Uint8Array): this {
    this.#checkOpen();
    checkKey(key, `${table.name}.put key`);
    checkValue(value, `${table.name}.put value`);
    this.#ops.push({ type: 'put', table, key, value });
    return this;
  }

  del(table: Table, key: Uint8Array): this {
    this.#checkOpen();
    checkKey(key, `${table.name}.del key`);
    this.#ops.push({ type: 'del', table, key });
    return this;
  }

  /** Registers a callback run when the commit settles, before durability is awaited. */
  onSettled(callback: SettledCallback): void {
    this.#checkOpen();
    this.#settled.push(callback);
  }

  /** Commits every operation in one transaction; by default resolves once it is on disk. */
  async commit(options: CommitOptions = {}): Promise<void> {
    this.#checkOpen();
    this.#committing = true;
    let settled = false;
    const onVisible: SettledCallback = (error) => {
      if (settled) return;
      settled = true;
      this.#runSettled(error);
    };
    try {
      const committed = this.#commitOps(this.#ops, options, onVisible);
      // lmdb-js copied the keys, and the store the values, before commitOps returned: the operations
      // and their keys need not wait here for the flush (a block's time or more). Of the memory a
      // block of 1,000 transfers still held once its commit was under way, they were a third
      // (8.7 MB, 5.9 without them; a sampling heap profile of LocalChain.commitBlock).
      this.#ops.length = 0;
      await committed;
    } catch (error) {
      onVisible(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  #runSettled(error: Error | undefined): void {
    const callbacks = this.#settled.splice(0);
    for (const callback of callbacks) callback(error);
  }

  #checkOpen(): void {
    if (this.#committing) throw new Error('write batch: already committed');
  }
}
