// The tree worker: blocks whose state-tree versions a worker thread prepares, several in flight at
// once, give the same roots, receipts and state as the main thread alone, on real LMDB files.
// A block reads what the blocks before it wrote while those are still being prepared or written,
// a replay of a transaction in such a block is refused, and a failure stops every later block.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { CommittedBlock } from '../../src/execution/block-executor.ts';
import { moduleRecordKey } from '../../src/execution/context.ts';
import { openStateTree } from '../../src/ledger/state/index.ts';
import { TreeWorker, tsxTreeWorkerSource } from '../../src/ledger/state/remote-tree.ts';
import {
  forEachEntry,
  Packer,
  packChanges,
  unpackChanges,
} from '../../src/ledger/state/tree-wire.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { bankKeys } from '../../src/modules/bank/store.ts';
import { latestState } from '../../src/node/services.ts';
import { openStore } from '../../src/storage/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { TallyError } from '../../src/util/errors.ts';
import { accountStateKey, ledgerTotals, openChain, tempDir, workload } from './ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function chainAt(treeWorker: boolean) {
  const path = tempDir();
  dirs.push(path);
  return { path, ...openChain(path, { treeWorker }) };
}

/** Commits every block at once (none awaited before the next is handed over), then all of them. */
async function commitAllInFlight(
  chain: ReturnType<typeof openChain>['chain'],
  blocks: readonly Transaction[][],
): Promise<CommittedBlock[]> {
  const committing = blocks.map((txs) => chain.commitBlock(txs));
  return Promise.all(committing);
}

function summary(committed: readonly CommittedBlock[]) {
  return committed.map((c) => ({
    height: c.height,
    stateRoot: toHex(c.stateRoot),
    resultsRoot: toHex(c.resultsRoot),
    codes: c.receipts.map((r) => r.code).join(','),
  }));
}

describe('tree worker', () => {
  it('blocks in flight on the worker commit the same roots and state as the main thread alone', async () => {
    const accounts = 30;
    const local = chainAt(false);
    const remote = chainAt(true);
    const blocks = (() => {
      const w = workload(accounts);
      // Setup creates the accounts a few blocks before the transfers that use them, so blocks read
      // accounts that the blocks just before them created, while those are still in flight.
      return [...w.setupBlocks(7), ...Array.from({ length: 12 }, () => w.transfers(40))];
    })();
    const expected = summary(await commitAllInFlight(local.chain, blocks));
    const got = summary(await commitAllInFlight(remote.chain, blocks));
    assert.deepEqual(got, expected);
    assert.equal(
      new Set(got.map((b) => b.stateRoot)).size,
      blocks.length,
      'every block moves the root',
    );
    // Once durable, the main thread's tree reads every height the worker prepared.
    const { executor } = remote.chain;
    const tip = executor.blocks.executed()!;
    assert.equal(executor.state.latestHeight, tip.height);
    assert.equal(executor.state.committedHeight, tip.height);
    assert.equal(toHex(executor.state.root()), toHex(tip.stateRoot));
    for (const height of [0, 3, tip.height - 1])
      assert.equal(
        toHex(executor.state.root(height)),
        expected.find((b) => b.height === height)!.stateRoot,
      );
    const w = workload(accounts);
    const totals = ledgerTotals(remote.chain, w, accounts);
    assert.deepEqual(totals, ledgerTotals(local.chain, w, accounts));
    for (const { code, held, supply } of totals) assert.equal(held, supply, `${code} conserved`);
    const key = accountStateKey(w.accountId(0, 3));
    assert.equal(toHex(executor.state.get(key)!), toHex(local.chain.executor.state.get(key)!));
    await remote.chain.executor.close();
    await Promise.all([local.store.close(), remote.store.close()]);
  });

  it('a reopened store carries on without the worker, and the worker carries on after a reopen', async () => {
    const { path, store, chain } = chainAt(true);
    const w = workload(12);
    await commitAllInFlight(chain, [...w.setupBlocks(40), w.transfers(30)]);
    await chain.executor.close();
    await store.close();
    const plain = openChain(path);
    await plain.chain.commitBlock(w.transfers(30));
    await plain.store.close();
    const again = openChain(path, { treeWorker: true });
    const [last] = await commitAllInFlight(again.chain, [w.transfers(30)]);
    assert.equal(toHex(again.chain.executor.state.root()), toHex(last!.stateRoot));
    await again.chain.executor.close();
    await again.store.close();
  });

  it('the block on record is one whose state the tree reads, and the latest state is its state', async () => {
    const { store, chain } = chainAt(true);
    const { executor } = chain;
    const latest = latestState(executor);
    const w = workload(12);
    const setup = w.setupBlocks(10);
    const transfers = [1, 2, 3, 4, 5, 6].map(() => w.transfers(20));
    // The record each transfer block creates first: visible in the latest state with its block.
    const created = new Map(
      transfers.map((txs, i) => [
        setup.length + i,
        moduleRecordKey('bank', bankKeys.transfer((txs[0]!.args as { id: Uint8Array }).id)),
      ]),
    );
    let checks = 0;
    const heights = new Set<number>();
    let watching = true;
    // Between macrotasks, as a request or a consensus message would ask while blocks commit.
    const watch = () => {
      const height = executor.height;
      if (height !== undefined) {
        executor.state.root(height);
        const key = created.get(height);
        if (key !== undefined)
          assert.notEqual(latest.get(key), undefined, `block ${height}'s record`);
        heights.add(height);
      }
      checks++;
      if (watching) setImmediate(watch);
    };
    watch();
    await commitAllInFlight(chain, [...setup, ...transfers]);
    watching = false;
    // lmdb-js may commit several in-flight batches in one transaction: a few heights are seen.
    assert.ok(heights.size >= 2, `${checks} checks saw ${heights.size} heights`);
    await executor.close();
    await store.close();
  });

  it('error: a replay of a transaction in a block still in flight is refused, once', async () => {
    const { store, chain } = chainAt(true);
    const w = workload(12);
    await commitAllInFlight(chain, w.setupBlocks(40));
    const txs = w.transfers(5);
    const [first, second] = await commitAllInFlight(chain, [txs, [txs[2]!, ...w.transfers(2)]]);
    assert.ok(first!.receipts.slice(0, -1).every((r) => r.code !== 'tx_replayed'));
    assert.deepEqual(
      second!.receipts.slice(0, -1).map((r) => r.code),
      ['tx_replayed', 'ok', 'ok'],
    );
    await chain.executor.close();
    await store.close();
  });

  it('error: a block that fails to stage fails, and every block after it fails with it', async () => {
    // The blocks come from a chain on the main thread that committed them first.
    const source = chainAt(false);
    const { store, chain } = chainAt(true);
    const w = workload(12);
    const setup = w.setupBlocks(40);
    await commitAllInFlight(chain, setup);
    await commitAllInFlight(source.chain, [...setup, ...[1, 2, 3].map(() => w.transfers(10))]);
    const executor = chain.executor;
    const height = executor.blocks.executed()!.height;
    const block = (h: number) => source.chain.executor.blocks.blockAt(h)!;
    const broken = executor.commit(block(height + 1), undefined, undefined, () => {
      throw new TallyError('disk_full', 'no room for the next epoch');
    });
    const after = executor.commit(block(height + 2));
    await assert.rejects(broken, /no room for the next epoch/);
    await assert.rejects(after, /no room for the next epoch/);
    await assert.rejects(executor.commit(block(height + 3)), /no room for the next epoch/);
    assert.equal(
      executor.blocks.executed()!.height,
      height,
      'nothing after the failure is written',
    );
    await executor.close();
    await Promise.all([store.close(), source.store.close()]);
  });
});

