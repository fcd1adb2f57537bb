// The authenticated state: a versioned 16-ary sparse Merkle tree (spec.ts) over LMDB. Each block
// height is a version; old heights stay readable and provable until pruned.
//
// The seam with the block store: prepareBlock() computes a block's new root and nodes without
// writing; stageBlock() adds them to the caller's WriteBatch, next to the block, its transactions and
// receipts, so all of it commits in one transaction. Staged heights are readable at once (their
// nodes stay pinned in memory until the batch commits), so the next block can be prepared while
// the previous batch is still being written. A staged batch that fails to commit leaves the tree
// unusable (memory and disk disagree): reopen it, as a node restart does.
import {
  decodeUintKey,
  encodeUintKey,
  type Store,
  type WriteBatch,
  writeUint64,
} from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { latin1FromBytes } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import { LruCache } from '../../util/lru-cache.ts';
import { sha256 } from './hash.ts';
import { NodeStore, type PinnedNodes } from './node-store.ts';
import { decodeRoot, encodeRoot, heightMax, type RootRef } from './nodes.ts';
import type { StateProof } from './proof.ts';
import { type PruneResult, pruneBelow, type StateTables } from './prune.ts';
import { proveKey, readValue } from './read.ts';
import { emptyRoot, isRecordKey, stateKeyBytesMax, stateValueBytesMax } from './spec.ts';
import { forEachWrite } from './tree-wire.ts';
import { BlockWriter, type ChangeEntry, prepareChanges, updateRoot } from './update.ts';

export const stateTableNames = {
  nodes: 'state.nodes',
  roots: 'state.roots',
  stale: 'state.stale',
  /** Record key -> its path (spec.ts): where a record sits is not computable from its key. */
  records: 'state.records',
} as const;
/**
 * Decoded internal nodes deeper than the five levels that always stay in memory (node-store.ts,
 * at most 69,905 nodes): with these, about 100,000 in all.
 */
export const cacheNodesMaxDefault = 32_768;
const rootCacheMax = 1024;

export type StateTreeOptions = {
  /** Internal nodes below the top five levels kept in an LRU; 0 keeps no node in memory at all. */
  cacheNodesMax?: number;
};
export type StateChange = {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
  /**
   * true: the key holds a value in the version the block is prepared on, and the update need not
   * read its leaf to find that out. Only a caller that read the key at that version may say so; a
   * wrong true gives a wrong root. Left out, or false, the tree finds out for itself.
   */
  readonly existed?: boolean;
};
/** A block's writes; a key changed twice keeps its last change. null deletes. */
export type StateChanges = readonly StateChange[] | ReadonlyMap<Uint8Array, Uint8Array | null>;

/** A block's new root and nodes, computed on top of the tree's latest height, not yet staged. */
export class PreparedBlock {
  readonly height: number;
  readonly root: Uint8Array;
  readonly parentHeight: number | undefined;
  readonly rootRef: RootRef;
  readonly writer: BlockWriter;
  /** The block's new records: key and path, for the record index. */
  readonly records: readonly RecordPlace[];

  constructor(
    height: number,
    parentHeight: number | undefined,
    rootRef: RootRef,
    writer: BlockWriter,
    records: readonly RecordPlace[],
  ) {
    this.height = height;
    this.parentHeight = parentHeight;
    this.rootRef = rootRef;
    this.root = rootRef === undefined ? emptyRoot.slice() : rootRef.hash.slice();
    this.writer = writer;
    this.records = records;
  }
}

/** Where a record sits: its key and its 32-byte path. */
export type RecordPlace = { readonly key: Uint8Array; readonly path: Uint8Array };

