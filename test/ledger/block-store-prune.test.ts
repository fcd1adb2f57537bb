// Pruning the block store on a real chain (LocalChain on LMDB): blocks, receipts, certificates and
// hash-index rows below the height go; transaction ids stay until their expiry has passed, so
// replays are still refused; the counts are reported; the base survives a reopen.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { hashHeader } from '../../src/ledger/block.ts';
import { blockPruneBatchOpsMax, txExpiryPruneMarginMs } from '../../src/ledger/block-store.ts';
import { genesisTimeMs, noopTx, openChain, tempDir } from '../execution/ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const minuteMs = 60_000;

async function chainWithExpiries() {
  const path = tempDir();
  dirs.push(path);
  const { store, chain } = openChain(path);
  const short = [noopTx(genesisTimeMs + 10 * minuteMs), noopTx(genesisTimeMs + 10 * minuteMs)];
  const long = [noopTx(genesisTimeMs + 120 * minuteMs), noopTx(genesisTimeMs + 120 * minuteMs)];
  await chain.commitBlock([]); // 0
  await chain.commitBlock(short); // 1
  await chain.commitBlock(long); // 2
  await chain.commitBlock([]); // 3
  await chain.commitBlock([]); // 4
  await chain.commitBlock([], genesisTimeMs + 30 * minuteMs); // 5: the short ones have expired
  return { path, store, chain, short, long };
}

describe('block store prune', () => {
  it('removes blocks below the height and reports counts; keeps ids that have not expired', async () => {
    const { store, chain, short, long } = await chainWithExpiries();
    const blocks = chain.executor.blocks;
    const hash1 = hashHeader(blocks.blockAt(1)!.header);
    const executed = blocks.executed();
    assert.equal(blocks.baseHeight(), 0);
    const roots4 = blocks.executedAt(4);
    assert.deepEqual(roots4?.stateRoot, chain.executor.state.root(4), 'each block keeps its roots');
    assert.deepEqual(blocks.executedAt(5), executed, 'the latest are the executed ones');
    const result = await blocks.prune(4);
    assert.deepEqual(result, {
      blocksRemoved: 4,
      receiptsRemoved: 1 + 3 + 3 + 1,
      certificatesRemoved: 4,
      txIdsRemoved: 2,
      txIdsKept: 2,
      baseHeight: 4,
    });
    for (let h = 0; h < 4; h++) {
      assert.equal(blocks.blockAt(h), undefined);
      assert.equal(blocks.certificateAt(h), undefined);
      assert.deepEqual(blocks.receiptsAt(h), []);
      assert.equal(blocks.executedAt(h), undefined);
    }
    assert.deepEqual(blocks.executedAt(4), roots4);
    assert.equal(blocks.heightOf(hash1), undefined);
    assert.ok(blocks.blockAt(4) !== undefined && blocks.certificateAt(4) !== undefined);
    assert.equal(blocks.receiptsAt(4).length, 1);
    assert.equal(blocks.latestHeight(), 5);
    assert.deepEqual(blocks.executed(), executed);
    for (const t of short) assert.equal(blocks.hasTx(t.id), false, 'expired: dropped');
    long.forEach((t, index) => {
      assert.equal(blocks.hasTx(t.id), true, 'not expired: kept');
      assert.deepEqual(blocks.txLocation(t.id), { height: 2, index });
      assert.equal(blocks.txBytes(t.id), undefined);
      assert.equal(blocks.receipt(t.id), undefined);
    });
    await store.close();
  });

  it('a kept id still refuses its replay; an expired one is refused as expired', async () => {
    const { store, chain, short, long } = await chainWithExpiries();
    await chain.executor.blocks.prune(5);
    const committed = await chain.commitBlock([long[0]!, short[0]!]);
    assert.deepEqual(
      committed.receipts.slice(0, 2).map((r) => r.code),
      ['tx_replayed', 'tx_expired'],
    );
    await store.close();
  });

  it('drops kept ids once block time passes their expiry by the margin, and keeps the base on reopen', async () => {
    const { path, store, chain, long } = await chainWithExpiries();
    await chain.executor.blocks.prune(4);
    const expiry = genesisTimeMs + 120 * minuteMs;
    await chain.commitBlock([], expiry + txExpiryPruneMarginMs); // 6: not yet past the margin
    assert.equal((await chain.executor.blocks.prune(4)).txIdsRemoved, 0);
    assert.equal(chain.executor.blocks.hasTx(long[0]!.id), true);
    await chain.commitBlock([], expiry + txExpiryPruneMarginMs + 1); // 7
    const result = await chain.executor.blocks.prune(6);
    assert.equal(result.txIdsRemoved, 2);
    assert.equal(result.blocksRemoved, 2);
    assert.equal(chain.executor.blocks.hasTx(long[1]!.id), false);
    await store.close();
    const reopened = openChain(path);
    assert.equal(reopened.chain.executor.blocks.baseHeight(), 6);
    assert.equal(reopened.chain.height, 7);
    await reopened.chain.commitBlock([]);
    await reopened.store.close();
  });

  it('error: pruning past the executed height, or twice at once', async () => {
    const { store, chain } = await chainWithExpiries();
    const blocks = chain.executor.blocks;
    await assert.rejects(blocks.prune(6), RangeError);
    await assert.rejects(blocks.prune(-1), RangeError);
    const first = blocks.prune(2);
    await assert.rejects(blocks.prune(2), /already running/);
    await first;
    assert.equal((await blocks.prune(1)).blocksRemoved, 0, 'below the base: nothing to do');
    assert.ok(blockPruneBatchOpsMax >= 1000);
    await store.close();
  });
});
