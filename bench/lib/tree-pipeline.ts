// Commits state changes to a state tree as a node's block pipeline does: each block's version is
// prepared and staged while the batch of the block before it is still being written.
import type { StateChanges, StateTree } from '../../src/ledger/state/index.ts';
import type { Store } from '../../src/storage/index.ts';

/** Commits `blocks` at the heights after `height`, durably; resolves to the last height. */
export async function commitPipelined(
  store: Store,
  tree: StateTree,
  height: number,
  blocks: readonly StateChanges[],
): Promise<number> {
  let writing: Promise<void> | undefined;
  for (const changes of blocks) {
    const batch = store.writeBatch();
    tree.stageBlock(tree.prepareBlock(++height, changes), batch);
    const committed = batch.commit();
    await writing;
    writing = committed;
  }
  await writing;
  return height;
}
