// The Byzantine scenario's short run in `npm test`: one of four validators equivocates, proposes
// invalid blocks, withholds its votes and floods its peers, under load. Safety (the checker), the
// evidence every honest node serves, and a chain that keeps finalising. The long run is test:faults.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeEvidence, verifyEvidence } from '../../src/consensus/index.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { genesisValidatorSet } from '../../src/node/genesis.ts';
import { createClient, getEvidence } from '../../src/sdk/index.ts';
import { fromHex } from '../../src/util/bytes.ts';
import { Prng } from '../sim/lib/prng.ts';
import { type ByzantineResult, fetchEvidence, runByzantine } from './byzantine.ts';
import { FaultNetwork } from './fault-network.ts';

const seed = 20261207;
const byzantineIndex = 3;

describe('one Byzantine validator of four, short run', { timeout: 400_000 }, () => {
  let fnet: FaultNetwork;
  let result: ByzantineResult;

  before(async () => {
    fnet = await FaultNetwork.start({
      validators: 4,
      accounts: 8,
      ratePerSec: 20,
      withProxy: false,
      runId: seed,
      txGets: 50,
      prng: new Prng(seed),
    });
    result = await runByzantine(fnet, { seconds: 20, index: byzantineIndex });
  });

  after(async () => {
    await fnet?.close();
  });

  it('loses no final transaction, forks nothing and conserves money', () => {
    assert.deepEqual(result.violations, []);
    const { totals } = fnet.checker;
    assert.equal(totals.forks, 0);
    assert.equal(totals.txsFound, fnet.load.acknowledged.final.size);
    assert.deepEqual(fnet.load.acknowledged.conflicts, []);
  });

  it('keeps finalising blocks and transactions while the validator misbehaves', () => {
    assert.ok(result.byzantineBlocks > 0, 'blocks were executed in the Byzantine phase');
    assert.ok(result.byzantineTxPerSec > 0, 'transactions became final in the Byzantine phase');
  });

  it("serves evidence of the validator's equivocation on every honest node", async () => {
    const orgId = fnet.net.genesis.nodes[byzantineIndex]!.orgId;
    for (let i = 0; i < fnet.urls.length; i++) {
      if (i === byzantineIndex) continue;
      const items = await fetchEvidence(fnet.urls[i]!);
      assert.ok(items.length > 0, `node ${i} serves evidence`);
      for (const item of items) {
        assert.equal(item.orgId, orgId, `node ${i}: evidence names the Byzantine validator`);
        assert.equal(item.validatorIndex, byzantineIndex);
        assert.ok(['double-proposal', 'double-vote'].includes(item.kind));
      }
      const seqs = items.map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => b - a),
        'newest first',
      );
    }
  });

  it('serves evidence through the SDK that checks against the validator set', async () => {
    const client = createClient({ url: fnet.urls[0]!, chainId: 'tally-e2e' });
    const page = await getEvidence(client, { limit: 1 });
    assert.equal(page.items.length, 1);
    assert.ok(page.total >= 1);
    const evidence = decodeEvidence(fromHex(page.items[0]!.evidenceHex));
    const check = verifyEvidence(
      evidence,
      genesisValidatorSet(fnet.net.genesis),
      'tally-e2e',
      (suite, message, signature, publicKey) =>
        getSuite(suite).verify(message, signature, publicKey),
    );
    assert.deepEqual(check, { ok: true });
  });

  it('still serves the evidence after an honest node restarts', async () => {
    const before = await fetchEvidence(fnet.urls[1]!);
    await fnet.net.stop(1);
    fnet.net.start(1);
    await fnet.net.waitReady(1, 90_000);
    const afterRestart = await fetchEvidence(fnet.urls[1]!);
    assert.ok(afterRestart.length >= before.length);
    assert.deepEqual(
      afterRestart.slice(-before.length).map((e) => e.seq),
      before.map((e) => e.seq),
    );
  });
});