describe('tree worker thread', () => {
  for (const from of ['bundle', 'tsx'] as const)
    it(`prepares what the main thread would (started from ${from}), readable once committed`, async () => {
      const path = tempDir();
      dirs.push(path);
      const store = openStore({ path });
      const tree = openStateTree(store);
      const reference = openStateTree(openStore({ path: `${path}-reference` }));
      dirs.push(`${path}-reference`);
      const worker = new TreeWorker(
        store,
        from === 'tsx' ? { source: () => tsxTreeWorkerSource } : {},
      );
      // The bundle (lmdb imported from node_modules by its resolved URL), not the tsx fallback.
      assert.equal(worker.source, from);
      const key = (i: number) => new TextEncoder().encode(`key-${i}`);
      for (let height = 0; height < 12; height++) {
        const changes = [
          ...new Set(Array.from({ length: 40 }, (_, i) => (height * 37 + i * 11) % 200)),
        ]
          .sort((a, b) => toHex(key(a)).localeCompare(toHex(key(b))))
          .map((i) => ({
            key: key(i),
            // Every fifth key of a later block is deleted.
            value: height > 2 && i % 5 === 0 ? null : new TextEncoder().encode(`${height}:${i}`),
          }));
        const writes = await worker.prepare(height, changes);
        const batch = store.writeBatch();
        const root = tree.stageWrites(height, writes, batch);
        batch.onSettled((error) => worker.settled(height, error));
        assert.equal(tree.latestHeight, height === 0 ? undefined : height - 1, 'not readable yet');
        assert.throws(() => tree.prepareBlock(height + 1, []), /not readable here yet/);
        await batch.commit();
        assert.equal(tree.latestHeight, height, 'readable once committed');
        assert.equal(toHex(root), toHex(await reference.applyBlock(height, changes)));
        assert.equal(toHex(tree.root()), toHex(root));
      }
      await assert.rejects(worker.prepare(3, []), /block 3: .*expected 12/);
      await worker.close();
      await store.close();
    });

  it('packs and unpacks changes and writes, and refuses a buffer cut short', () => {
    const changes = [
      { key: Uint8Array.of(1), value: Uint8Array.of(9, 9), existed: true },
      { key: Uint8Array.of(2, 2), value: null, existed: true },
      { key: Uint8Array.of(3), value: new Uint8Array(70_000), existed: false },
    ];
    assert.deepEqual(unpackChanges(packChanges(changes)), changes);
    const packer = new Packer(16);
    for (let i = 0; i < 100; i++) packer.add(i % 3, Uint8Array.of(i), new Uint8Array(i));
    const seen: number[] = [];
    forEachEntry(packer.finish(), (tag, key, value) => {
      assert.equal(tag, key[0]! % 3);
      seen.push(value.length);
    });
    assert.deepEqual(
      seen,
      Array.from({ length: 100 }, (_, i) => i),
    );
    const cut = packChanges(changes).slice(0, 20);
    assert.throws(() => unpackChanges(cut), /tree wire: entry (header )?past the end/);
  });
});
