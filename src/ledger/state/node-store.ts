// Where the tree reads nodes from: nodes of staged blocks whose batch has not committed yet (pinned),
// then a bounded cache of decoded nodes, then LMDB.
import type { Table } from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { LruCache } from './cache.ts';
import { encodeNodeKey, InternalNode } from './nodes.ts';

/** A node as one height wrote it: an internal node, or a leaf record. */
type Versioned = { readonly height: number; readonly node: InternalNode | Uint8Array };

/** Nodes written by one staged block, by path, pinned until its batch commits. */
export type PinnedNodes = Map<string, Versioned>;

type CachedInternal = { readonly height: number; readonly node: InternalNode };

export class NodeStore {
  readonly table: Table;
  /**
   * Decoded internal nodes by path, one version each: the newest this store has seen. The latest
   * state reads only those, and keying by path alone spares every lookup building a string of path
   * and height; a read at an older height misses and goes to LMDB.
   */
  readonly #cache: LruCache<string, CachedInternal>;
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
    for (const [path, { height, node }] of nodes)
      if (node instanceof InternalNode) this.#cache.set(path, { height, node });
  }

  unpin(nodes: PinnedNodes): void {
    this.#pinned.delete(nodes);
  }

  clearCache(): void {
    this.#cache.clear();
  }

  #load(height: number, path: string): InternalNode | Uint8Array {
    const cached = this.#cache.get(path);
    if (cached !== undefined && cached.height === height) return cached.node;
    for (const nodes of this.#pinned) {
      const pinned = nodes.get(path);
      if (pinned !== undefined && pinned.height === height) return pinned.node;
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
    // An older version (a proof at a past height) does not push out the one the latest state uses.
    if (cached === undefined || cached.height < height) this.#cache.set(path, { height, node });
    return node;
  }
}
