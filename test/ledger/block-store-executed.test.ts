// The block store remembers the executed record between the batches that rewrite it: after every
// commit it answers the new height and roots, as LMDB does to a store object opened afresh.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { BlockStore } from '../../src/ledger/block-store.ts';
import { noopTx, openChain, tempDir } from '../execution/ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('block store executed record', () => {
  it('follows every commit, and agrees with a fresh read of LMDB', async () => {
    const path = tempDir();
    dirs.push(path);
    const { store, chain } = openChain(path);
    const blocks = chain.executor.blocks;
    for (let b = 0; b < 6; b++) {
      const committed = await chain.commitBlock(b % 2 === 0 ? [] : [noopTx()]);
      const info = blocks.executed();
      assert.equal(info?.height, committed.height);
      assert.deepEqual(info?.stateRoot, committed.stateRoot);
      assert.deepEqual(info?.resultsRoot, committed.resultsRoot);
      assert.equal(blocks.executed(), info, 'read once until the next commit');
      assert.deepEqual(new BlockStore(store).executed(), info, 'what LMDB holds');
    }
    await chain.executor.close();
    await store.close();
  });
});
