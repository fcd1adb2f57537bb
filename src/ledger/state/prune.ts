// Removes what no retained height can reach. Each height that replaced nodes lists them (its stale
// list, as Jellyfish keeps a stale-node index); a node listed at height h is in no tree from h on,
// so once every height below H is dropped, the lists of heights <= H can be deleted with their nodes.
// A list is stored in chunks keyed (height u64, chunk u16): a range up to height H + 1 takes them all.
import {
  decodeUintKey,
  encodeUintKey,
  type Store,
  type Table,
  type WriteBatch,
} from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { decodeStaleList } from './nodes.ts';

/** Deletes per transaction, so a large prune neither holds the write lock long nor balloons memory. */
export const pruneBatchOpsMax = 50_000;

export type StateTables = {
  readonly nodes: Table;
  readonly roots: Table;
  readonly stale: Table;
  /** Never pruned: a record, once written, is in every later height. */
  readonly records: Table;
};
export type PruneResult = { readonly nodesRemoved: number; readonly heightsRemoved: number };

/**
 * Drops the roots of heights below `belowHeight` and every node only they reach. Batches commit in
 * height order and each drops the roots below its last stale list along with those nodes, so a
 * crash between batches leaves every remaining root whole; the next prune carries on.
 */
export async function pruneBelow(
  store: Store,
  tables: StateTables,
  belowHeight: number,
): Promise<PruneResult> {
  let nodesRemoved = 0;
  let heightsRemoved = 0;
  const end = encodeUintKey(belowHeight + 1);
  for (;;) {
    const batch = store.writeBatch();
    let lastHeight = -1;
    for (const { key, value } of tables.stale.range({ end })) {
      const nodeKeys = decodeStaleList(value);
      if (batch.size > 0 && batch.size + nodeKeys.length > pruneBatchOpsMax) break;
      for (const nodeKey of nodeKeys) batch.del(tables.nodes, nodeKey);
      batch.del(tables.stale, key);
      nodesRemoved += nodeKeys.length;
      lastHeight = decodeUintKey(key);
    }
    if (lastHeight < 0) break;
    assert(lastHeight <= belowHeight, 'state prune: a stale list past the prune height');
    heightsRemoved += deleteRootsBelow(batch, tables.roots, lastHeight);
    await batch.commit();
  }
  const batch = store.writeBatch();
  heightsRemoved += deleteRootsBelow(batch, tables.roots, belowHeight);
  await batch.commit();
  return { nodesRemoved, heightsRemoved };
}

function deleteRootsBelow(batch: WriteBatch, roots: Table, height: number): number {
  let removed = 0;
  for (const key of roots.keys({ end: encodeUintKey(height) })) {
    batch.del(roots, key);
    removed++;
  }
  return removed;
}
