// State sync end to end on real LMDB files: a new node checks a peer's snapshot offer, restores the
// state from chunks, installs the base block with the replay window's ids in the same batch as the
// tree's root, then executes the blocks it fetches and reaches the same state roots as the source;
// a transaction committed before the snapshot is still refused as a replay.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, it } from 'node:test';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { BlockStore } from '../../src/ledger/block-store.ts';
import { readSnapshotChunk, restoreSnapshot } from '../../src/ledger/state/snapshot.ts';
import { decodeTransaction } from '../../src/ledger/tx.ts';
import { createBankModule } from '../../src/modules/bank/index.ts';
import {
  checkFetchedBlocks,
  checkSnapshotOffer,
  checkTxIdBlocks,
  replayWindowCovered,
} from '../../src/node/sync/check.ts';
import { decodeSyncMessage, encodeSyncMessage } from '../../src/node/sync/messages.ts';
import { collectBlocks, collectTxIdBlocks, makeSnapshotOffer } from '../../src/node/sync/serve.ts';
import { openStore } from '../../src/storage/index.ts';
import {
  chainId,
  genesisTimeMs,
  tempDir,
  validator,
  workload,
} from '../execution/ledger-helpers.ts';
import { buildChain } from './sync-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every message crosses the wire as bytes, as it would over p2p. */
function wire<T extends Parameters<typeof encodeSyncMessage>[0]>(m: T): T {
  return decodeSyncMessage(encodeSyncMessage(m)) as T;
}

it('a new node restores from a snapshot, catches up by blocks, and still refuses old replays', async () => {
  const source = await buildChain(3);
  dirs.push(source.path);
  const w = workload(6);
  for (const txs of w.setupBlocks(20)) await source.chain.commitBlock(txs);
  await source.chain.commitBlock(w.transfers(30));
  const baseHeight = source.chain.height!;
  for (let i = 0; i < 3; i++) await source.chain.commitBlock(w.transfers(20));
  const served = source.chain.executor.blocks;

  const offered = wire({ type: 'snapshot-offer', offer: makeSnapshotOffer(served, baseHeight)! })
    .offer!;
  const verified = checkSnapshotOffer(offered, source.trust);
  assert.ok(verified.ok, verified.ok ? '' : verified.reason);
  const { block, qc, stateRoot, resultsRoot } = verified.value;

  const path = tempDir();
  dirs.push(path);
  const store = openStore({ path });
  const restorer = await restoreSnapshot(store, baseHeight, stateRoot);
  while (!restorer.complete) {
    const chunk = readSnapshotChunk(
      source.store,
      baseHeight,
      restorer.nextIndex,
      restorer.lastKeyHash,
      {
        chunkLeavesMax: 8,
      },
    );
    await restorer.add(wire({ type: 'snapshot-chunk', chunk: chunk! }).chunk!);
  }
  assert.ok(restorer.nextIndex > 2, 'several chunks');
  const ids = wire({ type: 'tx-ids', blocks: collectTxIdBlocks(served, 0, baseHeight - 1) });
  const replay = checkTxIdBlocks(block.header, ids.blocks);
  assert.ok(replay.ok);
  assert.ok(replayWindowCovered(replay.value, baseHeight, block.header.timeMs));
  const batch = store.writeBatch();
  new BlockStore(store).installBase(batch, {
    block,
    txIds: block.txs.map((bytes) => decodeTransaction(bytes).id),
    qc,
    executed: { height: baseHeight, stateRoot, resultsRoot },
    replay: replay.value,
  });
  await restorer.finish(batch);
  await batch.commit();

  const restored = new LocalChain(
    { chainId, validator, modules: [createBankModule()], genesisTimeMs },
    { store },
  );
  assert.equal(restored.height, baseHeight);
  assert.equal(restored.executor.blocks.baseHeight(), baseHeight);
  assert.equal(restored.executor.blocks.blockAt(baseHeight - 1), undefined);
  const fetched = wire({
    type: 'blocks-response',
    blocks: collectBlocks(served, baseHeight + 1, source.chain.height!),
  });
  const check = checkFetchedBlocks(
    block.header,
    fetched.blocks.map((f) => f.block),
    fetched.blocks.map((f) => f.qc),
    source.trust,
  );
  assert.deepEqual(check, { ok: true });
  for (const { block: next, qc: nextQc } of fetched.blocks) {
    const committed = await restored.executor.commit(next, nextQc);
    assert.deepEqual(committed.stateRoot, source.chain.executor.state.root(next.header.height));
  }
  const old = source.txs[1]![0]!;
  // LocalChain learns the tip it builds on when it opens: open it again after the catch-up.
  const caughtUp = new LocalChain(
    { chainId, validator, modules: [createBankModule()], genesisTimeMs },
    { store },
  );
  const again = await caughtUp.commitBlock([old]);
  assert.equal(again.receipts[0]!.code, 'tx_replayed');
  await store.close();
  await source.store.close();
});
