// Disk trouble on a real four-validator network: one validator's data folder on a small tmpfs, load
// running, a filler file takes the free space down into the node's reserve. The node must stop by itself with exit code 75 and
// one fatal `disk full` line, the other three must go on finalising, and once the filler is gone the
// node must restart from the same folder and catch up; then the checker finds every final
// transaction on every node, no fork, and every currency's supply conserved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { metric } from '../e2e/harness.ts';
import { Prng } from '../sim/lib/prng.ts';
import { tmpfsUnavailable } from '../storage/tmpfs.ts';
import {
  type DiskFullStop,
  DiskTrouble,
  exitCodeDiskFull,
  reserveBytes,
  tmpfsBytesDefault,
} from './disk-full.ts';
import { FaultNetwork } from './fault-network.ts';

const seed = 20261207;
const victim = 3;
const skip = tmpfsUnavailable();
if (skip !== undefined) console.error(`skipping the disk-full network test: ${skip}`);

describe('a validator whose disk fills', { skip, timeout: 600_000 }, () => {
  let fnet: FaultNetwork | undefined;
  let trouble: DiskTrouble | undefined;
  let stop: DiskFullStop | undefined;
  const prng = new Prng(seed);

  before(async () => {
    fnet = await FaultNetwork.start({
      validators: 4,
      accounts: 8,
      ratePerSec: 20,
      withProxy: false,
      runId: seed,
      txGets: 50,
      prng: prng.fork(),
    });
    trouble = await DiskTrouble.mount(fnet, victim);
  });

  after(async () => {
    await fnet?.stopLoad();
    await fnet?.net.kill(victim);
    trouble?.close();
    await fnet?.close();
  });

  it('reports its disk in /metrics: free bytes above the reserve, the reserve, the data file', async () => {
    const url = fnet!.urls[victim]!;
    assert.equal(await metric(url, 'tally_storage_reserve_bytes'), reserveBytes);
    const free = await metric(url, 'tally_storage_free_bytes');
    assert.ok(free > reserveBytes && free <= tmpfsBytesDefault, `free ${free}`);
    assert.ok((await metric(url, 'tally_storage_data_bytes')) > 0);
  });

  it('stops with exit code 75 and one disk-full line; the other three go on', async () => {
    fnet!.startLoad();
    stop = await trouble!.fillUntilStopped();
    // On any other ending (a signal, another code), the node's last words say why.
    const tail = fnet!.net.logOf(victim).split('\n').slice(-90).join('\n');
    assert.equal(stop.exit, String(exitCodeDiskFull), `node ${victim}'s log ends:\n${tail}`);
    assert.equal(stop.fatalLines.length, 1, JSON.stringify(stop.fatalLines));
    const line = stop.fatalLines[0]!;
    assert.equal(line.code, 'disk_full');
    assert.equal(line.exitCode, exitCodeDiskFull);
    assert.equal(line.reserveBytes, reserveBytes, 'the reserve refused the write, not LMDB');
    assert.ok(
      String(line.msg).startsWith(`disk full: ${stop.dataDir}: free space needed`),
      String(line.msg),
    );
    assert.ok(stop.othersHeightAfter > stop.othersHeightAtStop, 'the others kept finalising');
  });

  it('resumes from the same folder once space returns, and catches up', async () => {
    assert.ok(stop !== undefined, 'the node stopped first');
    const resumed = await trouble!.resume();
    assert.ok(resumed.height >= resumed.othersHeight);
  });

  it('finds every final transaction on every node, no fork, money conserved', async () => {
    const violations = await fnet!.check(true);
    assert.deepEqual(violations, []);
    const { totals } = fnet!.checker;
    assert.ok(fnet!.load.acknowledged.final.size > 0, 'the load made transactions final');
    assert.equal(totals.txsFound, fnet!.load.acknowledged.final.size);
    assert.equal(totals.forks, 0);
  });
});
