// Applies one block's changes to the tree: all changes at once, sorted by key hash, so every node on
// the touched paths is rebuilt and hashed once per block (not once per change), bottom-up.
// Nothing is written here: the new nodes and the stale list are collected in a BlockWriter.
import { assert } from '../../util/assert.ts';
import { bytesEqual, compareBytes } from '../../util/bytes.ts';
import { sha256, toPathHex } from './hash.ts';
import type { NodeStore, PinnedNodes } from './node-store.ts';
import {
  type ChildRef,
  encodeLeaf,
  encodeNodeKey,
  type InternalNode,
  InternalRecordBuilder,
  leafHashInput,
  leafKeyHash,
  pathNibble,
  type RootRef,
  StaleListWriter,
} from './nodes.ts';
import { depthMax, isRecordKey, recordPath } from './spec.ts';

/** One change, with its key hashed; `leaf` is the new leaf record unless the key is deleted. */
export type PreparedChange = {
  readonly key: Uint8Array;
  readonly path: string;
  readonly leaf: { readonly raw: Uint8Array; readonly hash: Uint8Array } | undefined;
  /** True when the caller knows the key holds a value in the parent version (see StateChange). */
  readonly existed: boolean;
  /** A record's path as bytes (`path` is its hex), for the tree's record index. */
  readonly recordPath?: Uint8Array;
};

/** A change as the tree takes it: key, new value (null deletes), and whether the key existed. */
export type ChangeEntry = readonly [
  key: Uint8Array,
  value: Uint8Array | null,
  existed: boolean | undefined,
];

/**
 * Hashes keys and values, keeps the last change of each key, and sorts by path. Records (spec.ts)
 * are placed at block `height`, numbered in key order; each is new, so each appears once.
 */
export function prepareChanges(changes: Iterable<ChangeEntry>, height: number): PreparedChange[] {
  const byPath = new Map<string, PreparedChange>();
  const records: ChangeEntry[] = [];
  for (const entry of changes) {
    const [key, value, existed] = entry;
    if (isRecordKey(key)) {
      records.push(entry);
      continue;
    }
    const keyHash = sha256(key);
    const path = toPathHex(keyHash);
    byPath.delete(path);
    byPath.set(path, prepared(key, keyHash, path, value, existed === true));
  }
  const sorted = [...byPath.values()];
  placeRecords(records, height, sorted);
  sorted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted;
}

function prepared(
  key: Uint8Array,
  keyHash: Uint8Array,
  path: string,
  value: Uint8Array | null,
  existed: boolean,
): PreparedChange {
  let leaf: PreparedChange['leaf'];
  if (value !== null) {
    const raw = encodeLeaf(keyHash, sha256(value), key, value);
    leaf = { raw, hash: sha256(leafHashInput(raw)) };
  }
  return { key, path, leaf, existed };
}

/** Gives each new record its path (spec.ts) and adds it to `out`. */
function placeRecords(records: ChangeEntry[], height: number, out: PreparedChange[]): void {
  if (records.length === 0) return;
  // The executor hands changes in key order already; other callers may not.
  for (let i = 1; i < records.length; i++) {
    if (compareBytes(records[i - 1]![0], records[i]![0]) >= 0) {
      records.sort((a, b) => compareBytes(a[0], b[0]));
      break;
    }
  }
  records.forEach(([key, value, existed], seq) => {
    assert(value !== null && existed !== true, 'state update: a record is written once');
    if (seq > 0) assert(!bytesEqual(records[seq - 1]![0], key), 'state update: a record twice');
    const path = recordPath(sha256(key), height, seq);
    out.push({ ...prepared(key, path, toPathHex(path), value, false), recordPath: path });
  });
}

/** A leaf on its way to a position: new (raw known) or existing (stored at `at`). */
type PendingLeaf = {
  readonly kind: 'leaf';
  /** The key hash as hex; unknown (empty) for a stored leaf that is only carried to a new place. */
  readonly path: string;
  readonly hash: Uint8Array;
  readonly raw: Uint8Array | undefined;
  readonly at: { readonly height: number; readonly path: string } | undefined;
};
type InternalResult = { readonly kind: 'internal'; readonly ref: ChildRef };
type Subtree = PendingLeaf | InternalResult | null;
type Overrides = (Subtree | undefined)[];
const hexDigits = '0123456789abcdef';
const unchanged = Symbol('unchanged');
type Update = Subtree | typeof unchanged;

/** Node keys per stale-list record: about 2 KB, half a page. */
export const staleChunkKeysMax = 150;

/** Collects what one block writes: new nodes at (height, path) and the nodes they replace. */
export class BlockWriter {
  readonly height: number;
  readonly nodes: NodeStore;
  /** The block's new nodes by path (a path written twice keeps its last node). */
  readonly pinned: PinnedNodes = new Map();
  /** The nodes this block replaces, as the records of its stale list. */
  readonly stale = new StaleListWriter(staleChunkKeysMax);

  constructor(height: number, nodes: NodeStore) {
    this.height = height;
    this.nodes = nodes;
  }

  writeInternal(path: string, node: InternalNode): void {
    this.pinned.set(path, { height: this.height, node });
  }

