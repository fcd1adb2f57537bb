// Where the tree reads nodes from: a bounded cache of decoded internal nodes (leaves: those read since
// the last stage), then nodes of staged blocks whose batch has not committed yet (pinned), then LMDB.
import type { Table } from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { LruCache } from '../../util/lru-cache.ts';
import { encodeNodeKey, InternalNode } from './nodes.ts';

/** A node as one height wrote it: an internal node, or a leaf record. */
type Versioned = { readonly height: number; readonly node: InternalNode | Uint8Array };

/** Nodes written by one staged block, by path, pinned until its batch commits. */
export type PinnedNodes = Map<string, Versioned>;

/** A bound on the leaves remembered between stages: reads outside blocks (queries) also land there. */
const recentLeavesMax = 65_536;

type CachedInternal = { readonly height: number; readonly node: InternalNode };
type StoredLeaf = { readonly height: number; readonly node: Uint8Array };

export class NodeStore {
  readonly table: Table;
  /**
   * Decoded internal nodes by path, one version each: the newest this store has seen. The latest
   * state reads only those, and keying by path alone spares every lookup building a string of path
   * and height; a read at an older height misses and goes to LMDB.
   */
  readonly #cache: LruCache<string, CachedInternal>;
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
  }

  loadInternal(height: number, path: string): InternalNode {
    const cached = this.#cache.get(path);
    if (cached !== undefined && cached.height === height) return cached.node;
    const node = this.#pinnedOrStored(height, path);
    assert(node instanceof InternalNode, `state node ${path}@${height}: expected an internal node`);
    // An older version (a proof at a past height) does not push out the one the latest state uses.
    if (cached === undefined || cached.height < height) this.#cache.set(path, { height, node });
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
      if (node instanceof InternalNode) this.#cache.set(path, { height, node });
  }

  unpin(nodes: PinnedNodes): void {
    this.#pinned.delete(nodes);
  }

  clearCache(): void {
    this.#cache.clear();
    this.#recentLeaves = new Map();
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
