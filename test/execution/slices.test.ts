// A block executed in slices (BlockExecutor.commitInSlices, as a node executes): the thread goes to
// other work between slices, and the same blocks give the same roots, receipts and state as
// commit() in one go, on the main thread and with the tree worker; a second block started before
// the first has finished is a bug the executor refuses.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { CommittedBlock } from '../../src/execution/block-executor.ts';
import { toHex } from '../../src/util/bytes.ts';
import { ledgerTotals, openChain, tempDir, workload } from './ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function chainAt(treeWorker = false) {
  const path = tempDir();
  dirs.push(path);
  return openChain(path, { treeWorker });
}

function summary(c: CommittedBlock) {
  return {
    height: c.height,
    stateRoot: toHex(c.stateRoot),
    resultsRoot: toHex(c.resultsRoot),
    codes: c.receipts.map((r) => r.code).join(','),
  };
}

/** Commits setup and transfer blocks on `source` in one go; returns what each block committed. */
async function reference(accounts: number) {
  const { store, chain } = chainAt();
  const w = workload(accounts);
  const committed: CommittedBlock[] = [];
  for (const txs of [...w.setupBlocks(40), w.transfers(150), w.transfers(150)])
    committed.push(await chain.commitBlock(txs));
  return { store, chain, committed };
}

describe('execution in slices', () => {
  for (const treeWorker of [false, true]) {
    it(`gives the roots, receipts and state of execution in one go (tree worker: ${treeWorker})`, async () => {
      const accounts = 20;
      const source = await reference(accounts);
      const { store, chain } = chainAt(treeWorker);
      let turns = 0;
      const counting = setInterval(() => turns++, 0);
      try {
        for (const expected of source.committed) {
          const height = expected.height;
          const block = source.chain.executor.blocks.blockAt(height)!;
          const qc = source.chain.executor.blocks.certificateAt(height);
          const turnsBefore = turns;
          const { durable } = await chain.executor.commitInSlices(block, 0, qc);
          const got = await durable;
          assert.deepEqual(summary(got), summary(expected));
          if (block.txs.length >= 150)
            assert.ok(turns > turnsBefore, `height ${height}: other work ran between slices`);
        }
      } finally {
        clearInterval(counting);
      }
      for (const { code, held, supply } of ledgerTotals(chain, workload(accounts), accounts))
        assert.equal(held, supply, `${code}: balances sum to the supply`);
      await chain.executor.close();
      await source.chain.executor.close();
      await store.close();
      await source.store.close();
    });
  }

  it('error: a block started while another executes in slices is refused', async () => {
    const source = await reference(12);
    const { store, chain } = chainAt();
    const first = source.chain.executor.blocks.blockAt(0)!;
    const second = source.chain.executor.blocks.blockAt(1)!;
    const running = chain.executor.commitInSlices(first, 0);
    await assert.rejects(chain.executor.commitInSlices(second, 0), /one block executes at a time/);
    await (await running).durable;
    await store.close();
    await source.store.close();
  });
});
