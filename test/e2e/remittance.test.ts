// The remittance (issue #5) on a real four-validator network seeded with `npm start`'s demo data,
// driven through the API, each organisation's own client on its own node. After every scenario:
// supply conserved per currency, and every remittance's legs in the state its status says.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { validateXml } from '../../src/apps/remittance/iso20022/validate.ts';
import { legIds } from '../../src/apps/remittance/legs.ts';
import { expiredReasonCode } from '../../src/apps/remittance/resolve.ts';
import { fileNames } from '../../src/cli/network/layout.ts';
import { seedDemoData } from '../../src/cli/network/seed.ts';
import { demoRemittanceId, demoRemittances } from '../../src/cli/network/seed-remittance.ts';
import { bankIdFromName } from '../../src/cli/tx-args.ts';
import { formatMinor, signQuote } from '../../src/modules/fx/index.ts';
import {
  acceptRemittanceViaGateway,
  createBankId,
  formatUetr,
  getAccount,
  getNetPositions,
  getRemittance,
  getStatement,
  newRemittanceId,
  type RemittanceView,
  rejectRemittanceViaGateway,
  reviewRemittanceViaGateway,
  submitPacs008,
  type TallyError,
} from '../../src/sdk/index.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { eventually, heightOf, TestNetwork, waitHeight } from './harness.ts';
import {
  checkInvariants,
  clientOn,
  everyNodeAt,
  hasCode,
  isoDay,
  type Org,
  pacs008Xml,
  partyName,
  postIds,
  settleMs,
  World,
} from './remittance-helpers.ts';

const alice = 'hk-wallet/alice';
const maria = 'ph-wallet/maria';
const jose = 'ph-wallet/jose';
const victor = 'ph-wallet/victor';
/** KYC level 1 (HKD 8,000 a remittance and a day), HKD 10,000 on the account. */
const dora = 'hk-wallet/e2e-dora';
/** KYC level 2, but only HKD 50 on the account. */
const eve = 'hk-wallet/e2e-eve';
const fastCorridor = 'HKD-PHP-FAST';
const corridorAccounts = [
  'settlement-bank/hk-wallet',
  'settlement-bank/fx-hkd',
  'settlement-bank/fx-php',
  'settlement-bank/ph-wallet',
];

