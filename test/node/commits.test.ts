// The commit pipeline on real stores and real blocks (LocalChain): a block executes while the one
// before it is still being written, yet listeners hear of each block once it is on record, in
// height order; a height queued twice runs once; a failed write stops the node once.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Block } from '../../src/ledger/block.ts';
import type { QuorumCertificate } from '../../src/ledger/certificate.ts';
import { CommitPipeline } from '../../src/node/commits.ts';
import { toHex } from '../../src/util/bytes.ts';
import { openChain, tempDir, workload } from '../execution/ledger-helpers.ts';

const dirs: string[] = [];
/** Blocks of transfers certified by the source chain, after its setup blocks. */
let source: { blocks: { block: Block; qc: QuorumCertificate }[]; setupHeight: number };
let sourceRoot: string;

before(async () => {
  const path = tempDir();
  dirs.push(path);
  const { store, chain } = openChain(path);
  const w = workload(12);
  for (const txs of w.setupBlocks(40)) await chain.commitBlock(txs);
  const setupHeight = chain.height!;
  for (let i = 0; i < 6; i++) await chain.commitBlock(w.transfers(150));
  const { blocks } = chain.executor;
  source = {
    setupHeight,
    blocks: Array.from({ length: chain.height! + 1 }, (_, h) => ({
      block: blocks.blockAt(h)!,
      qc: blocks.certificateAt(h)!,
    })),
  };
  sourceRoot = toHex(chain.executor.state.root());
  await store.close();
});

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A node that has executed the source's setup blocks, with its pipeline and what it heard. */
async function setUpNode() {
  const path = tempDir();
  dirs.push(path);
  const { store, chain } = openChain(path);
  const fatal: unknown[] = [];
  const commits = new CommitPipeline({
    executor: chain.executor,
    decoded: () => undefined,
    onFatal: (error) => fatal.push(error),
  });
  for (const { block, qc } of source.blocks.slice(0, source.setupHeight + 1))
    await commits.enqueue(block, qc);
  // What happened, in order: a block's execution starting, and a listener hearing of it.
  const events: string[] = [];
  const commitInSlices = chain.executor.commitInSlices.bind(chain.executor);
  chain.executor.commitInSlices = (block, ...rest) => {
    events.push(`execute ${block.header.height}`);
    return commitInSlices(block, ...rest);
  };
  const onRecord: boolean[] = [];
  commits.onExecuted((committed) => {
    events.push(`reported ${committed.height}`);
    onRecord.push((chain.executor.blocks.executed()?.height ?? -1) >= committed.height);
  });
  return { store, chain, commits, fatal, events, onRecord };
}

describe('commit pipeline', () => {
  it('executes a block while the one before is written, and reports each in order once on record', async () => {
    const node = await setUpNode();
    const rest = source.blocks.slice(source.setupHeight + 1);
    await Promise.all(rest.map(({ block, qc }) => node.commits.enqueue(block, qc)));
    assert.deepEqual(node.fatal, []);
    const heights = rest.map(({ block }) => block.header.height);
    assert.deepEqual(
      node.events.filter((e) => e.startsWith('reported')),
      heights.map((h) => `reported ${h}`),
    );
    assert.ok(node.onRecord.every(Boolean), 'each block was on record when reported');
    const second = node.events.indexOf(`execute ${heights[1]}`);
    const firstReported = node.events.indexOf(`reported ${heights[0]}`);
    assert.ok(second < firstReported, `overlapped: ${node.events.join(', ')}`);
    assert.equal(toHex(node.chain.executor.state.root()), sourceRoot);
    assert.equal(node.commits.height, heights.at(-1));
    await node.store.close();
  });

  it('waiting for the backlog counts from the last block reported, not the last one written', async () => {
    const node = await setUpNode();
    const rest = source.blocks.slice(source.setupHeight + 1);
    const waits: Promise<boolean>[] = [];
    node.commits.onExecuted(() => {
      // Reported while later blocks are already on record: the wait is for all but one of the rest.
      if (waits.length === 0) waits.push(node.commits.waitBacklog(1, 30_000));
    });
    await Promise.all(rest.map(({ block, qc }) => node.commits.enqueue(block, qc)));
    assert.deepEqual(await Promise.all(waits), [true]);
    assert.deepEqual(node.fatal, []);
    await node.store.close();
  });

  it('a height queued again while it is being written runs once', async () => {
    const node = await setUpNode();
    const [first, second] = source.blocks.slice(source.setupHeight + 1);
    const queued = [first!, first!, second!, first!, second!];
    await Promise.all(queued.map(({ block, qc }) => node.commits.enqueue(block, qc)));
    assert.deepEqual(node.fatal, []);
    const h = first!.block.header.height;
    assert.deepEqual(node.events, [
      `execute ${h}`,
      `execute ${h + 1}`,
      `reported ${h}`,
      `reported ${h + 1}`,
    ]);
    assert.equal(node.commits.queued, 0);
    await node.store.close();
  });

  it('error: a block that fails stops the node once, and nothing after it is reported', async () => {
    const node = await setUpNode();
    const rest = source.blocks.slice(source.setupHeight + 1);
    const h = rest[0]!.block.header.height;
    // The second block skips a height: the executor refuses it.
    const queued = [rest[0]!, rest[2]!, rest[3]!];
    await Promise.all(queued.map(({ block, qc }) => node.commits.enqueue(block, qc)));
    assert.equal(node.fatal.length, 1);
    assert.match(String(node.fatal[0]), new RegExp(`block ${h + 2}, expected ${h + 1}`));
    assert.deepEqual(
      node.events.filter((e) => e.startsWith('reported')),
      [`reported ${h}`],
    );
    assert.equal(node.commits.height, h);
    await node.store.close();
  });
});
