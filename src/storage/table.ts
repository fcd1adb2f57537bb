// A named sub-database of the store: binary keys in byte order, binary values, synchronous reads.
// Writes go through a WriteBatch so that everything a block changes commits in one transaction.
import type { Database } from 'lmdb';
import { checkKey } from './batch.ts';

export type Entry = { readonly key: Uint8Array; readonly value: Uint8Array };

/**
 * Bounds are in key order whatever the direction: `start` is inclusive, `end` exclusive, and
 * `reverse` walks from just below `end` down to `start`.
 */
export type RangeOptions = {
  start?: Uint8Array;
  end?: Uint8Array;
  reverse?: boolean;
  limit?: number;
};

/** lmdb-js range options, in its terms: with `reverse`, its `start` is the upper bound. */
type LmdbRange = {
  start?: Uint8Array;
  end?: Uint8Array;
  reverse?: boolean;
  limit?: number;
  exclusiveStart?: boolean;
  inclusiveEnd?: boolean;
};

export class Table {
  readonly name: string;
  /** The lmdb-js handle; only the store's commit path uses it. */
  readonly lmdb: Database<Uint8Array, Uint8Array>;

  constructor(name: string, lmdb: Database<Uint8Array, Uint8Array>) {
    this.name = name;
    this.lmdb = lmdb;
  }

  /** The value under `key`, a fresh copy, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    checkKey(key, `${this.name}.get key`);
    const value = this.lmdb.get(key);
    return value === undefined ? undefined : plain(value);
  }

  has(key: Uint8Array): boolean {
    checkKey(key, `${this.name}.has key`);
    return this.lmdb.doesExist(key);
  }

  /** Entries in key order (or reverse), lazily: stop iterating early and nothing more is read. */
  range(options: RangeOptions = {}): Iterable<Entry> {
    return plainEntries(this.lmdb.getRange(toLmdbRange(this.name, options)));
  }

  keys(options: RangeOptions = {}): Iterable<Uint8Array> {
    return plainKeys(this.lmdb.getKeys(toLmdbRange(this.name, options)));
  }

  /** Entries and pages in use, from LMDB's statistics (nothing is counted by iterating). */
  stats(): TableStats {
    const stat = this.lmdb.getStats() as LmdbStat;
    const pages = stat.treeBranchPageCount + stat.treeLeafPageCount + stat.overflowPages;
    return { entries: stat.entryCount, pages, bytes: pages * stat.pageSize };
  }
}

export type TableStats = { entries: number; pages: number; bytes: number };

type LmdbStat = {
  pageSize: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
  entryCount: number;
};

/**
 * lmdb-js hands out Buffers, each over its own fresh memory; a plain Uint8Array view of the same
 * bytes keeps Node's Buffer semantics (slice shares, deep-equality differs) out of callers' hands.
 */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function* plainEntries(entries: Iterable<Entry>): Iterable<Entry> {
  for (const { key, value } of entries) yield { key: plain(key), value: plain(value) };
}

function* plainKeys(keys: Iterable<Uint8Array>): Iterable<Uint8Array> {
  for (const key of keys) yield plain(key);
}

function toLmdbRange(name: string, options: RangeOptions): LmdbRange {
  const { start, end, reverse = false, limit } = options;
  if (start !== undefined) checkKey(start, `${name}.range start`);
  if (end !== undefined) checkKey(end, `${name}.range end`);
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new RangeError(`${name}.range limit: expected a non-negative integer`);
  }
  const range: LmdbRange = {};
  if (limit !== undefined) range.limit = limit;
  if (!reverse) {
    if (start !== undefined) range.start = start;
    if (end !== undefined) range.end = end;
    return range;
  }
  range.reverse = true;
  if (end !== undefined) {
    range.start = end;
    range.exclusiveStart = true;
  }
  if (start !== undefined) {
    range.end = start;
    range.inclusiveEnd = true;
  }
  return range;
}
