// The fault suite's short run in `npm test`: a four-validator network under load, three kill -9
// iterations and one partition cycle, then the checker on every node. The long run is test:faults.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Prng } from '../sim/lib/prng.ts';
import { runCrashes } from './crashes.ts';
import { FaultNetwork } from './fault-network.ts';
import { runPartitions } from './partitions.ts';

// A fixed seed: a failure here replays the same victims, moments and cuts on the next run.
const seed = 20261125;

describe('the fault suite, short run', { timeout: 300_000 }, () => {
  let fnet: FaultNetwork;
  const prng = new Prng(seed);

  before(async () => {
    fnet = await FaultNetwork.start({
      validators: 4,
      accounts: 8,
      ratePerSec: 20,
      withProxy: true,
      runId: seed,
      txGets: 50,
      prng: prng.fork(),
    });
  });

  after(async () => {
    await fnet?.close();
  });

  it('loses no final transaction when validators are killed with -9 under load', async () => {
    const violations = await runCrashes(fnet, prng, { iterations: 3, checkEvery: 3 });
    assert.deepEqual(violations, []);
    assert.equal(fnet.faults.kill, 3);
  });

  it('stops a cut-off minority and a 2-2 split, and converges after healing', async () => {
    const violations = await runPartitions(fnet, prng, { cycles: 1 });
    assert.deepEqual(violations, []);
  });

  it('finds every acknowledged transaction on every node, no fork, money conserved', async () => {
    const violations = await fnet.check(true);
    assert.deepEqual(violations, []);
    const { totals } = fnet.checker;
    assert.ok(fnet.load.acknowledged.final.size > 0, 'the load made transactions final');
    assert.equal(totals.txsFound, fnet.load.acknowledged.final.size);
    assert.equal(totals.forks, 0);
  });
});
