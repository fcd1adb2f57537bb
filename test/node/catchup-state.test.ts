// State sync and pruning on real LMDB stores: a new node restores the state from a peer's certified
// snapshot (refusing a forged offer and a chunk that fails its proof), installs the replay window,
// then follows the chain by block sync; the pruner drops old blocks and state versions in steps,
// never below what a snapshot being served needs, and a pruned node offers no snapshot it cannot
// serve whole.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { createBankModule } from '../../src/modules/bank/index.ts';
import { BlockSync } from '../../src/node/catchup/block-sync.ts';
import { SnapshotPins } from '../../src/node/catchup/pins.ts';
import { Pruner } from '../../src/node/catchup/pruner.ts';
import { type StateSyncOptions, syncState } from '../../src/node/catchup/state-sync.ts';
import { CommitPipeline } from '../../src/node/commits.ts';
import { parseConfig } from '../../src/node/config.ts';
import { makeSnapshotOffer } from '../../src/node/sync/serve.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import {
  chainId,
  genesisTimeMs,
  openChain,
  tempDir,
  validator,
  workload,
} from '../execution/ledger-helpers.ts';
import { createTestLog, type Tamper, TestPeers } from './catchup-peers.ts';
import { buildChain } from './sync-helpers.ts';

let source: Awaited<ReturnType<typeof buildChain>>;
const dirs: string[] = [];
const stores: Store[] = [];

before(async () => {
  source = await buildChain(3);
  dirs.push(source.path);
  const w = workload(6);
  for (const txs of w.setupBlocks(20)) await source.chain.commitBlock(txs);
  await source.chain.commitBlock(w.transfers(30));
  for (let i = 0; i < 10; i++) await source.chain.commitBlock([]);
});

