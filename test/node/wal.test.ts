// The consensus log on a real LMDB store: safety and block records round-trip, load replays blocks
// by height then the safety record, commit records are left to the block store, compaction drops
// what is at or below the committed height, and everything survives a close and reopen.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { PersistRecord } from '../../src/consensus/index.ts';
import { merkleRoot } from '../../src/crypto/merkle.ts';
import { type Block, type BlockHeader, hashHeader } from '../../src/ledger/block.ts';
import { ConsensusLog } from '../../src/node/wal.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import {
  genesisHeader,
  quorumCertificate,
  timeoutCertificate,
  transferTx,
  validatorSet,
} from '../ledger/fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'tally-wal-'));
let path: string;
let store: Store;
let log: ConsensusLog;
let dirs = 0;

beforeEach(() => {
  path = join(root, `store-${++dirs}`);
  store = openStore({ path });
  log = new ConsensusLog(store);
});

afterEach(async () => {
  await store.close();
});

after(() => rmSync(root, { recursive: true, force: true }));

/** A child of `parent` in `round`, certified by a QC of three of the four fixture validators. */
function child(parent: BlockHeader, round: number, txCount = 0): Block {
  const txs = Array.from({ length: txCount }, (_, i) =>
    transferTx('ed25519', BigInt(round * 100 + i)),
  );
  const parentHash = hashHeader(parent);
  const header: BlockHeader = {
    ...parent,
    height: parent.height + 1,
    round,
    parentHash,
    timeMs: parent.timeMs + 1000,
    proposer: round % 4,
    txRoot: merkleRoot(txs.map((t) => t.id)),
    txCount,
    justify: quorumCertificate(1, parent.round, parent.height, parentHash, [0, 1, 2]),
  };
  return { header, txs: txs.map((t) => t.bytes) };
}

/** Blocks at heights 1..n, block h in round h, every other one carrying transactions. */
function chain(n: number): Block[] {
  const blocks: Block[] = [];
  let parent = genesisHeader();
  for (let h = 1; h <= n; h++) {
    const block = child(parent, h, h % 2);
    blocks.push(block);
    parent = block.header;
  }
  return blocks;
}

function safety(lastVotedRound: number, withTc: boolean): PersistRecord {
  const lock = chain(2)[1]!;
  return {
    kind: 'safety',
    epoch: 1,
    lastVotedRound,
    highQc: quorumCertificate(1, 2, 2, hashHeader(lock.header), [0, 1, 3]),
    highTc: withTc
      ? timeoutCertificate(1, lastVotedRound, [
          [0, 2],
          [1, 2],
          [3, 1],
        ])
      : null,
  };
}

/** A readable outline of records: `block@height:hash` or `safety@lastVotedRound`. */
function outline(records: readonly PersistRecord[]): string[] {
  return records.map((r) =>
    r.kind === 'safety'
      ? `safety@${r.lastVotedRound}`
      : `${r.kind}@${r.block.header.height}:${toHex(hashHeader(r.block.header)).slice(0, 8)}`,
  );
}

function blockRecord(block: Block): PersistRecord {
  return { kind: 'block', block };
}

describe('ConsensusLog', () => {
  it('loads nothing from an empty store', () => {
    assert.deepEqual(log.load(), []);
  });

  it('round-trips safety and block records', async () => {
    const blocks = chain(3);
    const s = safety(5, true);
    await log.save([s, ...blocks.map(blockRecord)]);
    const loaded = log.load();
    assert.deepEqual(outline(loaded), [...outline(blocks.map(blockRecord)), 'safety@5']);
    loaded.slice(0, 3).forEach((r, i) => {
      assert.equal(r.kind, 'block');
      if (r.kind !== 'block') return;
      assert.deepEqual(hashHeader(r.block.header), hashHeader(blocks[i]!.header));
      assert.deepEqual(
        r.block.txs.map((t) => toHex(t)),
        blocks[i]!.txs.map((t) => toHex(t)),
      );
    });
    const back = loaded[3]!;
    assert.equal(back.kind, 'safety');
    if (back.kind !== 'safety' || s.kind !== 'safety') return;
    assert.deepEqual(
      { ...back, highQc: { ...back.highQc }, highTc: { ...back.highTc! } },
      { ...s, highQc: { ...s.highQc }, highTc: { ...s.highTc! } },
    );
  });

  it('round-trips a safety record without a timeout certificate', async () => {
    await log.save([safety(2, false)]);
    const [only] = log.load();
    assert.equal(only?.kind, 'safety');
    if (only?.kind !== 'safety') return;
    assert.equal(only.highTc, null);
    assert.equal(only.lastVotedRound, 2);
    assert.equal(only.highQc.round, 2);
  });

  it('keeps only the latest safety record', async () => {
    await log.save([safety(3, false)]);
    await log.save([safety(4, true)]);
    await log.save([safety(6, false)]);
    assert.deepEqual(outline(log.load()), ['safety@6']);
  });

  it('loads blocks by height, whatever order they were saved in, then the safety record', async () => {
    const blocks = chain(4);
    // A second block at height 2 (a later round, same parent): both stay until compaction.
    const fork = child(blocks[0]!.header, 3, 1);
    await log.save([safety(4, false), blockRecord(blocks[3]!)]);
    await log.save([blockRecord(blocks[1]!), blockRecord(fork)]);
    await log.save([blockRecord(blocks[2]!), blockRecord(blocks[0]!)]);
    const heights = log.load().map((r) => (r.kind === 'safety' ? 'safety' : r.block.header.height));
    assert.deepEqual(heights, [1, 2, 2, 3, 4, 'safety']);
  });

  it('saves the same block twice as one record', async () => {
    const [block] = chain(1);
    await log.save([blockRecord(block!)]);
    await log.save([blockRecord(block!)]);
    assert.equal(log.load().length, 1);
  });

  it('does not store commit records', async () => {
    const [b1, b2] = chain(2);
    const commit: PersistRecord = {
      kind: 'commit',
      block: b1!,
      qc: b2!.header.justify,
      validators: validatorSet(),
      witness: null,
    };
    await log.save([commit]);
    assert.deepEqual(log.load(), []);
    await log.save([commit, blockRecord(b2!)]);
    assert.deepEqual(outline(log.load()), outline([blockRecord(b2!)]));
  });

  it('compaction drops block records at or below the committed height', async () => {
    const blocks = chain(5);
    const fork = child(blocks[1]!.header, 4);
    await log.save([...blocks.map(blockRecord), blockRecord(fork), safety(5, false)]);
    assert.equal(await log.compact(0), 0);
    assert.equal(await log.compact(3), 4);
    assert.deepEqual(outline(log.load()), [
      ...outline([blockRecord(blocks[3]!), blockRecord(blocks[4]!)]),
      'safety@5',
    ]);
    assert.equal(await log.compact(3), 0);
    assert.equal(await log.compact(10), 2);
    assert.deepEqual(outline(log.load()), ['safety@5']);
  });

  it('records survive close and reopen', async () => {
    const blocks = chain(3);
    await log.save([...blocks.map(blockRecord), safety(7, true)]);
    await log.compact(1);
    const before = outline(log.load());
    await store.close();
    store = openStore({ path });
    log = new ConsensusLog(store);
    assert.deepEqual(outline(log.load()), before);
    assert.equal(before.length, 3);
  });
});
