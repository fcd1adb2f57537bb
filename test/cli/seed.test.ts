// The demo data `npm start` seeds: its plan for the 5-organisation demo consortium and for smaller
// networks (pure), and a real one-validator network where the bank part lands with the right balances
// and the remittance part is skipped; seeding again is harmless. test/e2e/remittance.test.ts seeds a
// four-validator network and checks the remittance part.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCorridorInput } from '../../src/apps/remittance/args.ts';
import { loadNetworkAccount } from '../../src/cli/client-key.ts';
import { fileNames } from '../../src/cli/network/layout.ts';
import { planNetwork } from '../../src/cli/network/plan.ts';
import { planSeed, seedDemoData, seedVersion } from '../../src/cli/network/seed.ts';
import {
  demoRemittanceId,
  demoRemittances,
  demoTravelRule,
} from '../../src/cli/network/seed-remittance.ts';
import { bankIdFromName } from '../../src/cli/tx-args.ts';
import { orgOwner } from '../../src/modules/identity/index.ts';
import {
  type Client,
  createClient,
  formatUetr,
  getAccount,
  getCurrency,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { TestNetwork } from '../e2e/harness.ts';

function orgsOf(count: number) {
  const plan = planNetwork({
    orgs: count,
    observers: 0,
    chainId: 'seed-plan',
    host: '127.0.0.1',
    apiPort: 8080,
    p2pPort: 9080,
  });
  return { orgs: plan.orgs, signable: new Set(plan.orgs.map((o) => o.id)) };
}

function callsOf(plan: ReturnType<typeof planSeed>) {
  return plan.steps.flat().map((c) => `${c.orgId} ${c.call.module}.${c.call.method}`);
}

describe('demo data plan', () => {
  it('sets up the corridor with both regulators on the five-organisation demo', () => {
    const { orgs, signable } = orgsOf(5);
    const plan = planSeed(orgs, signable);
    assert.equal(plan.remittances, true);
    assert.deepEqual(Object.fromEntries(plan.issuers), { HKD: 'hk-wallet', PHP: 'ph-wallet' });
    const corridorCall = plan.steps.flat().find((c) => c.call.method === 'register_corridor');
    const corridor = readCorridorInput(corridorCall?.call.args, 'args');
    assert.equal(corridorCall?.orgId, 'settlement-bank');
    assert.deepEqual(corridor.regulators, ['regulator-hk', 'regulator-ph']);
    assert.equal(corridor.acceptWindowSec, 3600);
    assert.deepEqual(
      corridor.accounts.receivingSettlement,
      bankIdFromName('settlement-bank/ph-wallet'),
    );
    const calls = callsOf(plan);
    assert.ok(calls.includes('regulator-hk remittance.load_sanctions'), calls.join('\n'));
    assert.ok(calls.includes('ph-wallet remittance.set_acceptance_policy'), calls.join('\n'));
    assert.equal(calls.filter((c) => c === 'hk-wallet remittance.set_kyc').length, 3);
    // Every account is operated by an organisation (owner orgOwner) and may not overdraw.
    const opened = plan.steps.flat().filter((c) => c.call.method === 'create_account');
    assert.equal(opened.length, 10);
    for (const c of opened) {
      const args = c.call.args as { owner: Uint8Array; flags: string[] };
      assert.deepEqual(args.owner, orgOwner(c.orgId));
    }
  });

  it('on four organisations the corridor has one regulator', () => {
    const { orgs, signable } = orgsOf(4);
    const plan = planSeed(orgs, signable);
    const corridorCall = plan.steps.flat().find((c) => c.call.method === 'register_corridor');
    assert.deepEqual(readCorridorInput(corridorCall?.call.args, 'args').regulators, [
      'regulator-hk',
    ]);
  });

  it('without the settlement bank there is no corridor, and the bank part is what fits', () => {
    const { orgs, signable } = orgsOf(2);
    const plan = planSeed(orgs, signable);
    assert.equal(plan.remittances, false);
    assert.ok(!callsOf(plan).some((c) => c.includes('remittance.')), 'no remittance call');
    assert.deepEqual(
      plan.accounts.map((a) => a.name),
      [
        'hk-wallet/alice',
        'hk-wallet/bob',
        'hk-wallet/chan',
        'ph-wallet/maria',
        'ph-wallet/jose',
        'ph-wallet/victor',
      ],
    );
  });

  it('derives remittance ids that are UETRs, the same on every run', () => {
    const ids = demoRemittances.map((r) => formatUetr(demoRemittanceId(r.name)));
    assert.equal(new Set(ids).size, demoRemittances.length);
    assert.deepEqual(
      demoRemittances.map((r) => formatUetr(demoRemittanceId(r.name))),
      ids,
    );
    assert.equal(demoTravelRule(demoRemittances[2]!).beneficiary.name, 'Victor Draganoff');
  });
});

/** Balances in minor units on one organisation: funding, then bob pays alice HKD 120. */
const expectedBalances: Readonly<Record<string, bigint>> = {
  'hk-wallet/alice': 2_012_000n,
  'hk-wallet/bob': 488_000n,
  'hk-wallet/chan': 300_000n,
};

describe('demo data seeding on one organisation', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  let client: Client;

  before(async () => {
    net = await TestNetwork.create(1);
    net.startAll();
    await net.waitReady(0, 60_000);
    const account = loadNetworkAccount(net.network.clients[0]!);
    client = createClient({ url: net.nodes[0]!.apiUrl, account });
  });
  after(() => net?.close());

  async function balances(): Promise<Record<string, bigint>> {
    const names = Object.keys(expectedBalances);
    const read = await Promise.all(
      names.map((name) => getAccount(client, { id: bankIdFromName(name) })),
    );
    for (const a of read) assert.equal(a.owner, toHex(orgOwner('hk-wallet')));
    return Object.fromEntries(names.map((name, i) => [name, read[i]!.balance]));
  }

  it('seeds currencies, accounts, funding and a transfer, skips the corridor, and says so', async () => {
    const lines: string[] = [];
    const result = await seedDemoData(net.network, { log: (line) => lines.push(line) });
    assert.deepEqual(result, { seeded: true, transactions: 9, remittances: 0 });
    // hk-wallet is the only issuer, so it issues PHP as well.
    assert.equal(
      lines[0],
      'demo data: HKD (issuer hk-wallet), PHP (issuer hk-wallet); 3 accounts, 3 issues, 1 transfers',
    );
    assert.match(lines[2]!, /remittance: skipped \(needs hk-wallet, ph-wallet, settlement-bank\)/);
    assert.deepEqual(await balances(), expectedBalances);
    assert.equal((await getCurrency(client, { code: 'HKD' })).supply, 2_800_000n);
    const marker = JSON.parse(readFileSync(join(net.network.dir, fileNames.seededMarker), 'utf8'));
    assert.equal(marker.version, seedVersion);
    assert.equal(marker.transactions, 9);
  });

  it('does not seed again while the marker is there', async () => {
    const result = await seedDemoData(net.network, { log: () => assert.fail('no summary') });
    assert.deepEqual(result, { seeded: false, reason: 'already_seeded' });
  });

  it('seeding again without the marker changes nothing: every id already exists', async () => {
    const marker = join(net.network.dir, fileNames.seededMarker);
    rmSync(marker);
    const result = await seedDemoData(net.network, { log: () => {} });
    assert.deepEqual(result, { seeded: true, transactions: 9, remittances: 0 });
    assert.ok(existsSync(marker), 'the marker is written again');
    assert.deepEqual(await balances(), expectedBalances);
    assert.equal((await getCurrency(client, { code: 'HKD' })).supply, 2_800_000n);
  });
});