  writeLeaf(path: string, raw: Uint8Array): void {
    this.pinned.set(path, { height: this.height, node: raw });
  }

  /**
   * Hands `write` the new nodes in key order (height, depth, path). LMDB then adds them at the end
   * of the table and fills its pages. In the order the update makes them (post-order, and a leaf
   * only when its parent is assembled) LMDB splits pages inside the height's range and leaves them
   * about 60% full against about 85% (test/state/tree.test.ts). Within a depth the order is nearly
   * sorted already.
   */
  writeInKeyOrder(write: (key: Uint8Array, raw: Uint8Array) => void): void {
    const byDepth: string[][] = [];
    for (const path of this.pinned.keys()) {
      const paths = byDepth[path.length];
      if (paths === undefined) byDepth[path.length] = [path];
      else paths.push(path);
    }
    for (const paths of byDepth) {
      if (paths === undefined) continue;
      // Paths of one depth are hex strings of one length: string order is key order.
      paths.sort();
      for (const path of paths) {
        const { node } = this.pinned.get(path)!;
        write(encodeNodeKey(this.height, path), node instanceof Uint8Array ? node : node.raw);
      }
    }
  }

  markStale(height: number, path: string): void {
    assert(height < this.height, 'state update: a node is replaced by a later height');
    this.stale.add(height, path);
  }
}

/** The new root after `changes` (sorted, one per key); new nodes go to `writer`. */
export function updateRoot(
  writer: BlockWriter,
  root: RootRef,
  changes: readonly PreparedChange[],
): RootRef {
  const result = updateSubtree(writer, root, 0, '', changes, 0, changes.length);
  if (result === unchanged) return root;
  if (result === null) return undefined;
  if (result.kind === 'internal') return result.ref;
  return placeLeaf(writer, result, '');
}

function updateSubtree(
  writer: BlockWriter,
  ref: ChildRef | undefined,
  depth: number,
  path: string,
  changes: readonly PreparedChange[],
  lo: number,
  hi: number,
): Update {
  if (lo === hi) return unchanged;
  if (ref === undefined) {
    const leaves = newLeaves(changes, lo, hi);
    return leaves.length === 0 ? unchanged : build(writer, depth, path, leaves, 0, leaves.length);
  }
  if (ref.leaf) return updateLeaf(writer, ref, depth, path, changes, lo, hi);
  const node = writer.nodes.loadInternal(ref.height, path);
  const overrides: Overrides = new Array<Subtree | undefined>(16).fill(undefined);
  let changed = false;
  let start = lo;
  while (start < hi) {
    const nibble = pathNibble(changes[start]!.path, depth);
    let end = start + 1;
    while (end < hi && pathNibble(changes[end]!.path, depth) === nibble) end++;
    const childPath = path + hexDigits[nibble]!;
    const result = updateSubtree(
      writer,
      node.child(nibble),
      depth + 1,
      childPath,
      changes,
      start,
      end,
    );
    if (result !== unchanged) {
      overrides[nibble] = result;
      changed = true;
    }
    start = end;
  }
  if (!changed) return unchanged;
  writer.markStale(ref.height, path);
  return assemble(writer, depth, path, node, overrides);
}

/** The subtree at `path` is one stored leaf: merge it with the changes below it. */
function updateLeaf(
  writer: BlockWriter,
  ref: ChildRef,
  depth: number,
  path: string,
  changes: readonly PreparedChange[],
  lo: number,
  hi: number,
): Update {
  const leaves = newLeaves(changes, lo, hi);
  // A key that exists is stored at the first leaf on its path, which is this one: the leaf is
  // replaced without reading it (for an account a block updates, that read was the only one).
  if (changesExisting(changes, lo, hi)) {
    writer.markStale(ref.height, path);
    return build(writer, depth, path, leaves, 0, leaves.length);
  }
  const raw = writer.nodes.loadLeaf(ref.height, path);
  const existingPath = toPathHex(leafKeyHash(raw));
  assert(existingPath.startsWith(path), 'state update: a leaf sits off its key path');
  let touched = false;
  for (let i = lo; i < hi && !touched; i++) touched = changes[i]!.path === existingPath;
  if (touched) {
    writer.markStale(ref.height, path);
    return build(writer, depth, path, leaves, 0, leaves.length);
  }
  if (leaves.length === 0) return unchanged;
  const existing: PendingLeaf = {
    kind: 'leaf',
    path: existingPath,
    hash: ref.hash,
    raw,
    at: { height: ref.height, path },
  };
  let index = 0;
  while (index < leaves.length && leaves[index]!.path < existingPath) index++;
  leaves.splice(index, 0, existing);
  return build(writer, depth, path, leaves, 0, leaves.length);
}

function changesExisting(changes: readonly PreparedChange[], lo: number, hi: number): boolean {
  for (let i = lo; i < hi; i++) if (changes[i]!.existed) return true;
  return false;
}

