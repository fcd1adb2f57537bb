// The node's side of a full disk, part by part: the consensus log holds a failed save until the
// driver is closed (so nothing unpersisted is signed, and the failure is never left unhandled), and
// the fatal stop logs one line, closes, then exits with the code that says why.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PersistRecord } from '../../src/consensus/index.ts';
import { merkleRoot } from '../../src/crypto/merkle.ts';
import { type Block, type BlockHeader, hashHeader } from '../../src/ledger/block.ts';
import {
  exitCodeBug,
  exitCodeDiskFull,
  exitCodeStorageFailed,
  FatalStop,
} from '../../src/node/fatal.ts';
import { ConsensusLog } from '../../src/node/wal.ts';
import { openStore } from '../../src/storage/index.ts';
import { TallyError } from '../../src/util/errors.ts';
import { genesisHeader, quorumCertificate, transferTx } from '../ledger/fixtures.ts';
import { fill, mountTmpfs, type Tmpfs, tmpfsUnavailable } from '../storage/tmpfs.ts';

const skip = tmpfsUnavailable();
if (skip !== undefined) console.error(`skipping the consensus-log disk-full test: ${skip}`);
/** Far more blocks than fit: the loop ends at the failure, this only bounds a broken run. */
const blocksMax = 5000;

/** A child of `parent` certified by three of the four fixture validators, carrying a few transfers. */
function child(parent: BlockHeader): Block {
  const height = parent.height + 1;
  const txs = Array.from({ length: 8 }, (_, i) => transferTx('ed25519', BigInt(height * 10 + i)));
  const parentHash = hashHeader(parent);
  const header: BlockHeader = {
    ...parent,
    height,
    round: height,
    parentHash,
    timeMs: parent.timeMs + 1000,
    proposer: height % 4,
    txRoot: merkleRoot(txs.map((t) => t.id)),
    txCount: txs.length,
    justify: quorumCertificate(1, parent.round, parent.height, parentHash, [0, 1, 2]),
  };
  return { header, txs: txs.map((t) => t.bytes) };
}

/** Block records, each a new key, so the log must grow (a safety record rewrites one key). */
function* blockRecords(): Generator<PersistRecord> {
  let parent = genesisHeader();
  for (;;) {
    const block = child(parent);
    parent = block.header;
    yield { kind: 'block', block };
  }
}

describe('consensus log on a full disk', { skip }, () => {
  let tmpfs: Tmpfs;
  before(() => {
    tmpfs = mountTmpfs(2 * 1024 * 1024);
  });
  after(() => tmpfs?.close());

  it('holds a failed save until the driver is closed, then rejects it with disk_full', async () => {
    let failed: (error: TallyError) => void = () => {};
    const reported = new Promise<TallyError>((resolve) => {
      failed = resolve;
    });
    // The store's free-space reserve meets the full disk, as on a node: a save fails before LMDB
    // writes a page.
    const store = openStore({
      path: join(tmpfs.path, 'ledger'),
      reserveBytes: 512 * 1024,
      onWriteFailed: failed,
    });
    let release: () => void = () => {};
    const driverClosed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const log = new ConsensusLog(store, { driverClosed });
    const records = blockRecords();
    await log.save([records.next().value!]);
    fill(join(tmpfs.path, 'filler'), 256 * 1024);

    let saved = 1;
    let held: Promise<void> | undefined;
    while (held === undefined && saved < blocksMax) {
      const save = log.save([records.next().value!]);
      const outcome = await Promise.race([save.then(() => 'saved'), reported.then(() => 'failed')]);
      if (outcome === 'saved') saved++;
      else held = save;
    }
    assert.ok(held !== undefined, 'a save failed once the disk was full');
    const failure = await reported;
    assert.equal(failure.code, 'disk_full');
    let settled = false;
    void held.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'the failed save waits for the driver to close');
    release();
    await assert.rejects(held, (error) => error === failure);
    assert.equal(log.load().length, saved, 'every save that resolved is in the log');
    await store.close();
  });
});

type Line = { level: 'fatal' | 'warn'; fields: Record<string, unknown>; message: string };

function recorder() {
  const lines: Line[] = [];
  const events: string[] = [];
  const deps = {
    log: {
      fatal: (fields: Record<string, unknown>, message: string) =>
        lines.push({ level: 'fatal', fields, message }),
      warn: (fields: Record<string, unknown>, message: string) =>
        lines.push({ level: 'warn', fields, message }),
    },
    dataDir: '/srv/tally/nodes/a/data',
    close: async () => {
      events.push('close');
    },
    exit: (code: number) => {
      events.push(`exit ${code}`);
    },
  };
  return { lines, events, deps };
}

describe('fatal stop', () => {
  const diskFull = new TallyError('disk_full', 'disk full: /srv/tally/nodes/a/data/ledger: ...', {
    details: { path: '/srv/tally/nodes/a/data/ledger', errno: 'ENOSPC', freeBytes: 0 },
  });

  it('logs one disk-full line, closes, then exits 75; later failures change nothing', async () => {
    const { lines, events, deps } = recorder();
    const fatal = new FatalStop(deps);
    const first = fatal.stop(diskFull);
    const second = fatal.stop(new Error('the same failure, seen by another writer'));
    assert.equal(first, second);
    await first;
    assert.deepEqual(events, ['close', `exit ${exitCodeDiskFull}`]);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.level, 'fatal');
    assert.equal(
      lines[0]!.message,
      'disk full: /srv/tally/nodes/a/data: free space needed; the node stopped without losing committed data and resumes from this folder when restarted with space free',
    );
    assert.equal(lines[0]!.fields.code, 'disk_full');
    assert.equal(lines[0]!.fields.errno, 'ENOSPC');
    assert.equal(lines[0]!.fields.exitCode, 75);
  });

  it('a failure caused by a full disk (a part refusing after the failed write) exits 75 too', async () => {
    const { lines, events, deps } = recorder();
    const refusal = new Error('state tree: the batch of height 10 failed; reopen the tree', {
      cause: diskFull,
    });
    await new FatalStop(deps).stop(refusal, 'a consensus step failed');
    assert.deepEqual(events, ['close', `exit ${exitCodeDiskFull}`]);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.fields.code, 'disk_full');
    assert.match(lines[0]!.message, /^disk full: \/srv\/tally\/nodes\/a\/data: free space needed/);
  });

  it('exits 74 for another storage failure and 70 for a bug', async () => {
    const storage = recorder();
    await new FatalStop(storage.deps).stop(
      new TallyError('storage_write_failed', 'storage write failed: x: Input/output error'),
    );
    assert.deepEqual(storage.events, ['close', `exit ${exitCodeStorageFailed}`]);
    assert.match(
      storage.lines[0]!.message,
      /^storage write failed: \/srv\/tally\/nodes\/a\/data: /,
    );

    const bug = recorder();
    await new FatalStop(bug.deps).stop(new Error('boom'), 'executing a committed block failed');
    assert.deepEqual(bug.events, ['close', `exit ${exitCodeBug}`]);
    assert.equal(bug.lines[0]!.message, 'executing a committed block failed; stopping');
  });
});