describe('remittance on four validators', { timeout: 300_000 }, () => {
  let net: TestNetwork;
  let w: World;
  let hk: Org;
  let ph: Org;
  let bank: Org;
  let regulator: Org;
  /** Remittances later scenarios look at again. */
  let fullFlowId: Uint8Array;
  let expiredId: Uint8Array;

  before(async () => {
    net = await TestNetwork.create(4);
    net.startAll();
    await net.waitAllReady(60_000);
    w = new World(net);
    [hk, ph, bank, regulator] = ['hk-wallet', 'ph-wallet', 'settlement-bank', 'regulator-hk'].map(
      (id) => w.org(id),
    ) as [Org, Org, Org, Org];
    const seeded = await seedDemoData(net.network, { log: () => {} });
    assert.deepEqual(seeded, { seeded: true, transactions: 28, remittances: 3 });
    await w.openAccounts([
      { name: dora, amount: 1_000_000n, level: 1 },
      { name: eve, amount: 5_000n, level: 2 },
    ]);
  });
  after(() => net?.close());
  afterEach(() => checkInvariants(hk.client, w.ledger));

  it('seeds the demo: a remittance completed, one pending, one held, on every node; a rerun changes nothing', async () => {
    const ids = demoRemittances.map((r) => demoRemittanceId(r.name));
    for (const node of net.nodes.keys()) {
      const client = clientOn(net, hk, node);
      const statuses = await eventually(
        async () => {
          const read = await Promise.all(ids.map((id) => getRemittance(client, { id })));
          return read.map((r) => r.status).join() === 'completed,pending,held' ? read : undefined;
        },
        settleMs,
        `the demo remittances on node ${node}`,
      );
      assert.ok(statuses[2]!.sanctionsMatch, 'the held one names the entry it matched');
    }
    const names = [...w.ledger.accounts];
    const before = await w.balances(names);
    rmSync(join(net.network.dir, fileNames.seededMarker));
    const again = await seedDemoData(net.network, { log: () => {} });
    assert.deepEqual(again, { seeded: true, transactions: 28, remittances: 3 });
    assert.deepEqual(await w.balances(names), before);
  });

  it('full flow: sent pending, accepted by the receiving wallet, money moved on every node', async () => {
    const names = [alice, maria, ...corridorAccounts];
    const before = await w.balances(names);
    const { answer: sent, quote } = await w.send(alice, maria, 200_000n);
    assert.equal(sent.remittance?.status, 'pending', sent.message);
    assert.ok(sent.remittance.deadlineMs > 0, 'a pending remittance has a deadline');
    fullFlowId = fromHex(sent.id);
    const { totalDebit, receiveAmount } = quote.quote;
    const reserved = await getAccount(hk.client, { id: bankIdFromName(alice) });
    assert.deepEqual([reserved.balance, reserved.debitsPending], [before[alice], totalDebit]);

    const accepted = await acceptRemittanceViaGateway(ph.client, { id: sent.uetr });
    assert.equal(accepted.remittance?.status, 'completed', accepted.message);
    const expected = {
      ...before,
      [alice]: before[alice]! - totalDebit,
      [maria]: before[maria]! + receiveAmount,
      'settlement-bank/fx-hkd': before['settlement-bank/fx-hkd']! + totalDebit,
      'settlement-bank/fx-php': before['settlement-bank/fx-php']! - receiveAmount,
    };
    await everyNodeAt(net, accepted.height);
    for (const node of net.nodes.keys())
      assert.deepEqual(await w.balances(names, node), expected, `node ${node}`);
  });

  it('auto-accept: a remittance under the policy limit completes in the block that carries it', async () => {
    const before = await w.balances([alice, maria]);
    const checksBefore = await carriedChecks(net);
    const { answer: sent, quote } = await w.send(alice, maria, 50_000n);
    assert.equal(sent.remittance?.status, 'completed', sent.message);
    // Every node checked the quote's signature once in execution, and found it checked already: on
    // arrival (the node the send came to, and those that got it by gossip) or with the proposal.
    await everyNodeAt(net, sent.height);
    const checks = await carriedChecks(net);
    const preVerified = checks.preVerified - checksBefore.preVerified;
    assert.equal(preVerified + checks.verifiedNow - checksBefore.verifiedNow, net.nodes.length);
    assert.equal(preVerified, net.nodes.length, 'every node found the check made');
    assert.equal(sent.remittance.raw.createdHeight, sent.height);
    assert.equal(sent.remittance.raw.updatedHeight, sent.height);
    assert.deepEqual(await w.balances([alice, maria]), {
      [alice]: before[alice]! - quote.quote.totalDebit,
      [maria]: before[maria]! + quote.quote.receiveAmount,
    });
  });

  it('rejection voids every leg and refunds the sender at once', async () => {
    const names = [alice, jose, ...corridorAccounts];
    const before = await w.balances(names);
    const { answer: sent } = await w.send(alice, jose, 150_000n);
    assert.equal(sent.remittance?.status, 'pending', sent.message);
    const rejected = await rejectRemittanceViaGateway(ph.client, {
      id: sent.id,
      reason: 'AC04',
      message: 'beneficiary account closed',
    });
    assert.equal(rejected.remittance?.status, 'rejected', rejected.message);
    assert.equal(rejected.remittance.reason?.code, 'AC04');
    await everyNodeAt(net, rejected.height);
    assert.deepEqual(await w.balances(names), before);
    const refunded = await getAccount(hk.client, { id: bankIdFromName(alice) });
    assert.equal(refunded.debitsPending, 0n);
  });

  it('expiry: a remittance nobody answers refunds by itself when its accept window ends', async () => {
    // A corridor of its own with a two-second window and no regulator (the Travel-Rule test uses that).
    await w.registerCorridor(fastCorridor, 2, []);
    const before = await w.balances([alice, maria]);
    const { answer: sent } = await w.send(alice, maria, 30_000n, { corridor: fastCorridor });
    assert.equal(sent.remittance?.status, 'pending', sent.message);
    assert.equal(sent.remittance.deadlineMs, sent.remittance.createdAtMs! + 2000);
    expiredId = fromHex(sent.id);
    const expired = await eventually(
      async () => {
        const r = await getRemittance(hk.client, { id: expiredId });
        return r.status === 'expired' ? r : undefined;
      },
      settleMs,
      'the remittance to expire',
    );
    assert.equal(expired.reason?.code, expiredReasonCode);
    assert.deepEqual(await w.balances([alice, maria]), before);
  });

  it("the receiving wallet's node killed while a remittance is pending: restarted, it accepts, every node agrees", async () => {
    const { answer: sent } = await w.send(alice, maria, 180_000n);
    assert.equal(sent.remittance?.status, 'pending', sent.message);
    await net.kill(ph.node);
    // Three validators of four keep the chain going: another remittance completes meanwhile.
    const { answer: other } = await w.send(alice, jose, 20_000n);
    assert.equal(other.remittance?.status, 'completed', other.message);
    net.start(ph.node);
    const phUrl = net.nodes[ph.node]!.apiUrl;
    await net.waitReady(ph.node, 60_000);
    await waitHeight(phUrl, other.height!, 60_000);
    const accepted = await acceptRemittanceViaGateway(ph.client, { id: sent.id });
    assert.equal(accepted.code, 'ok', accepted.message);
    await everyNodeAt(net, accepted.height);
    const views: RemittanceView[] = [];
    const moneys: Record<string, bigint>[] = [];
    for (const node of net.nodes.keys()) {
      views.push(await getRemittance(clientOn(net, hk, node), { id: sent.id }));
      moneys.push(await w.balances([alice, maria, jose, ...corridorAccounts], node));
    }
    assert.deepEqual(
      views.map((v) => [v.status, v.raw.updatedHeight]),
      views.map(() => ['completed', accepted.height]),
    );
    for (const m of moneys) assert.deepEqual(m, moneys[0]);
  });

  it('a double submission (the same id twice) makes one remittance and moves the money once', async () => {
    const before = await w.balances([alice, maria]);
    const id = newRemittanceId();
    const [q1, q2] = await Promise.all([w.quote(40_000n), w.quote(40_000n)]);
    const answers = await Promise.all([
      w.send(alice, maria, 40_000n, { id, quote: q1 }),
      w.send(alice, maria, 40_000n, { id, quote: q2 }),
    ]);
    assert.deepEqual(answers.map((a) => a.answer.code).sort(), ['ok', 'remittance_exists']);
    const again = await w.send(alice, maria, 40_000n, { id, quote: q1 });
    assert.equal(again.answer.code, 'remittance_exists');
    const r = await getRemittance(hk.client, { id });
    assert.equal(r.status, 'completed');
    assert.deepEqual(await w.balances([alice, maria]), {
      [alice]: before[alice]! - r.totalDebit,
      [maria]: before[maria]! + r.receiveAmount,
    });
  });

  it('error: quote expired (a quote the bank signed, past its expiry) moves nothing', async () => {
    const before = await w.balances([alice]);
    const fresh = await w.quote(50_000n);
    const nowMs = Date.now();
    const past = { id: createBankId(), issuedAtMs: nowMs - 120_000, expiresAtMs: nowMs - 60_000 };
    const stale = signQuote({ ...fresh.quote, ...past }, bank.key.suite, bank.key.secretKey);
    const { answer } = await w.send(alice, maria, 50_000n, { quote: stale });
    assert.equal(answer.code, 'quote_expired', answer.message);
    await assert.rejects(getRemittance(hk.client, { id: answer.id }), hasCode('not_found', 404));
    assert.deepEqual(await w.balances([alice]), before);
  });

  it('error: insufficient funds moves nothing', async () => {
    const before = await w.balances([eve]);
    const { answer } = await w.send(eve, maria, 10_000n);
    assert.equal(answer.code, 'insufficient_funds', answer.message);
    assert.deepEqual(await w.balances([eve]), before);
  });

  it('a sanctioned name is held; regulator-hk refuses one and releases another through its own node', async () => {
    const before = await w.balances([alice, victor]);
    const { answer: sent } = await w.send(alice, victor, 30_000n);
    assert.equal(sent.remittance?.status, 'held', sent.message);
    assert.equal(sent.remittance.deadlineMs, 0);
    assert.ok(sent.remittance.sanctionsMatch, 'a held remittance names the entry it matched');
    const elsewhere = clientOn(net, regulator, hk.node);
    await assert.rejects(
      reviewRemittanceViaGateway(elsewhere, { id: sent.id, decision: 'refuse' }),
      hasCode('wrong_organization', 403),
    );
    const refused = await reviewRemittanceViaGateway(regulator.client, {
      id: sent.id,
      decision: 'refuse',
      note: 'confirmed match',
    });
    assert.equal(refused.remittance?.status, 'refused', refused.message);
    await everyNodeAt(net, refused.height);
    assert.deepEqual(await w.balances([alice, victor]), before);
    // The demo's held remittance is a false positive: released, it is under the auto-accept limit.
    const seededId = demoRemittanceId('demo/remittance/3');
    const released = await reviewRemittanceViaGateway(regulator.client, {
      id: seededId,
      decision: 'release',
      note: 'not the listed person',
    });
    assert.equal(released.remittance?.status, 'completed', released.message);
    await everyNodeAt(net, released.height);
    const { receiveAmount } = await getRemittance(hk.client, { id: seededId });
    assert.deepEqual(await w.balances([victor]), { [victor]: before[victor]! + receiveAmount });
  });

  it('errors: over the KYC tier per remittance, then over the daily limit', async () => {
    const tooBig = await w.send(dora, maria, 900_000n);
    assert.equal(tooBig.answer.code, 'kyc_level_insufficient', tooBig.answer.message);
    const first = await w.send(dora, maria, 500_000n);
    assert.equal(first.answer.remittance?.status, 'pending', first.answer.message);
    const second = await w.send(dora, maria, 300_000n);
    assert.equal(second.answer.code, 'daily_limit_exceeded', second.answer.message);
  });

  it('error: malformed ISO 20022 input is refused with 400 iso20022_invalid naming the path', async () => {
    await assert.rejects(
      submitPacs008(hk.client, { xml: '<Document><FIToFICstmrCdtTrf>' }),
      (e: unknown) => {
        hasCode('iso20022_invalid', 400)(e);
        assert.equal(typeof (e as TallyError).details?.path, 'string', 'details.path names where');
        return true;
      },
    );
    const noAmount = pacs008Xml(formatUetr(newRemittanceId()), alice, maria).replace(
      /<IntrBkSttlmAmt[^>]*>[^<]*<\/IntrBkSttlmAmt>/,
      '',
    );
    await assert.rejects(
      submitPacs008(hk.client, { xml: noAmount }),
      hasCode('iso20022_invalid', 400),
    );
  });

  it('a valid pacs.008 sends a remittance and answers a pacs.002 that validates against the XSD', async () => {
    const uetr = formatUetr(newRemittanceId());
    const { pacs002 } = await submitPacs008(hk.client, { xml: pacs008Xml(uetr, alice, maria) });
    const checked = await validateXml(pacs002, 'pacs.002.001.10');
    assert.ok(checked.valid, checked.errors.join('\n'));
    assert.match(pacs002, new RegExp(`<OrgnlUETR>${uetr}</OrgnlUETR>`));
    assert.match(pacs002, /<TxSts>ACCC<\/TxSts>/);
    const r = await getRemittance(hk.client, { id: uetr });
    assert.deepEqual([r.status, r.sendAmount, r.endToEndId], ['completed', 25_000n, 'E2E-PACS-1']);
    w.ledger.remittances.set('pacs.008', fromHex(r.id));
  });

  it('Travel-Rule data is decrypted only for entitled callers on their own node', async () => {
    const own = await getRemittance(regulator.client, { id: fullFlowId });
    assert.equal(own.travelRuleAccess, 'granted');
    assert.equal(partyName(own, 'originator'), 'Alice Wong');
    const elsewhere = await getRemittance(clientOn(net, regulator, hk.node), { id: fullFlowId });
    assert.deepEqual([elsewhere.travelRule, elsewhere.travelRuleAccess], [null, 'ask_your_node']);
    const atBank = await getRemittance(bank.client, { id: fullFlowId });
    assert.equal(partyName(atBank, 'beneficiary'), 'Maria Santos');
    // The fast corridor has no regulator: regulator-hk is not entitled, even on its own node.
    const notEntitled = await getRemittance(regulator.client, { id: expiredId });
    assert.deepEqual(
      [notEntitled.travelRule, notEntitled.travelRuleAccess],
      [null, 'not_entitled'],
    );
    assert.match(String(notEntitled.raw.travelRuleHash), /^[0-9a-f]{64}$/);
  });

  it('statements of a settlement account: JSON, CSV and camt.053 for its operator and a regulator, not for others', async () => {
    const accountId = bankIdFromName('settlement-bank/ph-wallet');
    const account = await getAccount(bank.client, { id: accountId });
    const json = await getStatement(bank.client, { accountId });
    assert.ok(json.format === 'json', 'JSON asked, JSON answered');
    const s = json.statement;
    assert.equal(s.closing, account.balance);
    const booked = s.entries.filter((e) => e.status === 'posted');
    const moved = booked.reduce(
      (n, e) => n + (e.direction === 'credit' ? e.amount : -e.amount),
      0n,
    );
    assert.equal(s.closing - s.opening, moved);
    // The full flow's third leg credits this account and its fourth debits it: each a pending entry
    // (the reservation, moving nothing), then the post that books it.
    const r = await getRemittance(bank.client, { id: fullFlowId });
    const [, , credit, debit] = legIds(fullFlowId).map(toHex);
    const [, , postCredit, postDebit] = postIds(fullFlowId).map(toHex);
    const byId = new Map(s.entries.map((e) => [e.transferId, e]));
    assert.deepEqual(
      [credit, debit, postCredit, postDebit].map((id) => {
        const e = byId.get(id!);
        return e === undefined ? id : [e.status, e.direction, e.amount];
      }),
      [
        ['pending', 'credit', r.receiveAmount],
        ['pending', 'debit', r.receiveAmount],
        ['posted', 'credit', r.receiveAmount],
        ['posted', 'debit', r.receiveAmount],
      ],
    );
    assert.equal(
      byId.get(postCredit!)?.reference,
      toHex(fullFlowId),
      'a statement entry points back to its remittance (the UETR the legs carry)',
    );
    const csv = await getStatement(bank.client, { accountId, format: 'csv' });
    assert.ok(csv.format === 'csv' && csv.text.includes(credit!), 'the CSV lists leg 3');
    const camt = await getStatement(regulator.client, { accountId, format: 'camt053' });
    assert.ok(camt.format === 'camt053', 'camt.053 asked, camt.053 answered');
    assert.match(camt.text, /<BkToCstmrStmt>/);
    assert.ok(camt.text.includes(formatMinor(s.closing, 2)), `closing ${s.closing} in camt.053`);
    await assert.rejects(
      getStatement(hk.client, { accountId }),
      hasCode('wrong_organization', 403),
    );
  });

  it('net positions are the same on all four nodes and add up the completed remittances', async () => {
    await everyNodeAt(net, await heightOf(net.nodes[hk.node]!.apiUrl));
    const all = await Promise.all(
      [...w.ledger.remittances.values()].map((id) => getRemittance(hk.client, { id })),
    );
    const completed = all.filter((r) => r.status === 'completed');
    for (const day of new Set(completed.map((r) => isoDay(r.updatedAtMs!)))) {
      const ofDay = completed.filter((r) => isoDay(r.updatedAtMs!) === day);
      const sum = (f: (r: RemittanceView) => bigint) => ofDay.reduce((n, r) => n + f(r), 0n);
      const expected = [
        {
          payer: 'hk-wallet',
          payee: 'settlement-bank',
          currency: 'HKD',
          amount: sum((r) => r.totalDebit),
        },
        {
          payer: 'settlement-bank',
          payee: 'ph-wallet',
          currency: 'PHP',
          amount: sum((r) => r.receiveAmount),
        },
      ];
      for (const node of net.nodes.keys()) {
        const read = await getNetPositions(clientOn(net, hk, node), { day });
        assert.ok(read.format === 'json', 'JSON asked, JSON answered');
        const sorted = [...read.positions].sort((a, b) => a.payer.localeCompare(b.payer));
        assert.deepEqual(sorted, expected, `node ${node}, ${day}`);
      }
    }
  });
});

/** Carried-signature checks in execution, summed over the nodes, by outcome (Prometheus text). */
async function carriedChecks(
  net: TestNetwork,
): Promise<{ preVerified: number; verifiedNow: number }> {
  const sum = { preVerified: 0, verifiedNow: 0 };
  for (const node of net.nodes) {
    const text = await (await fetch(`${node.apiUrl}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith('tally_carried_signature_checks_total{')) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (line.includes('outcome="pre_verified"')) sum.preVerified += value;
      if (line.includes('outcome="verified_now"')) sum.verifiedNow += value;
    }
  }
  return sum;
}