function newLeaves(changes: readonly PreparedChange[], lo: number, hi: number): PendingLeaf[] {
  const leaves: PendingLeaf[] = [];
  for (let i = lo; i < hi; i++) {
    const { leaf, path } = changes[i]!;
    if (leaf !== undefined)
      leaves.push({ kind: 'leaf', path, hash: leaf.hash, raw: leaf.raw, at: undefined });
  }
  return leaves;
}

/** The canonical subtree of `leaves[lo..hi)` (sorted, distinct key hashes) rooted at `path`. */
function build(
  writer: BlockWriter,
  depth: number,
  path: string,
  leaves: readonly PendingLeaf[],
  lo: number,
  hi: number,
): Subtree {
  if (hi === lo) return null;
  if (hi - lo === 1) return leaves[lo]!;
  assert(depth < depthMax, 'state update: two keys share a full key hash');
  assert(
    leaves[lo]!.path.length === depthMax && leaves[hi - 1]!.path.length === depthMax,
    'state update: leaves carry paths',
  );
  const overrides: Overrides = new Array<Subtree | undefined>(16).fill(null);
  let start = lo;
  while (start < hi) {
    const nibble = pathNibble(leaves[start]!.path, depth);
    let end = start + 1;
    while (end < hi && pathNibble(leaves[end]!.path, depth) === nibble) end++;
    overrides[nibble] = build(writer, depth + 1, path + hexDigits[nibble]!, leaves, start, end);
    start = end;
  }
  return assemble(writer, depth, path, undefined, overrides);
}

/**
 * The internal node at `path` whose children are `node`'s with `overrides` applied (undefined: as
 * in `node`; null: none), or what it collapses to: nothing, or its only child if that is a leaf.
 */
function assemble(
  writer: BlockWriter,
  depth: number,
  path: string,
  node: InternalNode | undefined,
  overrides: Overrides,
): Subtree {
  let bitmap = 0;
  let leafMask = 0;
  let present = 0;
  let last = -1;
  for (let n = 0; n < 16; n++) {
    const override = overrides[n];
    if (override === null) continue;
    if (override === undefined) {
      if (node === undefined || !node.has(n)) continue;
      if (node.isLeaf(n)) leafMask |= 1 << n;
    } else if (override.kind === 'leaf') leafMask |= 1 << n;
    bitmap |= 1 << n;
    present++;
    last = n;
  }
  if (present === 0) return null;
  if (present === 1 && ((leafMask >> last) & 1) === 1)
    return liftLeaf(node, overrides[last], last, path);
  const builder = new InternalRecordBuilder(bitmap, leafMask);
  let index = 0;
  // Kept children are copied in runs: `runFrom` is the first one's index in `node`.
  let runFrom = 0;
  let runLength = 0;
  for (let n = 0; n < 16; n++) {
    if (((bitmap >> n) & 1) === 0) continue;
    const override = overrides[n];
    if (override === undefined || override === null) {
      const from = node!.indexOf(n);
      if (runLength > 0 && from !== runFrom + runLength) {
        builder.copyChildren(index - runLength, node!, runFrom, runLength);
        runLength = 0;
      }
      if (runLength === 0) runFrom = from;
      runLength++;
    } else {
      if (runLength > 0) builder.copyChildren(index - runLength, node!, runFrom, runLength);
      runLength = 0;
      if (override.kind === 'internal') builder.setChild(index, override.ref);
      else builder.setChild(index, placeLeaf(writer, override, path + hexDigits[n]!));
    }
    index++;
  }
  if (runLength > 0) builder.copyChildren(index - runLength, node!, runFrom, runLength);
  const built = builder.finish();
  assert(path.length === depth, 'state update: path and depth agree');
  writer.writeInternal(path, built);
  return {
    kind: 'internal',
    ref: { hash: sha256(built.hashInput()), height: writer.height, leaf: false },
  };
}

/** The only child left under `path`, a leaf, goes up to take the place of its parent. */
function liftLeaf(
  node: InternalNode | undefined,
  override: Subtree | undefined,
  nibble: number,
  path: string,
): PendingLeaf {
  if (override !== undefined && override !== null) {
    assert(override.kind === 'leaf', 'state update: only a leaf is lifted');
    return override;
  }
  const child = node?.child(nibble);
  assert(child?.leaf, 'state update: the lifted child is a stored leaf');
  return {
    kind: 'leaf',
    path: '',
    hash: child.hash,
    raw: undefined,
    at: { height: child.height, path: path + hexDigits[nibble]! },
  };
}

/** Puts a leaf at `path`: where it already is, it stays; elsewhere it is (re)written. */
function placeLeaf(writer: BlockWriter, leaf: PendingLeaf, path: string): ChildRef {
  if (leaf.at !== undefined && leaf.at.path === path) {
    return { hash: leaf.hash, height: leaf.at.height, leaf: true };
  }
  let raw = leaf.raw;
  if (leaf.at !== undefined) {
    raw ??= writer.nodes.loadLeaf(leaf.at.height, leaf.at.path);
    writer.markStale(leaf.at.height, leaf.at.path);
  }
  assert(raw !== undefined, 'state update: a new leaf carries its record');
  writer.writeLeaf(path, raw);
  return { hash: leaf.hash, height: writer.height, leaf: true };
}