export class StateTree {
  readonly #store: Store;
  readonly #tables: StateTables;
  readonly #nodes: NodeStore;
  readonly #roots = new LruCache<number, RootRef | 'empty'>(rootCacheMax);
  readonly #pendingRoots = new Map<number, RootRef>();
  /** Staged heights whose batch has settled while a lower one has not yet, with their nodes. */
  readonly #settled = new Map<number, PinnedNodes>();
  #latest: { height: number; root: RootRef } | undefined;
  /**
   * Paths of records in heights staged by stageBlock whose batch has not committed (reads of those
   * heights need them before LMDB has them), by latin1 key, with each height's keys to drop.
   */
  readonly #stagedRecords = new Map<string, Uint8Array>();
  readonly #stagedRecordKeys = new Map<number, string[]>();
  /** Heights staged by stageWrites: readable once committed (this tree holds none of their nodes). */
  readonly #unreadable = new Set<number>();
  /** The last height staged, readable or not. */
  #stagedHeight: number | undefined;
  #committedHeight: number | undefined;
  #oldestHeight: number | undefined;
  #failed: Error | undefined;
  #pruning = false;

  constructor(store: Store, options: StateTreeOptions = {}) {
    const { cacheNodesMax = cacheNodesMaxDefault } = options;
    if (!Number.isSafeInteger(cacheNodesMax) || cacheNodesMax < 0) {
      throw new RangeError('cacheNodesMax: expected a non-negative integer');
    }
    this.#store = store;
    this.#tables = {
      nodes: store.db(stateTableNames.nodes),
      roots: store.db(stateTableNames.roots),
      stale: store.db(stateTableNames.stale),
      records: store.db(stateTableNames.records),
    };
    this.#nodes = new NodeStore(this.#tables.nodes, cacheNodesMax);
    const [last] = this.#tables.roots.range({ reverse: true, limit: 1 });
    const [first] = this.#tables.roots.range({ limit: 1 });
    if (last !== undefined && first !== undefined) {
      const height = decodeHeight(last.key);
      this.#latest = { height, root: decodeRoot(last.value) };
      this.#stagedHeight = height;
      this.#committedHeight = height;
      this.#oldestHeight = decodeHeight(first.key);
    }
  }

  /** The last height staged or committed; undefined before the first block. */
  get latestHeight(): number | undefined {
    return this.#latest?.height;
  }

  /** The last height whose batch has committed. */
  get committedHeight(): number | undefined {
    return this.#committedHeight;
  }

  /** The oldest height still readable (raised by prune). */
  get oldestHeight(): number | undefined {
    return this.#oldestHeight;
  }

  /**
   * True when `height` can be read: it lies between the oldest retained height and the latest one,
   * or it is a height the tree worker prepared whose batch LMDB already shows (#committedUnread).
   */
  holds(height: number): boolean {
    const latest = this.#latest?.height;
    const oldest = this.#oldestHeight;
    return (
      (latest !== undefined && oldest !== undefined && height >= oldest && height <= latest) ||
      this.#committedUnread(height)
    );
  }

  /** The root hash at `height` (default: the latest). */
  root(height?: number): Uint8Array {
    const ref = this.#rootAt(this.#checkHeight(height));
    return ref === undefined ? emptyRoot.slice() : ref.hash.slice();
  }

  /** The value of `key` at `height` (default: the latest), or null when absent. */
  get(key: Uint8Array, height?: number): Uint8Array | null {
    checkStateKey(key, 'key');
    const root = this.#rootAt(this.#checkHeight(height));
    const path = this.#pathOf(key);
    return path === undefined ? null : readValue(this.#nodes, root, path);
  }

  /**
   * A proof of `key`'s value, or of its absence, at `height` (default: the latest). A record's
   * absence has no proof (spec.ts): asked for one, this throws a TallyError state_record_absent.
   */
  prove(key: Uint8Array, height?: number): StateProof {
    checkStateKey(key, 'key');
    const root = this.#rootAt(this.#checkHeight(height));
    const path = this.#pathOf(key);
    if (!isRecordKey(key)) return proveKey(this.#nodes, root, path!);
    if (path === undefined || readValue(this.#nodes, root, path) === null) {
      throw new TallyError(
        'state_record_absent',
        'no such record at this height, and the absence of a record cannot be proven',
      );
    }
    return { ...proveKey(this.#nodes, root, path), recordPath: path.slice() };
  }

  /** The path of `key`: its hash, or for a record the index's entry (undefined: no such record). */
  #pathOf(key: Uint8Array): Uint8Array | undefined {
    if (!isRecordKey(key)) return sha256(key);
    if (this.#stagedRecords.size > 0) {
      const staged = this.#stagedRecords.get(latin1FromBytes(key));
      if (staged !== undefined) return staged;
    }
    return this.#tables.records.get(key);
  }

  /** Computes block `height` (the next height) without writing anything. */
  prepareBlock(height: number, changes: StateChanges): PreparedBlock {
    this.#checkUsable();
    this.#checkNextHeight(height);
    if (this.#unreadable.size > 0)
      throw new Error('state tree: blocks staged by stageWrites are not readable here yet');
    const prepared = prepareChanges(validateChanges(changes), height);
    const writer = new BlockWriter(height, this.#nodes);
    const parent = this.#latest;
    const rootRef = updateRoot(writer, parent?.root, prepared);
    const records: RecordPlace[] = [];
    for (const { key, recordPath } of prepared)
      if (recordPath !== undefined) records.push({ key, path: recordPath });
    return new PreparedBlock(height, parent?.height, rootRef, writer, records);
  }

  /** Adds a prepared block's writes to `batch`; the tree moves to its height at once. */
  stageBlock(block: PreparedBlock, batch: WriteBatch): void {
    this.#checkUsable();
    if (!(block instanceof PreparedBlock)) throw new TypeError('block: expected a PreparedBlock');
    if (block.parentHeight !== this.#latest?.height) {
      throw new RangeError(
        `block ${block.height}: prepared on ${describeHeight(block.parentHeight)}, but the tree is now at ${describeHeight(this.#latest?.height)}`,
      );
    }
    const { height, writer } = block;
    const nodes = this.#tables.nodes;
    writer.writeInKeyOrder((key, raw) => batch.put(nodes, key, raw));
    for (const [key, list] of staleChunks(height, writer.stale.records()))
      batch.put(this.#tables.stale, key, list);
    batch.put(this.#tables.roots, encodeUintKey(height), encodeRoot(block.rootRef));
    const recordKeys: string[] = [];
    for (const { key, path } of block.records) {
      batch.put(this.#tables.records, key, path);
      const id = latin1FromBytes(key);
      this.#stagedRecords.set(id, path);
      recordKeys.push(id);
    }
    if (recordKeys.length > 0) this.#stagedRecordKeys.set(height, recordKeys);
    this.#staged(height, block.rootRef, writer.pinned, batch);
  }

  /**
   * Stages block `height` from the writes that another tree over the same store staged for it (the
   * tree worker, tree-worker.ts, prepares blocks off the main thread), packed by tree-wire.ts: they
   * go into `batch` as they are. Unlike stageBlock, this tree keeps none of the block's nodes, so
   * the height becomes readable here (and the latest) only once its batch commits. Returns the
   * block's root.
   */
  stageWrites(height: number, writes: ArrayBuffer, batch: WriteBatch): Uint8Array {
    this.#checkUsable();
    this.#checkNextHeight(height);
    let root: { ref: RootRef } | undefined;
    forEachWrite(writes, (table, key, value) => {
      batch.put(this.#tables[table], key, value);
      if (table === 'roots') {
        assert(
          decodeHeight(key) === height,
          `state tree: another height's root in block ${height}`,
        );
        root = { ref: decodeRoot(value) };
      }
    });
    assert(root !== undefined, `state tree: the writes of block ${height} hold no root`);
    const { ref } = root;
    this.#unreadable.add(height);
    this.#pendingRoots.set(height, ref);
    this.#stagedHeight = height;
    batch.onSettled((error) => this.#onSettled(height, noNodes, error));
    return ref === undefined ? emptyRoot.slice() : ref.hash.slice();
  }

  #staged(height: number, rootRef: RootRef, pinned: PinnedNodes, batch: WriteBatch): void {
    this.#nodes.pin(pinned);
    this.#pendingRoots.set(height, rootRef);
    this.#latest = { height, root: rootRef };
    this.#stagedHeight = height;
    this.#oldestHeight ??= height;
    batch.onSettled((error) => this.#onSettled(height, pinned, error));
  }

  /** Prepares, stages and commits block `height` on its own; resolves with the root once durable. */
  async applyBlock(height: number, changes: StateChanges): Promise<Uint8Array> {
    const block = this.prepareBlock(height, changes);
    const batch = this.#store.writeBatch();
    this.stageBlock(block, batch);
    await batch.commit();
    return block.root.slice();
  }

  /** Drops heights below `belowHeight` and the nodes only they reach. */
  async prune(belowHeight: number): Promise<PruneResult> {
    this.#checkUsable();
    if (!Number.isSafeInteger(belowHeight) || belowHeight < 0)
      throw new RangeError('belowHeight: expected a height');
    if (this.#committedHeight === undefined || belowHeight > this.#committedHeight) {
      throw new RangeError(
        `belowHeight: ${belowHeight} is past the last committed height ${this.#committedHeight}`,
      );
    }
    if (this.#pruning) throw new Error('state tree: a prune is already running');
    this.#pruning = true;
    try {
      if (this.#oldestHeight !== undefined && belowHeight > this.#oldestHeight)
        this.#oldestHeight = belowHeight;
      return await pruneBelow(this.#store, this.#tables, belowHeight);
    } finally {
      this.#pruning = false;
    }
  }

  /**
   * lmdb-js writes batches in the order they commit, but may settle the promises of batches that
   * share a transaction in another order: a height counts as committed once all below it are.
   */
  #onSettled(height: number, pinned: PinnedNodes, error: Error | undefined): void {
    if (error !== undefined) {
      this.#failed = new Error(
        `state tree: the batch of height ${height} failed; reopen the tree`,
        {
          cause: error,
        },
      );
      return;
    }
    this.#settled.set(height, pinned);
    let next =
      this.#committedHeight === undefined
        ? Math.min(...this.#pendingRoots.keys())
        : this.#committedHeight + 1;
    for (
      let settled = this.#settled.get(next);
      settled !== undefined;
      settled = this.#settled.get(next)
    ) {
      this.#settled.delete(next);
      this.#nodes.unpin(settled);
      for (const id of this.#stagedRecordKeys.get(next) ?? []) this.#stagedRecords.delete(id);
      this.#stagedRecordKeys.delete(next);
      if (this.#unreadable.delete(next)) {
        this.#latest = { height: next, root: this.#pendingRoots.get(next) };
        this.#oldestHeight ??= next;
      }
      this.#pendingRoots.delete(next);
      this.#committedHeight = next;
      next++;
    }
    assert(
      this.#settled.size <= this.#pendingRoots.size,
      'state tree: settled heights are staged heights',
    );
  }

  #rootAt(height: number): RootRef {
    const pending = this.#pendingRoots.get(height);
    if (pending !== undefined || this.#pendingRoots.has(height)) return pending;
    const cached = this.#roots.get(height);
    if (cached !== undefined) return cached === 'empty' ? undefined : cached;
    const raw = this.#tables.roots.get(encodeUintKey(height));
    assert(raw !== undefined, `state tree: no root stored for retained height ${height}`);
    const ref = decodeRoot(raw);
    this.#roots.set(height, ref ?? 'empty');
    return ref;
  }

  /** A retained height (default: the latest), or a TallyError naming the retained range. */
  #checkHeight(height: number | undefined): number {
    this.#checkUsable();
    const latest = this.#latest?.height;
    const oldest = this.#oldestHeight;
    if (height === undefined) {
      if (latest === undefined)
        throw new TallyError('state_height_unavailable', 'the state tree has no blocks yet');
      return latest;
    }
    if (!Number.isSafeInteger(height) || height < 0)
      throw new RangeError('height: expected a non-negative integer');
    if (!this.holds(height)) {
      throw new TallyError(
        'state_height_unavailable',
        `height ${height} is not retained (retained: ${oldest ?? '-'} to ${latest ?? '-'})`,
        {
          details: { height, oldest, latest },
        },
      );
    }
    return height;
  }

  /**
   * A height staged by stageWrites whose batch LMDB already shows, before the batch's callback has
   * made it readable here: the whole batch is on record, so its nodes are there to read. Asked only
   * for a height past the latest, so the common read costs nothing.
   */
  #committedUnread(height: number): boolean {
    return this.#unreadable.has(height) && this.#tables.roots.has(encodeUintKey(height));
  }

  #checkNextHeight(height: number): void {
    if (!Number.isSafeInteger(height) || height < 0 || height > heightMax) {
      throw new RangeError('height: expected a non-negative integer below 2^48');
    }
    const latest = this.#stagedHeight;
    if (latest !== undefined && height !== latest + 1) {
      throw new RangeError(
        `height: expected ${latest + 1}, the height after ${latest}, got ${height}`,
      );
    }
  }

  #checkUsable(): void {
    if (this.#failed !== undefined) throw this.#failed;
  }
}

/**
 * A height's stale list, cut into records that fit an LMDB page: larger values take runs of
 * contiguous pages, and finding such runs in a freelist that pruning keeps large is slow.
 */
function* staleChunks(
  height: number,
  records: readonly Uint8Array[],
): Iterable<[Uint8Array, Uint8Array]> {
  assert(records.length <= 0x10000, 'state tree: stale chunk index');
  for (const [chunk, record] of records.entries()) {
    const key = new Uint8Array(10);
    writeUint64(key, 0, height);
    key[8] = chunk >> 8;
    key[9] = chunk & 0xff;
    yield [key, record];
  }
}

const noNodes: PinnedNodes = new Map();

function describeHeight(height: number | undefined): string {
  return height === undefined ? 'the empty tree' : `height ${height}`;
}

function decodeHeight(key: Uint8Array): number {
  assert(key.length === 8, 'state tree: a height key has 8 bytes');
  return decodeUintKey(key, 0, 'state height');
}

function checkStateKey(key: unknown, field: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${field}: expected a Uint8Array`);
  if (key.length === 0 || key.length > stateKeyBytesMax) {
    throw new RangeError(
      `${field}: a state key has 1 to ${stateKeyBytesMax} bytes, got ${key.length}`,
    );
  }
}

function validateChanges(changes: StateChanges): ChangeEntry[] {
  const entries: ChangeEntry[] = [];
  const list =
    changes instanceof Map ? [...changes].map(([key, value]) => ({ key, value })) : changes;
  if (!Array.isArray(list)) throw new TypeError('changes: expected an array or a Map');
  list.forEach((change: StateChange, i: number) => {
    checkStateKey(change.key, `changes[${i}].key`);
    const { value } = change;
    if (value !== null && !(value instanceof Uint8Array))
      throw new TypeError(`changes[${i}].value: expected a Uint8Array or null`);
    if (isRecordKey(change.key) && (value === null || change.existed === true))
      throw new RangeError(`changes[${i}]: a record is written once, never changed or deleted`);
    if (value !== null && value.length > stateValueBytesMax) {
      throw new RangeError(
        `changes[${i}].value: ${value.length} bytes exceeds ${stateValueBytesMax}`,
      );
    }
    entries.push([change.key, value, change.existed === true]);
  });
  return entries;
}

export function openStateTree(store: Store, options: StateTreeOptions = {}): StateTree {
  return new StateTree(store, options);
}
