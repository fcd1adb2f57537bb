// The demo data `npm start` seeds, against a real one-validator network: the remittance's currencies,
// accounts, funding and transfers land with the right balances; seeding again is harmless.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadNetworkAccount } from '../../src/cli/client-key.ts';
import { fileNames } from '../../src/cli/network/layout.ts';
import { seedDemoData, seedVersion } from '../../src/cli/network/seed.ts';
import { bankIdFromName } from '../../src/cli/tx-args.ts';
import { type Client, createClient, getBalance, getCurrency } from '../../src/sdk/index.ts';
import { TestNetwork, waitReady } from '../e2e/harness.ts';

/** Balances in minor units after the demo: funding minus and plus the demo transfers. */
const expectedBalances: Readonly<Record<string, bigint>> = {
  'hk-wallet/float': 5_000_000n,
  'hk-wallet/alice': 162_000n,
  'hk-wallet/bob': 138_000n,
  'settlement-bank/hkd': 50_000n,
  'settlement-bank/php': 199_645_000n,
  'ph-wallet/float': 50_000_000n,
  'ph-wallet/maria': 355_000n,
};

describe('demo data seeding', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  let client: Client;

  before(async () => {
    net = await TestNetwork.create(1);
    net.startAll();
    await waitReady(net.nodes[0]!.apiUrl, 60_000);
    const account = loadNetworkAccount(net.network.clients[0]!);
    client = createClient({ url: net.nodes[0]!.apiUrl, account });
  });
  after(() => net?.close());

  async function balances(): Promise<Record<string, bigint>> {
    const names = Object.keys(expectedBalances);
    const read = await Promise.all(
      names.map((name) => getBalance(client, { accountId: bankIdFromName(name) })),
    );
    return Object.fromEntries(names.map((name, i) => [name, read[i]!.balance]));
  }

  it('seeds currencies, accounts, funding and transfers, and prints a summary', async () => {
    const lines: string[] = [];
    const result = await seedDemoData(net.network, { log: (line) => lines.push(line) });
    assert.deepEqual(result, { seeded: true, transactions: 19 });
    // A one-organisation network: hk-wallet is the only issuer, so it issues PHP as well.
    assert.equal(
      lines[0],
      'demo data: HKD (issuer hk-wallet), PHP (issuer hk-wallet); 7 accounts, 5 issues, 5 transfers',
    );
    assert.deepEqual(await balances(), expectedBalances);
    const hkd = await getCurrency(client, { code: 'HKD' });
    assert.equal(hkd.supply, 5_350_000n);
    const marker = JSON.parse(readFileSync(join(net.network.dir, fileNames.seededMarker), 'utf8'));
    assert.equal(marker.version, seedVersion);
    assert.equal(marker.transactions, 19);
  });

  it('does not seed again while the marker is there', async () => {
    const result = await seedDemoData(net.network, { log: () => assert.fail('no summary') });
    assert.deepEqual(result, { seeded: false, reason: 'already_seeded' });
  });

  it('seeding again without the marker changes nothing: every id already exists', async () => {
    const marker = join(net.network.dir, fileNames.seededMarker);
    rmSync(marker);
    const result = await seedDemoData(net.network, { log: () => {} });
    assert.deepEqual(result, { seeded: true, transactions: 19 });
    assert.ok(existsSync(marker));
    assert.deepEqual(await balances(), expectedBalances);
    assert.equal((await getCurrency(client, { code: 'PHP' })).supply, 250_000_000n);
  });
});
