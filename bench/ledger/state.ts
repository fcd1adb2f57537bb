// The authenticated state tree at 10k and 1M keys: key updates per second in blocks of 3,000 (a
// block of 1,000 transfers touches about 3,000 keys) committed durably to LMDB, proof creation and
// verification times, and bytes on disk per key. Targets: proofs < 100 us, verification < 200 us,
// updates >= 60,000/s (the tree's share of 20,000 transfers/s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openStateTree,
  type StateChange,
  type StateProof,
  type StateTree,
  stateTableNames,
  verifyStateProof,
} from '../../src/ledger/state/index.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { medianMicros, type Report } from '../lib/report.ts';
import { commitPipelined } from '../lib/tree-pipeline.ts';

const blockUpdates = 3000;
const buildBlockKeys = 100_000;
const proofSamples = 2000;
const sizes = [
  { keys: 10_000, label: '10k', measuredBlocks: 30 },
  { keys: 1_000_000, label: '1M', measuredBlocks: 15 },
];

const keyOf = (i: number) => utf8(`bank/account/${i}`);
/** A balance record's size: ids, currency, four bigint counters. */
const balanceRecord = (i: number, version: number) => utf8(`${version}:${i}:`.padEnd(48, 'x'));

/** A deterministic PRNG (xorshift32): the same keys are touched on every run. */
function createRandom(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % below;
  };
}

async function build(tree: StateTree, keys: number): Promise<number> {
  let height = 0;
  for (let start = 0; start < keys; start += buildBlockKeys) {
    const changes: StateChange[] = [];
    for (let i = start; i < Math.min(keys, start + buildBlockKeys); i++)
      changes.push({ key: keyOf(i), value: balanceRecord(i, 0) });
    await tree.applyBlock(height, changes);
    await tree.prune(height);
    height++;
  }
  return height - 1;
}

function stateBytes(store: Store): number {
  return Object.values(stateTableNames).reduce(
    (sum, name) => sum + store.db(name).stats().bytes,
    0,
  );
}

async function benchSize(
  report: Report,
  keys: number,
  label: string,
  measuredBlocks: number,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-state-'));
  const store = openStore({ path: dir });
  try {
    const tree = openStateTree(store);
    const buildStarted = performance.now();
    let height = await build(tree, keys);
    report(
      `state tree: build ${label} keys (blocks of ${buildBlockKeys / 1000}k, durable)`,
      (performance.now() - buildStarted) / 1000,
      's',
    );
    report(`state tree: bytes on disk per key, ${label} keys`, stateBytes(store) / keys, 'B');

    const random = createRandom(keys);
    const blocks = Array.from({ length: measuredBlocks + 2 }, (_, b) =>
      Array.from({ length: blockUpdates }, (_, j) => {
        const i = random(keys);
        return { key: keyOf(i), value: balanceRecord(i, b * blockUpdates + j + 1) };
      }),
    );
    for (const changes of blocks.slice(0, 2)) await tree.applyBlock(++height, changes); // warm-up
    let started = performance.now();
    for (const changes of blocks.slice(2)) await tree.applyBlock(++height, changes);
    let seconds = (performance.now() - started) / 1000;
    report(
      `state tree: key updates/s, ${label} keys, blocks of ${blockUpdates} (durable, one at a time)`,
      (measuredBlocks * blockUpdates) / seconds,
      'updates/s',
    );

    // As the node commits: the next block is computed while the previous one is being written.
    started = performance.now();
    height = await commitPipelined(store, tree, height, blocks.slice(2));
    seconds = (performance.now() - started) / 1000;
    report(
      `state tree: key updates/s, ${label} keys, blocks of ${blockUpdates} (durable, pipelined)`,
      (measuredBlocks * blockUpdates) / seconds,
      'updates/s',
    );

    let next = 0;
    const probe = createRandom(7);
    report(
      `state tree: prove, ${label} keys (median)`,
      medianMicros(() => tree.prove(keyOf(probe(keys))), proofSamples),
      'us',
    );
    const root = tree.root();
    const proven: { key: Uint8Array; value: Uint8Array | null; proof: StateProof }[] = [];
    for (let j = 0; j < 256; j++) {
      const key = keyOf(probe(keys));
      proven.push({ key, value: tree.get(key), proof: tree.prove(key) });
    }
    const verify = () => {
      const item = proven[next++ % proven.length]!;
      if (!verifyStateProof(root, item.key, item.value, item.proof))
        throw new Error('bench: a proof failed');
    };
    report(
      `state tree: verify (@noble/hashes), ${label} keys (median)`,
      medianMicros(verify, proofSamples),
      'us',
    );
    await tree.prune(height);
    report(
      `state tree: bytes on disk per key after updates and prune, ${label} keys`,
      stateBytes(store) / keys,
      'B',
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchState(report: Report): Promise<void> {
  for (const { keys, label, measuredBlocks } of sizes)
    await benchSize(report, keys, label, measuredBlocks);
}