after(async () => {
  for (const store of stores) await store.close();
  await source.store.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function emptyStore(): Store {
  const path = tempDir();
  dirs.push(path);
  const store = openStore({ path });
  stores.push(store);
  return store;
}

const fast: Omit<StateSyncOptions, 'trust'> = {
  offerWaitMs: 500,
  retryMs: 50,
  requestTimeoutMs: 300,
};

function restore(store: Store, peers: TestPeers, log = createTestLog()) {
  return syncState(
    { ...fast, trust: source.trust },
    {
      store,
      requests: peers.requests,
      peers: peers.peerIds,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log,
    },
  );
}

function reopen(store: Store): LocalChain {
  return new LocalChain(
    { chainId, validator, modules: [createBankModule()], genesisTimeMs },
    { store },
  );
}

describe('state sync', () => {
  it('restores from a certified snapshot, then follows the chain by block sync', async () => {
    const peers = new TestPeers(createTestLog());
    peers.add('good', source);
    const store = emptyStore();
    const tip = source.chain.height!;
    const result = await restore(store, peers);
    assert.equal(result.outcome, 'restored');
    const height = tip - 1; // the state the tip's header certifies
    assert.ok(result.outcome === 'restored' && result.height === height);
    const restored = reopen(store);
    const { blocks, state } = restored.executor;
    assert.equal(restored.executor.height, height);
    assert.equal(blocks.baseHeight(), height);
    assert.equal(blocks.blockAt(height - 1), undefined);
    assert.deepEqual(state.root(height), source.chain.executor.state.root(height));
    const oldTx = source.txs[1]![0]!;
    assert.ok(blocks.hasTx(oldTx.id), 'ids before the base are kept against replays');

    for (let i = 0; i < 20; i++) await source.chain.commitBlock([]);
    peers.heights.set('good', source.chain.height!);
    const commits = new CommitPipeline({
      executor: restored.executor,
      decoded: () => undefined,
      onFatal: (error) => assert.fail(String(error)),
    });
    const sync = new BlockSync(
      { trust: source.trust, thresholdBlocks: 4, doneBlocks: 0 },
      {
        blocks,
        commits,
        requests: peers.requests,
        bestPeer: peers.bestPeer,
        forgetPeer: peers.forgetPeer,
        consensusHeight: () => height,
        rebase: async () => {},
        now: Date.now,
        log: createTestLog(),
      },
    );
    await sync.check();
    await sync.close();
    assert.equal(restored.executor.height, source.chain.height);
    assert.deepEqual(state.root(), source.chain.executor.state.root());
  });

  it('refuses a forged offer and a chunk that fails its proof, and restores from an honest peer', async () => {
    const log = createTestLog();
    const peers = new TestPeers(log);
    const forgeOffer: Tamper = (answer) => {
      if (answer.type !== 'snapshot-offer' || answer.offer === null) return answer;
      const signature = answer.offer.qc.signatures[0]!.slice();
      signature[3]! ^= 1;
      return {
        ...answer,
        offer: { ...answer.offer, qc: { ...answer.offer.qc, signatures: [signature] } },
      };
    };
    const alterLeaf: Tamper = (answer) => {
      if (answer.type !== 'snapshot-chunk' || answer.chunk === null) return answer;
      const leaves = answer.chunk.leaves.slice();
      const value = leaves[0]!.value.slice();
      value[0]! ^= 1;
      leaves[0] = { key: leaves[0]!.key, value };
      return { ...answer, chunk: { ...answer.chunk, leaves } };
    };
    peers.add('forger', source, forgeOffer);
    peers.add('liar', source, alterLeaf);
    peers.add('good', source);
    const store = emptyStore();
    const result = await restore(store, peers, log);
    assert.equal(result.outcome, 'restored');
    assert.ok(
      log.lines.some((l) => l.startsWith('snapshot offer refused') && l.includes('forger')),
    );
    assert.ok(
      log.lines.some((l) => l.startsWith('state sync request failed') && l.includes('liar')),
    );
    const height = result.outcome === 'restored' ? result.height : -1;
    assert.deepEqual(
      reopen(store).executor.state.root(height),
      source.chain.executor.state.root(height),
    );
  });

  it('leaves out a peer that offers the highest snapshot but does not serve it', async () => {
    const log = createTestLog();
    const peers = new TestPeers(log);
    const tip = source.chain.height!;
    const hoard: Tamper = (answer) => (answer.type === 'snapshot-chunk' ? undefined : answer);
    const offerOlder: Tamper = (answer) =>
      answer.type === 'snapshot-offer'
        ? { ...answer, offer: makeSnapshotOffer(source.chain.executor.blocks, tip - 5) ?? null }
        : answer;
    peers.add('hoarder', source, hoard);
    peers.add('good', source, offerOlder);
    const result = await restore(emptyStore(), peers, log);
    assert.deepEqual(result, { outcome: 'restored', height: tip - 5, chunks: 1 });
    assert.ok(log.lines.some((l) => l.includes('"attempt":2')));
    assert.ok(
      log.lines.some((l) => l.startsWith('state sync request failed') && l.includes('hoarder')),
    );
  });

  it('starts from genesis when no peer offers a snapshot, and leaves a used store alone', async () => {
    const peers = new TestPeers(createTestLog());
    peers.add('silent', source, () => undefined);
    assert.deepEqual(await restore(emptyStore(), peers), { outcome: 'no_offer' });
    const used = emptyStore();
    await reopen(used).commitBlock([]);
    assert.deepEqual(await restore(used, peers), { outcome: 'skipped' });
  });
});

describe('pruning', () => {
  it('drops old blocks and state in steps, never below a served snapshot', async () => {
    const path = tempDir();
    dirs.push(path);
    const { store, chain } = openChain(path);
    stores.push(store);
    for (let h = 0; h < 60; h++) await chain.commitBlock([]);
    const { blocks, state } = chain.executor;
    let pins = new SnapshotPins({ now: Date.now });
    const pruned: number[] = [];
    const pruner = new Pruner(
      { keepBlocks: 20, everyBlocks: 8, stepBlocks: 7 },
      {
        blocks,
        state,
        floor: () => pins.floor(),
        log: createTestLog(),
        onPruned: (n) => pruned.push(n),
      },
    );
    pins.pin(30, 0);
    assert.equal(await pruner.prune(59), 0, 'the pin keeps every block');
    assert.equal(blocks.baseHeight(), 0);
    assert.equal(state.oldestHeight, 30, 'state stays from the pinned height');
    pins = new SnapshotPins({ now: Date.now });
    pins.pin(35, 30);
    assert.equal(await pruner.prune(59), 30);
    assert.deepEqual(pruned, [7, 7, 7, 7, 2]);
    assert.equal(blocks.baseHeight(), 30);

    const unpinned = new Pruner(
      { keepBlocks: 20, everyBlocks: 8 },
      { blocks, state, floor: () => undefined, log: createTestLog() },
    );
    unpinned.onExecuted(57); // not a multiple of everyBlocks: nothing
    unpinned.onExecuted(56);
    await unpinned.idle();
    assert.equal(blocks.baseHeight(), 36);
    assert.equal(blocks.blockAt(35), undefined);
    assert.ok(blocks.blockAt(36) !== undefined);
    assert.equal(state.oldestHeight, 36);
    assert.throws(() => state.root(35), { code: 'state_height_unavailable' });

    // A window for state alone: every block stays, state versions go below executed - keepStates.
    const statesOnly = new Pruner(
      { keepBlocks: 0, keepStates: 10, everyBlocks: 8 },
      { blocks, state, floor: () => undefined, log: createTestLog() },
    );
    assert.equal(await statesOnly.prune(59), 0, 'no block removed');
    assert.equal(blocks.baseHeight(), 36);
    assert.equal(state.oldestHeight, 49);
    assert.throws(() => state.root(48), { code: 'state_height_unavailable' });
    assert.ok(blocks.blockAt(40) !== undefined, 'blocks below the state window stay');

    // Its chain is younger than the replay window and its first blocks are gone: no offer.
    const peers = new TestPeers(createTestLog());
    peers.add('pruned', { store, chain });
    const offer = await peers.requests.request(
      'pruned',
      { type: 'snapshot-offer-request' },
      'snapshot-offer',
      1000,
    );
    assert.deepEqual(offer, { type: 'snapshot-offer', offer: null });
  });
});

describe('the stateSync setting', () => {
  const doc = (extra: Record<string, unknown>) => ({
    version: 1,
    nodeId: 'n1',
    genesis: 'genesis.json',
    dataDir: 'data',
    keyFile: 'key.json',
    tls: { certFile: 'tls.crt', keyFile: 'tls.key' },
    p2p: { host: '127.0.0.1', port: 1 },
    api: { host: '127.0.0.1', port: 2 },
    ...extra,
  });

  it('is off unless enabled', () => {
    assert.deepEqual(parseConfig(doc({}), '/n', 'file').stateSync, { enabled: false });
    const on = parseConfig(doc({ stateSync: { enabled: true } }), '/n', 'file');
    assert.deepEqual(on.stateSync, { enabled: true });
  });

  it('error: stateSync.enabled is not a boolean', () => {
    assert.throws(() => parseConfig(doc({ stateSync: { enabled: 'yes' } }), '/n', 'file'), {
      code: 'config_invalid',
      message: 'config stateSync.enabled (file): expected true or false',
    });
    assert.throws(() => parseConfig(doc({ stateSync: true }), '/n', 'file'), {
      message: 'config stateSync (file): expected an object',
    });
  });
});
