// Where the tree reads nodes from: nodes of staged blocks whose batch has not committed yet (pinned),
// then a bounded cache of decoded nodes, then LMDB.
import type { Table } from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { LruCache } from './cache.ts';
import { encodeNodeKey, InternalNode } from './nodes.ts';

type Cached = InternalNode | Uint8Array;

/** Nodes written by one staged block, pinned until its batch commits. */
export type PinnedNodes = Map<string, Cached>;

export class NodeStore {
  readonly table: Table;
  readonly #cache: LruCache<string, Cached>;
  readonly #pinned = new Set<PinnedNodes>();

  constructor(table: Table, cacheNodesMax: number) {
    this.table = table;
    this.#cache = new LruCache(cacheNodesMax);
  }

  loadInternal(height: number, path: string): InternalNode {
    const node = this.#load(height, path);
    assert(node instanceof InternalNode, `state node ${path}@${height}: expected an internal node`);
    return node;
  }

  /** A leaf record. */
  loadLeaf(height: number, path: string): Uint8Array {
    const node = this.#load(height, path);
    assert(!(node instanceof InternalNode), `state node ${path}@${height}: expected a leaf`);
    return node;
  }

  /** Makes a staged block's nodes readable before its batch commits. */
  pin(nodes: PinnedNodes): void {
    this.#pinned.add(nodes);
    for (const [key, node] of nodes) if (node instanceof InternalNode) this.#cache.set(key, node);
  }

  /**
   * Drops nodes that a staged block replaced. Reads of the latest state never reach them again, so
   * keeping them would fill the cache with old versions of the upper levels (every block rewrites
   * those) and push out live nodes; a read at an older height finds them in LMDB.
   */
  evict(keys: readonly string[]): void {
    for (const key of keys) this.#cache.delete(key);
  }

  unpin(nodes: PinnedNodes): void {
    this.#pinned.delete(nodes);
  }

  clearCache(): void {
    this.#cache.clear();
  }

  #load(height: number, path: string): Cached {
    const key = cacheKey(height, path);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    for (const nodes of this.#pinned) {
      const node = nodes.get(key);
      if (node !== undefined) return node;
    }
    const raw = this.table.get(encodeNodeKey(height, path));
    assert(
      raw !== undefined,
      `state node ${path}@${height}: missing (pruned, or the store is damaged)`,
    );
    // Leaves are not cached: a block reads each one once, and caching them costs more in garbage
    // collection than it saves in LMDB reads (measured). Internal nodes are read by every path.
    if (raw[0] === 0) return raw;
    const node = new InternalNode(raw);
    this.#cache.set(key, node);
    return node;
  }
}

export function cacheKey(height: number, path: string): string {
  return `${path}@${height}`;
}
