// Where the tree reads nodes from: decoded internal nodes in memory (the top five levels by path in
// an array, deeper ones in a bounded LRU; leaves: those read since the last stage), then nodes of
// staged blocks whose batch has not committed yet (pinned), then LMDB.
import type { Table } from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { LruCache } from '../../util/lru-cache.ts';
import { encodeNodeKey, InternalNode, pathNibble } from './nodes.ts';

/** A node as one height wrote it: an internal node, or a leaf record. */
type Versioned = { readonly height: number; readonly node: InternalNode | Uint8Array };

/** Nodes written by one staged block, by path, pinned until its batch commits. */
export type PinnedNodes = Map<string, Versioned>;

/** A bound on the leaves remembered between stages: reads outside blocks (queries) also land there. */
const recentLeavesMax = 65_536;

type CachedInternal = { readonly height: number; readonly node: InternalNode };
type StoredLeaf = { readonly height: number; readonly node: Uint8Array };

/**
 * Internal nodes at most this deep sit in an array indexed by their path, not in the LRU: every
 * read and every update passes through them, and a Map keyed by path strings cost about 6% of
 * the main thread's CPU in a block's commit (hashing a fresh string per lookup, and moving
 * entries between generations; measured with a CPU profile of blocks of 1,000 transfers).
 * Depths 0 to 4 hold at most 1 + 16 + 256 + 4,096 + 65,536 nodes, which about 1M keys fill.
 */
const shallowDepthMax = 4;
/** Where each depth's slots begin: the number of paths shorter than it. */
const shallowOffsets = [0, 1, 17, 273, 4369, 69_905];
const shallowSlots = shallowOffsets[shallowDepthMax + 1]!;

/** The slot of a path of at most shallowDepthMax nibbles, or -1 for a deeper one. */
function shallowSlot(path: string): number {
  const depth = path.length;
  if (depth > shallowDepthMax) return -1;
  let index = 0;
  for (let i = 0; i < depth; i++) index = index * 16 + pathNibble(path, i);
  return shallowOffsets[depth]! + index;
}

export class NodeStore {
  readonly table: Table;
  /**
   * Decoded internal nodes deeper than shallowDepthMax (the shallower ones are in #shallow), by
   * path, one version each: the newest this store has seen. In both, the latest state reads only
   * those, and keying by path alone spares every lookup building a string of path and height; a
   * read at an older height misses and goes to LMDB.
   */
  readonly #cache: LruCache<string, CachedInternal>;
  /** The shallow levels' nodes by shallowSlot; empty when the store caches nothing. */
  readonly #shallow: (CachedInternal | undefined)[];
  readonly #caches: boolean;
  readonly #pinned = new Set<PinnedNodes>();
  /**
   * Leaves read since the last block was staged, by path. Execution reads the leaves a block then
   * rewrites or splits (an account it updates, the neighbour a new key lands on), so the update
   * finds them here instead of reading LMDB a second time. Dropped at every stage, so it holds at
   * most about one block's reads, and short-lived.
   */
  #recentLeaves = new Map<string, StoredLeaf>();

  constructor(table: Table, cacheNodesMax: number) {
    this.table = table;
    this.#cache = new LruCache(cacheNodesMax);
    // 0 keeps no node in memory at all (tests read everything from LMDB this way).
    this.#caches = cacheNodesMax > 0;
    this.#shallow = this.#caches ? new Array(shallowSlots).fill(undefined) : [];
  }

  loadInternal(height: number, path: string): InternalNode {
    const slot = shallowSlot(path);
    const cached = this.#cached(slot, path);
    if (cached !== undefined && cached.height === height) return cached.node;
    const node = this.#pinnedOrStored(height, path);
    assert(node instanceof InternalNode, `state node ${path}@${height}: expected an internal node`);
    // An older version (a proof at a past height) does not push out the one the latest state uses.
    if (cached === undefined || cached.height < height)
      this.#remember(slot, path, { height, node });
    return node;
  }

  /**
   * A leaf record. Leaves are kept only until the next stage, never in the LRU: kept longer, they
   * cost more in garbage collection than they save in LMDB reads (measured).
   */
  loadLeaf(height: number, path: string): Uint8Array {
    const recent = this.#recentLeaves.get(path);
    if (recent !== undefined && recent.height === height) return recent.node;
    const node = this.#pinnedOrStored(height, path);
    assert(!(node instanceof InternalNode), `state node ${path}@${height}: expected a leaf`);
    if (this.#recentLeaves.size >= recentLeavesMax) this.#recentLeaves = new Map();
    this.#recentLeaves.set(path, { height, node });
    return node;
  }

  /** Makes a staged block's nodes readable before its batch commits. */
  pin(nodes: PinnedNodes): void {
    this.#recentLeaves = new Map();
    this.#pinned.add(nodes);
    for (const [path, { height, node }] of nodes)
      if (node instanceof InternalNode) this.#remember(shallowSlot(path), path, { height, node });
  }

  unpin(nodes: PinnedNodes): void {
    this.#pinned.delete(nodes);
  }

  #cached(slot: number, path: string): CachedInternal | undefined {
    return slot < 0 ? this.#cache.get(path) : this.#shallow[slot];
  }

  #remember(slot: number, path: string, entry: CachedInternal): void {
    if (slot < 0) this.#cache.set(path, entry);
    else if (this.#caches) this.#shallow[slot] = entry;
  }

  /** A node of a staged block, or one read from LMDB (decoded if internal). */
  #pinnedOrStored(height: number, path: string): InternalNode | Uint8Array {
    for (const nodes of this.#pinned) {
      const pinned = nodes.get(path);
      if (pinned !== undefined && pinned.height === height) return pinned.node;
    }
    const raw = this.table.get(encodeNodeKey(height, path));
    assert(
      raw !== undefined,
      `state node ${path}@${height}: missing (pruned, or the store is damaged)`,
    );
    return raw[0] === 0 ? raw : new InternalNode(raw);
  }
}
