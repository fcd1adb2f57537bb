// The SDK's remittance actions and `tally remit` against a real four-validator network (hk-wallet,
// ph-wallet, settlement-bank, regulator-hk): a corridor set up with the bank and remittance calls,
// then a quote, a gateway send, accept, a client-signed send rejected and refunded, and the reads.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { corridorArgs } from '../../src/apps/remittance/args.ts';
import type { CborValue } from '../../src/codec/index.ts';
import { orgOwner } from '../../src/modules/identity/index.ts';
import {
  acceptRemittanceViaGateway,
  accountFromSecretKey,
  buildRemittanceSend,
  buildTransaction,
  type Client,
  createAccount,
  createBankId,
  createClient,
  getBalance,
  getCorridor,
  getNetPositions,
  getOrgs,
  getPacs002,
  getRemittance,
  getStatement,
  issue,
  type LocalAccount,
  listRemittances,
  newRemittanceId,
  type RemittanceStatusEvent,
  registerCurrency,
  rejectRemittanceViaGateway,
  requestQuote,
  sendRemittanceViaGateway,
  signTransaction,
  submitTransactions,
  waitForTransaction,
  watchRemittance,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { runTally } from '../cli/tally-process.ts';
import { eventually, TestNetwork } from '../e2e/harness.ts';
import { everyNodeAt } from '../e2e/remittance-helpers.ts';

type Call = { module: string; method: string; args: CborValue };
type Org = { client: Client; account: LocalAccount };

const travelRule = {
  originator: { name: 'Chan Tai Man', accountRef: '+852 5123 4567' },
  beneficiary: { name: 'Maria Dela Cruz', accountRef: '+63 917 123 4567' },
};

describe('remittance through the SDK and tally remit on four validators', {
  timeout: 180_000,
}, () => {
  let net: TestNetwork;
  const orgs = new Map<string, Org>();
  const ids = {
    hkdIssuer: createBankId(),
    phpIssuer: createBankId(),
    sender: createBankId(),
    beneficiary: createBankId(),
    sendingSettlement: createBankId(),
    fxSend: createBankId(),
    fxReceive: createBankId(),
    receivingSettlement: createBankId(),
  };
  const org = (id: string): Org => orgs.get(id)!;

  async function run(signer: string, calls: readonly Call[]): Promise<void> {
    const { client, account } = org(signer);
    const txs = calls.map((c) =>
      signTransaction(account, buildTransaction({ chainId: net.genesis.chainId, ...c })),
    );
    const { results } = await submitTransactions(client, { transactions: txs });
    for (const r of results) assert.equal(r.status, 'admitted', r.message);
    let height = 0;
    for (const tx of txs) {
      const receipt = await waitForTransaction(client, { txId: tx.txId, timeoutMs: 60_000 });
      assert.equal(receipt.code, 'ok', `${tx.module}.${tx.method}: ${receipt.message}`);
      height = Math.max(height, receipt.height);
    }
    // Final on the signer's node; the tests read and send on the other organisations' nodes too.
    await everyNodeAt(net, height);
  }

  // Only an issuer's own account may overdraw: every account here is guarded, settlement ones funded.
  const account = (id: Uint8Array, currency: string, owner: string) =>
    createAccount({
      id,
      currency,
      owner: orgOwner(owner),
      flags: ['debits_must_not_exceed_credits'],
    });
  const fund = (accountId: Uint8Array, amount: bigint, currency: string) =>
    issue({ id: createBankId(), accountId, amount, currency });

  before(async () => {
    net = await TestNetwork.create(4);
    net.startAll();
    await net.waitAllReady(60_000);
    net.network.clients.forEach((c, i) => {
      if (c.name !== `${c.orgId}-api`) return; // the API client key, not the node's gateway key
      const node = net.network.nodes.find((n) => n.orgId === c.orgId)!;
      const account = accountFromSecretKey('ed25519', net.clientKey(i).secretKey);
      const client = createClient({
        url: node.apiUrl,
        account,
        WebSocket,
        chainId: net.genesis.chainId,
      });
      orgs.set(c.orgId, { client, account });
    });
    await Promise.all([
      run('hk-wallet', [
        registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId: ids.hkdIssuer }),
      ]),
      run('ph-wallet', [
        registerCurrency({ code: 'PHP', decimals: 2, issuerAccountId: ids.phpIssuer }),
      ]),
    ]);
    await Promise.all([
      run('hk-wallet', [account(ids.sender, 'HKD', 'hk-wallet')]),
      run('ph-wallet', [account(ids.beneficiary, 'PHP', 'ph-wallet')]),
      run('settlement-bank', [
        account(ids.sendingSettlement, 'HKD', 'settlement-bank'),
        account(ids.fxSend, 'HKD', 'settlement-bank'),
        account(ids.fxReceive, 'PHP', 'settlement-bank'),
        account(ids.receivingSettlement, 'PHP', 'settlement-bank'),
      ]),
    ]);
    const corridor = corridorArgs({
      id: 'HKD-PHP',
      sendCurrency: 'HKD',
      receiveCurrency: 'PHP',
      sendingOrg: 'hk-wallet',
      receivingOrg: 'ph-wallet',
      fxOrg: 'settlement-bank',
      regulators: ['regulator-hk'],
      accounts: {
        sendingSettlement: ids.sendingSettlement,
        fxSend: ids.fxSend,
        fxReceive: ids.fxReceive,
        receivingSettlement: ids.receivingSettlement,
      },
      acceptWindowSec: 3600,
      kycTiers: [
        { level: 1, perTxMax: 10_000_000n, dailyMax: 50_000_000n, monthlyMax: 100_000_000n },
      ],
    });
    await Promise.all([
      run('hk-wallet', [
        fund(ids.sender, 1_000_000n, 'HKD'),
        fund(ids.sendingSettlement, 10_000_000n, 'HKD'),
        fund(ids.fxSend, 10_000_000n, 'HKD'),
        { module: 'remittance', method: 'set_kyc', args: { accountId: ids.sender, level: 1 } },
      ]),
      run('ph-wallet', [
        fund(ids.fxReceive, 100_000_000n, 'PHP'),
        fund(ids.receivingSettlement, 100_000_000n, 'PHP'),
      ]),
      run('settlement-bank', [
        { module: 'remittance', method: 'register_corridor', args: corridor },
      ]),
    ]);
  });
  after(() => net?.close());

  /** A quote from the settlement bank's node, asked with the sending wallet's key. */
  async function quote(sendAmount: bigint) {
    const bankNode = org('settlement-bank').client.url;
    const fx = createClient({ url: bankNode, account: org('hk-wallet').account });
    return requestQuote(fx, { sendCurrency: 'HKD', receiveCurrency: 'PHP', sendAmount });
  }

  it('quotes, sends through the gateway, accepts, and every organisation sees it', async () => {
    const hk = org('hk-wallet').client;
    const ph = org('ph-wallet').client;
    const id = newRemittanceId();
    const seen: RemittanceStatusEvent[] = [];
    const unwatch = watchRemittance(org('regulator-hk').client, {
      id,
      onStatus: (e) => seen.push(e),
    });
    try {
      const signed = await quote(100_000n);
      assert.equal(signed.quote.provider, 'settlement-bank');
      assert.equal(signed.quote.totalDebit, signed.quote.sendAmount + signed.quote.fee);
      const params = {
        id,
        corridor: 'HKD-PHP',
        quote: signed,
        senderAccountId: ids.sender,
        beneficiaryAccountId: ids.beneficiary,
        travelRule,
      };
      const sent = await sendRemittanceViaGateway(hk, params);
      assert.equal(sent.code, 'ok', sent.message);
      assert.equal(sent.remittance?.status, 'pending');
      const again = await sendRemittanceViaGateway(hk, params);
      assert.equal(again.code, 'remittance_exists');

      const atPh = await getRemittance(ph, { id });
      assert.equal(atPh.travelRuleAccess, 'granted');
      assert.deepEqual(atPh.travelRule?.beneficiary, travelRule.beneficiary);
      assert.equal(atPh.receiveAmount, signed.quote.receiveAmount);

      const accepted = await acceptRemittanceViaGateway(ph, { id: sent.uetr });
      assert.equal(accepted.code, 'ok', accepted.message);
      assert.equal(accepted.remittance?.status, 'completed');
      const credited = await getBalance(ph, { accountId: ids.beneficiary });
      assert.equal(credited.balance, signed.quote.receiveAmount);

      // The accept is final on ph-wallet's node; hk-wallet's node may be a block behind.
      await waitForTransaction(hk, { txId: accepted.txId, timeoutMs: 60_000 });
      const { messages } = await getPacs002(hk, { id });
      assert.ok(messages.length >= 1);
      assert.equal(messages.at(-1)?.txStatus, 'ACCC');
      assert.match(messages.at(-1)!.xml, new RegExp(sent.uetr));
      const page = await listRemittances(org('regulator-hk').client, { limit: 10 });
      assert.ok(page.items.some((r) => r.uetr === sent.uetr));
      const corridor = await getCorridor(hk, { id: 'HKD-PHP' });
      assert.equal(corridor.fxOrg, 'settlement-bank');
      await eventually(
        async () => (seen.some((e) => e.status === 'completed') ? true : undefined),
        30_000,
        'the completed event',
      );
      assert.deepEqual(
        seen.map((e) => e.status),
        ['pending', 'completed'],
      );
      const day = new Date(accepted.remittance!.updatedAtMs!).toISOString().slice(0, 10);
      const positions = await getNetPositions(hk, { day });
      assert.ok(positions.format === 'json' && positions.positions.length > 0);
    } finally {
      unwatch();
    }
  });

  it('signs a send with the wallet key (no gateway); a reject refunds the sender', async () => {
    const hk = org('hk-wallet');
    const before = (await getBalance(hk.client, { accountId: ids.sender })).balance;
    const corridor = await getCorridor(hk.client, { id: 'HKD-PHP' });
    const { orgs: members } = await getOrgs(hk.client);
    const built = await buildRemittanceSend({
      corridor,
      quote: await quote(20_000n),
      orgs: members,
      senderAccountId: ids.sender,
      beneficiaryAccountId: ids.beneficiary,
      travelRule,
    });
    await run('hk-wallet', [built.call]);
    const pending = await getRemittance(hk.client, { id: built.id });
    assert.equal(pending.status, 'pending');
    assert.equal(pending.travelRuleAccess, 'granted'); // hk-wallet's node opens what its org may read
    const rejected = await rejectRemittanceViaGateway(org('ph-wallet').client, {
      id: built.uetr,
      reason: 'AC04',
      message: 'account closed',
    });
    assert.equal(rejected.remittance?.status, 'rejected');
    assert.equal(rejected.remittance?.reason?.code, 'AC04');
    assert.equal((await getBalance(hk.client, { accountId: ids.sender })).balance, before);
    const statement = await getStatement(hk.client, { accountId: ids.sender });
    assert.ok(statement.format === 'json');
    assert.equal(statement.statement.currency, 'HKD');
    assert.equal(statement.statement.closing, before);
    assert.ok(statement.statement.entries.length > 0);
    const csv = await getStatement(hk.client, { accountId: ids.sender, format: 'csv' });
    assert.ok(csv.format === 'csv' && csv.text.split('\n').length > 1);
  });

  it('tally remit status and history print what the node holds', async () => {
    const page = await listRemittances(org('hk-wallet').client, { limit: 1 });
    const uetr = page.items[0]!.uetr;
    const dir = net.network.dir;
    const [status, history, json] = await Promise.all([
      runTally(['remit', 'status', uetr, '--network', dir, '--org', 'ph-wallet']),
      runTally(['remit', 'history', '--network', dir, '--org', 'hk-wallet']),
      runTally(['remit', 'status', uetr, '--network', dir, '--org', 'regulator-hk', '--json']),
    ]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`remittance: +${uetr}`));
    assert.match(status.stdout, /sender pays: +\d+\.\d{2} HKD/);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, new RegExp(uetr));
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).uetr, uetr);
  });

  it('tally remit quote, send and reject: a remittance from the command line', async () => {
    const dir = net.network.dir;
    const file = join(dir, 'quote.json');
    const quoted = await runTally([
      ...['remit', 'quote', '--network', dir, '--org', 'hk-wallet'],
      ...['--from', 'HKD', '--to', 'PHP', '--send', '10.00', '--out', file],
    ]);
    assert.equal(quoted.code, 0, quoted.stderr);
    assert.match(quoted.stdout, /sender pays: +\d+\.\d{2} HKD \(10\.00 HKD \+ fee/);
    const sent = await runTally([
      ...['remit', 'send', '--network', dir, '--org', 'hk-wallet', '--quote', file],
      ...['--from-account', toHex(ids.sender), '--to-account', toHex(ids.beneficiary)],
      ...['--originator-name', 'Chan Tai Man', '--beneficiary-name', 'Maria Dela Cruz'],
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /result: +ok at height \d+/);
    assert.match(sent.stdout, /status: +pending/);
    const uetr = /remittance: +([0-9a-f-]{36})/.exec(sent.stdout)![1]!;
    const rejected = await runTally([
      ...['remit', 'reject', uetr, '--network', dir, '--org', 'ph-wallet', '--reason', 'AC04'],
    ]);
    assert.equal(rejected.code, 0, rejected.stderr);
    assert.match(rejected.stdout, /status: +rejected/);
    const again = await runTally(['remit', 'accept', uetr, '--network', dir, '--org', 'ph-wallet']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error \[\w+\]: remittance /);
  });
});
