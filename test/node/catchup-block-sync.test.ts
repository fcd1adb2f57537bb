// Block sync on real stores and real QCs (LocalChain): a node far behind fetches blocks from a peer's
// block store, executes them through the commit pipeline and restarts consensus from the new tip; a
// peer that forges a QC, breaks the chain or stays silent is skipped for another; garbage on the sync
// channel is logged and dropped.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { hashHeader } from '../../src/ledger/block.ts';
import { BlockSync, type CertifiedTip } from '../../src/node/catchup/block-sync.ts';
import { Catchup } from '../../src/node/catchup/index.ts';
import { SnapshotPins } from '../../src/node/catchup/pins.ts';
import {
  SyncServer,
  serveDeferredPerPeerMax,
  serveRequestsPerPeerPerSecondMax,
} from '../../src/node/catchup/server.ts';
import { CommitPipeline } from '../../src/node/commits.ts';
import { decodeSyncMessage, encodeSyncMessage } from '../../src/node/sync/messages.ts';
import { chainId, openChain, tempDir } from '../execution/ledger-helpers.ts';
import { createTestLog, type Tamper, TestPeers } from './catchup-peers.ts';
import { buildChain, verify } from './sync-helpers.ts';

const sourceHeights = 150;
let source: Awaited<ReturnType<typeof buildChain>>;
const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];

before(async () => {
  source = await buildChain(sourceHeights);
  dirs.push(source.path);
});

after(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await source.store.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A node holding only the genesis block (the same one as the source's), with its pipeline. */
async function freshNode() {
  const path = tempDir();
  dirs.push(path);
  const { store, chain } = openChain(path);
  closers.push(() => store.close());
  await chain.commitBlock([]);
  assert.deepEqual(
    hashHeader(chain.executor.blocks.blockAt(0)!.header),
    hashHeader(source.chain.executor.blocks.blockAt(0)!.header),
    'the same genesis',
  );
  const fatal: unknown[] = [];
  const commits = new CommitPipeline({
    executor: chain.executor,
    decoded: () => undefined,
    onFatal: (error) => fatal.push(error),
  });
  return { store, chain, commits, fatal };
}

function createSync(
  node: Awaited<ReturnType<typeof freshNode>>,
  peers: TestPeers,
  log = createTestLog(),
) {
  const rebased: CertifiedTip[] = [];
  const sync = new BlockSync(
    { trust: source.trust, thresholdBlocks: 8, doneBlocks: 0, requestTimeoutMs: 200 },
    {
      blocks: node.chain.executor.blocks,
      commits: node.commits,
      requests: peers.requests,
      bestPeer: peers.bestPeer,
      forgetPeer: peers.forgetPeer,
      consensusHeight: () => rebased.at(-1)?.block.header.height ?? 0,
      rebase: async (tip) => {
        rebased.push(tip);
      },
      now: Date.now,
      log,
    },
  );
  return { sync, rebased, log };
}

function assertSameChain(node: Awaited<ReturnType<typeof freshNode>>, upTo: number): void {
  for (let h = 1; h <= upTo; h++) {
    const mine = node.chain.executor.blocks.blockAt(h);
    assert.ok(mine !== undefined, `block ${h} held`);
    assert.deepEqual(
      hashHeader(mine.header),
      hashHeader(source.chain.executor.blocks.blockAt(h)!.header),
    );
    assert.deepEqual(node.chain.executor.state.root(h), source.chain.executor.state.root(h));
  }
}

async function eventuallyTrue(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

const forgeQc: Tamper = (answer) => {
  if (answer.type !== 'blocks-response' || answer.blocks.length < 3) return answer;
  const blocks = answer.blocks.slice();
  const { block, qc } = blocks[2]!;
  const signature = qc.signatures[0]!.slice();
  signature[7]! ^= 1;
  blocks[2] = { block, qc: { ...qc, signatures: [signature] } };
  return { ...answer, blocks };
};

describe('block sync', () => {
  it('catches up from a peer and restarts consensus from the synced tip', async () => {
    const node = await freshNode();
    const peers = new TestPeers(createTestLog());
    peers.add('good', source);
    const { sync, rebased } = createSync(node, peers);
    await sync.check();
    const tip = sourceHeights - 1;
    assert.equal(node.chain.executor.height, tip);
    assertSameChain(node, tip);
    assert.equal(rebased.length, 1);
    assert.equal(rebased[0]!.block.header.height, tip);
    assert.deepEqual(rebased[0]!.qc.blockHash, hashHeader(rebased[0]!.block.header));
    assert.equal(sync.syncing, false);
    assert.deepEqual(node.fatal, []);
    await sync.close();
  });

  it('skips a peer that forges a QC and syncs from another', async () => {
    const node = await freshNode();
    const log = createTestLog();
    const peers = new TestPeers(log);
    peers.add('good', source);
    peers.add('forger', source, forgeQc);
    peers.heights.set('forger', sourceHeights + 10); // the forger claims the highest height
    const { sync, rebased } = createSync(node, peers, log);
    await sync.check();
    assert.equal(peers.asked[0], 'forger');
    assert.ok(
      log.lines.some((l) => l.startsWith('fetched blocks refused') && l.includes('qc_invalid')),
    );
    assert.equal(node.chain.executor.height, sourceHeights - 1);
    assertSameChain(node, sourceHeights - 1);
    assert.equal(rebased.length, 1);
    await sync.close();
  });

  it('skips a silent peer and one whose blocks do not chain', async () => {
    const node = await freshNode();
    const log = createTestLog();
    const peers = new TestPeers(log);
    const breakLink: Tamper = (answer) =>
      answer.type === 'blocks-response'
        ? { ...answer, blocks: [...answer.blocks.slice(0, 5), ...answer.blocks.slice(6)] }
        : answer;
    peers.add('silent', source, () => undefined);
    peers.add('gappy', source, breakLink);
    peers.add('good', source);
    peers.heights.set('silent', sourceHeights + 20);
    peers.heights.set('gappy', sourceHeights + 10);
    const { sync } = createSync(node, peers, log);
    await sync.check();
    assert.deepEqual(peers.asked.slice(0, 2), ['silent', 'gappy']);
    assert.ok(log.lines.some((l) => l.startsWith('no blocks from peer')));
    assert.ok(log.lines.some((l) => l.includes('not_consecutive')));
    assertSameChain(node, sourceHeights - 1);
    await sync.close();
  });

  it('stays out of the way within the threshold', async () => {
    const node = await freshNode();
    const peers = new TestPeers(createTestLog());
    peers.add('good', source);
    peers.heights.set('good', 8);
    const { sync, rebased } = createSync(node, peers);
    await sync.check();
    assert.equal(sync.syncing, false);
    assert.deepEqual(peers.asked, []);
    assert.equal(rebased.length, 0);
    assert.equal(node.chain.executor.height, 0);
    await sync.close();
  });
});

describe('the catch-up component', () => {
  function createCatchup(sent: { nodeId: string; body: Uint8Array }[], log = createTestLog()) {
    const commits = new CommitPipeline({
      executor: source.chain.executor,
      decoded: () => undefined,
      onFatal: (error) => assert.fail(String(error)),
    });
    const catchup = new Catchup(
      { chainId, validators: source.chain.validatorSet, verify, pruneKeepBlocks: 0 },
      {
        store: source.store,
        executor: source.chain.executor,
        commits,
        send: (nodeId, body) => sent.push({ nodeId, body }) > 0,
        bestPeer: () => undefined,
        forgetPeer: () => {},
        consensusHeight: () => sourceHeights - 1,
        rebase: async () => {},
        registry: new Registry(),
        log,
      },
    );
    closers.push(() => catchup.close());
    return catchup;
  }

  it('serves a blocks request and drops garbage without throwing', () => {
    const sent: { nodeId: string; body: Uint8Array }[] = [];
    const log = createTestLog();
    const catchup = createCatchup(sent, log);
    catchup.onSync('peer-a', new Uint8Array([0xff, 0x00, 0x13]));
    catchup.onSync('peer-a', encodeSyncMessage({ type: 'tx-ids', blocks: [] })); // unasked answer
    assert.ok(log.lines.some((l) => l.startsWith('malformed sync message')));
    assert.equal(sent.length, 0);
    catchup.onSync(
      'peer-b',
      encodeSyncMessage({ type: 'blocks-request', fromHeight: 10, toHeight: 19 }),
    );
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.nodeId, 'peer-b');
    const answer = decodeSyncMessage(sent[0]!.body);
    assert.equal(answer.type, 'blocks-response');
    if (answer.type === 'blocks-response') {
      assert.deepEqual(
        answer.blocks.map((b) => b.block.header.height),
        [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      );
    }
  });

  it('answers a peer over its budget in the next second, and drops what overflows', async () => {
    const sent: string[] = [];
    let nowMs = 5000; // the start of a second: the whole burst falls in it
    const server = new SyncServer({
      store: source.store,
      blocks: source.chain.executor.blocks,
      state: source.chain.executor.state,
      pins: new SnapshotPins({ now: () => nowMs }),
      send: (nodeId) => sent.push(nodeId) > 0,
      now: () => nowMs,
      log: createTestLog(),
    });
    closers.push(async () => server.close());
    const ask = { type: 'blocks-request', fromHeight: 1, toHeight: 1 } as const;
    const asked = serveRequestsPerPeerPerSecondMax + serveDeferredPerPeerMax + 5;
    for (let i = 0; i < asked; i++) server.handle('greedy', ask);
    server.handle('modest', ask);
    assert.equal(sent.length, serveRequestsPerPeerPerSecondMax + 1, 'the budget holds');
    assert.equal(sent.at(-1), 'modest', 'another peer has its own budget');
    nowMs = 6000;
    const served = serveRequestsPerPeerPerSecondMax + serveDeferredPerPeerMax + 1;
    await eventuallyTrue(() => sent.length === served);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(sent.length, served, 'the overflow is dropped');
  });
});
