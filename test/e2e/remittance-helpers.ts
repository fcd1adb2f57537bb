// Helpers for the remittance end-to-end test: each organisation's API client on its own node, quotes
// and gateway sends, and the invariants checked after every scenario (supply conserved per currency,
// every remittance's four legs in the state its status says: never both paid and refunded).
import assert from 'node:assert/strict';
import { corridorArgs } from '../../src/apps/remittance/args.ts';
import { buildPacs008 } from '../../src/apps/remittance/iso20022/index.ts';
import { legIds } from '../../src/apps/remittance/legs.ts';
import { demoAccounts } from '../../src/cli/network/seed.ts';
import {
  demoCorridorAccounts,
  demoCorridorId,
  demoCorridorOrgs,
  demoKycTiers,
  demoPeople,
  demoRemittanceId,
  demoRemittances,
  type PlannedCall,
} from '../../src/cli/network/seed-remittance.ts';
import { bankIdFromName } from '../../src/cli/tx-args.ts';
import { sha256 } from '../../src/crypto/sha256.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { decodeStored, moduleKey, moduleRecordKey } from '../../src/execution/index.ts';
import { bankKeys, transferFlags } from '../../src/modules/bank/index.ts';
import { decodeTransfer, decodeTransferStatus } from '../../src/modules/bank/records.ts';
import { orgOwner } from '../../src/modules/identity/index.ts';
import {
  accountFromSecretKey,
  buildTransaction,
  type Client,
  createAccount,
  createBankId,
  createClient,
  type GatewayAnswer,
  getAccount,
  getCurrency,
  getProof,
  getRemittance,
  issue,
  type LocalAccount,
  type RemittanceStatus,
  type RemittanceView,
  requestQuote,
  type SignedQuote,
  sendRemittanceViaGateway,
  signTransaction,
  submitTransactions,
  TallyError,
  type TravelRule,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/util/bytes.ts';
import { eventually, type TestNetwork, waitHeight } from './harness.ts';

export type Org = {
  readonly id: string;
  /** Its node's index in the network (node i serves organisation i). */
  readonly node: number;
  readonly key: KeyPair;
  readonly account: LocalAccount;
  /** On its own node. */
  readonly client: Client;
};

/** How long the checks wait for every node to show the same final state. */
export const settleMs = 20_000;

/** Each organisation's API client key (`<org>-api`) and a client on its own node. */
export function connectOrgs(net: TestNetwork): Map<string, Org> {
  const orgs = new Map<string, Org>();
  net.network.clients.forEach((c, i) => {
    if (c.name !== `${c.orgId}-api`) return; // the node's gateway key is not a caller's
    const node = net.network.nodes.findIndex((n) => n.orgId === c.orgId);
    const key = net.clientKey(i);
    const account = accountFromSecretKey(key.suite, key.secretKey);
    const client = createClient({
      url: net.nodes[node]!.apiUrl,
      account,
      chainId: net.genesis.chainId,
    });
    orgs.set(c.orgId, { id: c.orgId, node, key, account, client });
  });
  return orgs;
}

/** Waits until every node has executed `height` (an answer from one node, read on another). */
export async function everyNodeAt(net: TestNetwork, height: number | undefined): Promise<void> {
  assert.ok(height !== undefined, 'a final answer names its height');
  await Promise.all(net.nodes.map((n) => waitHeight(n.apiUrl, height, settleMs)));
}

/** The same caller on another node. */
export function clientOn(net: TestNetwork, org: Org, node: number): Client {
  return createClient({
    url: net.nodes[node]!.apiUrl,
    account: org.account,
    chainId: net.genesis.chainId,
  });
}

/** Signs `calls` with the organisation's API key, submits them together, expects every one 'ok'. */
export async function runCalls(
  net: TestNetwork,
  org: Org,
  calls: readonly PlannedCall['call'][],
): Promise<number> {
  const txs = calls.map((c) =>
    signTransaction(org.account, buildTransaction({ chainId: net.genesis.chainId, ...c })),
  );
  const { results } = await submitTransactions(org.client, { transactions: txs });
  for (const r of results) assert.equal(r.status, 'admitted', r.message);
  let height = 0;
  for (const tx of txs) {
    const receipt = await waitForTransaction(org.client, { txId: tx.txId, timeoutMs: settleMs });
    assert.equal(receipt.code, 'ok', `${tx.module}.${tx.method}: ${receipt.message}`);
    height = Math.max(height, receipt.height);
  }
  return height;
}

/** What the test knows exists: every account and every remittance, for the invariants. */
export class Ledger {
  readonly accounts = new Set<string>([
    'issuer/HKD',
    'issuer/PHP',
    ...demoAccounts.map((a) => a.name),
  ]);
  readonly remittances = new Map<string, Uint8Array>(
    demoRemittances.map((r) => [r.name, demoRemittanceId(r.name)]),
  );

  /** Tracks a sent remittance when the chain took it; answers its id. */
  track(name: string, answer: GatewayAnswer): Uint8Array {
    const id = fromHex(answer.id);
    if (answer.code === 'ok') this.remittances.set(name, id);
    return id;
  }
}

export type SendOptions = {
  readonly corridor?: string;
  readonly id?: Uint8Array;
  /** A quote of the test's own (e.g. an expired one) instead of a fresh one from the bank. */
  readonly quote?: SignedQuote;
};

/**
 * The network as the scenarios use it: each organisation's client, quotes from the settlement bank's
 * node, sends through hk-wallet's gateway, and the ledger of what exists for the invariants.
 */
export class World {
  readonly ledger = new Ledger();
  readonly net: TestNetwork;
  readonly orgs: Map<string, Org>;
  /** hk-wallet's key on the bank's node: where quotes come from. */
  readonly quoter: Client;
  #sent = 0;

  constructor(net: TestNetwork) {
    this.net = net;
    this.orgs = connectOrgs(net);
    this.quoter = clientOn(net, this.org('hk-wallet'), this.org('settlement-bank').node);
  }

  org(id: string): Org {
    const org = this.orgs.get(id);
    assert.ok(org !== undefined, `${id} is a member`);
    return org;
  }

  quote(sendAmount: bigint): Promise<SignedQuote> {
    return requestQuote(this.quoter, { sendCurrency: 'HKD', receiveCurrency: 'PHP', sendAmount });
  }

  /** POST /v1/remittances on hk-wallet's node, from one named account to another; tracked if taken. */
  async send(
    from: string,
    to: string,
    sendAmount: bigint,
    options: SendOptions = {},
  ): Promise<{ answer: GatewayAnswer; quote: SignedQuote }> {
    const quote = options.quote ?? (await this.quote(sendAmount));
    const answer = await sendRemittanceViaGateway(this.org('hk-wallet').client, {
      ...(options.id === undefined ? {} : { id: options.id }),
      corridor: options.corridor ?? demoCorridorId,
      quote,
      senderAccountId: bankIdFromName(from),
      beneficiaryAccountId: bankIdFromName(to),
      travelRule: travelRule(from, to),
    });
    this.ledger.track(`#${++this.#sent} ${from} -> ${to}`, answer);
    return { answer, quote };
  }

  /** Opens hk-wallet accounts for the test (operated by it), funds them and sets their KYC levels. */
  async openAccounts(accounts: readonly { name: string; amount: bigint; level: number }[]) {
    const hk = this.org('hk-wallet');
    const open = accounts.map((a) =>
      createAccount({
        id: bankIdFromName(a.name),
        currency: 'HKD',
        owner: orgOwner(hk.id),
        flags: ['debits_must_not_exceed_credits'],
      }),
    );
    await runCalls(this.net, hk, open);
    const setUp = accounts.flatMap((a) => {
      const accountId = bankIdFromName(a.name);
      const funding = issue({ id: createBankId(), accountId, amount: a.amount, currency: 'HKD' });
      const args = { accountId, level: a.level };
      return [funding, { module: 'remittance', method: 'set_kyc', args }];
    });
    await runCalls(this.net, hk, setUp);
    for (const a of accounts) this.ledger.accounts.add(a.name);
  }

  /** A corridor like the demo's (same organisations and accounts), registered by the bank. */
  async registerCorridor(id: string, acceptWindowSec: number, regulators: string[]) {
    const args = corridorArgs({
      id,
      sendCurrency: 'HKD',
      receiveCurrency: 'PHP',
      ...demoCorridorOrgs,
      regulators,
      accounts: demoCorridorAccounts(),
      acceptWindowSec,
      kycTiers: demoKycTiers.map((t) => ({ ...t })),
    });
    const call = { module: 'remittance', method: 'register_corridor', args };
    // Registered on the bank's node; the sends that use it go to hk-wallet's.
    await everyNodeAt(this.net, await runCalls(this.net, this.org(demoCorridorOrgs.fxOrg), [call]));
  }

  /** Balances of named accounts as node `node` (default hk-wallet's) sees them. */
  balances(names: readonly string[], node = this.org('hk-wallet').node) {
    return balances(clientOn(this.net, this.org('hk-wallet'), node), names);
  }
}

/** The Travel-Rule parties of the demo's people; a test account's holder otherwise. */
export function travelRule(from: string, to: string): TravelRule {
  const party = (name: string) =>
    demoPeople[name] ?? { name: 'Dora Ho', accountRef: name.slice(0, 64) };
  return { originator: party(from), beneficiary: party(to) };
}

/** Balances (posted) of named accounts, read from one client. */
export async function balances(
  client: Client,
  names: readonly string[],
): Promise<Record<string, bigint>> {
  const read = await Promise.all(names.map((n) => getAccount(client, { id: bankIdFromName(n) })));
  return Object.fromEntries(names.map((n, i) => [n, read[i]!.balance]));
}

/**
 * Per currency: the issuer account holds minus the supply, the other accounts hold the supply between
 * them, and pending debits equal pending credits (a reservation has both sides).
 */
export async function checkSupply(client: Client, ledger: Ledger): Promise<void> {
  const accounts = await Promise.all(
    [...ledger.accounts].map((n) => getAccount(client, { id: bankIdFromName(n) })),
  );
  for (const code of ['HKD', 'PHP']) {
    const { supply } = await getCurrency(client, { code });
    const issuerId = toHex(bankIdFromName(`issuer/${code}`));
    const mine = accounts.filter((a) => a.currency === code);
    const issuer = mine.find((a) => a.id === issuerId);
    assert.equal(issuer?.balance, -supply, `${code}: the issuer account holds minus the supply`);
    const held = mine.filter((a) => a !== issuer).reduce((s, a) => s + a.balance, 0n);
    assert.equal(held, supply, `${code}: the accounts hold the supply`);
    const debits = mine.reduce((s, a) => s + a.debitsPending, 0n);
    const credits = mine.reduce((s, a) => s + a.creditsPending, 0n);
    assert.equal(debits, credits, `${code}: pending debits = pending credits`);
  }
}

/** The state each of a remittance's legs must be in for its status. */
const legStateOf: Readonly<Record<RemittanceStatus, string>> = {
  pending: 'pending',
  held: 'pending',
  completed: 'posted',
  rejected: 'voided',
  refused: 'voided',
  expired: 'voided',
};

/** The state of a leg, from the certified state (GET /v1/state): its record and its status. */
async function legState(client: Client, legId: Uint8Array): Promise<string | undefined> {
  const status = await getProof(client, {
    key: moduleKey('bank', bankKeys.transferStatus(legId)),
  });
  if (status.value !== null)
    return decodeTransferStatus(decodeStored(fromHex(status.value), 'bank')).state;
  // A leg the receiving wallet's policy had made posted at send is a plain transfer, with no
  // pending state to move; a record's absence has no proof, so the API answers 404 for none.
  const record = await getProof(client, {
    key: moduleRecordKey('bank', bankKeys.transfer(legId)),
  }).catch((error: unknown) => {
    if (error instanceof Error && /not found/.test(error.message)) return undefined;
    throw error;
  });
  if (record?.value == null) return undefined;
  const t = decodeTransfer(decodeStored(fromHex(record.value), 'bank'), undefined);
  assert.equal(t.flags & transferFlags.pending, 0, 'a pending leg has a status');
  return 'posted';
}

/** Every remittance's four legs are all in the state its status says: posted, voided or pending. */
export async function checkLegs(client: Client, ledger: Ledger): Promise<void> {
  for (const [name, id] of ledger.remittances) {
    const r = await getRemittance(client, { id });
    const states = await Promise.all(legIds(id).map((leg) => legState(client, leg)));
    const want = legStateOf[r.status];
    assert.deepEqual(states, [want, want, want, want], `${name} is ${r.status}`);
  }
}

/** Both invariants, once the node the client reads has caught up with the others. */
export async function checkInvariants(client: Client, ledger: Ledger): Promise<void> {
  await eventually(
    async () => {
      await checkSupply(client, ledger);
      await checkLegs(client, ledger);
      return true;
    },
    settleMs,
    'supply conserved and legs agreeing with statuses',
  );
}

/** The UTC day of a time, as the positions endpoint names it. */
export function isoDay(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

/** For assert.rejects: a TallyError with this code (and HTTP status); anything else fails naming it. */
export function hasCode(code: string, status?: number) {
  return (error: unknown): true => {
    const ok =
      error instanceof TallyError &&
      error.code === code &&
      (status === undefined || error.details?.status === status);
    if (!ok) assert.fail(`expected ${code} ${status ?? ''}, got ${String(error)}`);
    return true;
  };
}

/** A party's name from a remittance's decrypted Travel-Rule data, when the caller got it. */
export function partyName(
  r: RemittanceView,
  side: 'originator' | 'beneficiary',
): string | undefined {
  const party = r.travelRule?.[side];
  return typeof party === 'object' && party !== null && 'name' in party
    ? String(party.name)
    : undefined;
}

/** The ids of the transfers that post a remittance's legs (the shared contract's derivation). */
export function postIds(id: Uint8Array): Uint8Array[] {
  const tag = utf8('tally/remittance/post');
  return [0, 1, 2, 3].map((leg) =>
    sha256(concatBytes(tag, id, new Uint8Array([leg]))).slice(0, 16),
  );
}

/** A pacs.008 for HKD 250.00 between two wallet accounts (their ids as Othr/Id). */
export function pacs008Xml(uetr: string, from: string, to: string): string {
  return buildPacs008({
    msgId: `E2E-${uetr.slice(0, 8)}`,
    createdAt: new Date().toISOString(),
    settlementMethod: 'INDA',
    uetr,
    endToEndId: 'E2E-PACS-1',
    interbankSettlement: { currency: 'PHP', amount: '1800.00' },
    instructed: { currency: 'HKD', amount: '250.00' },
    chargeBearer: 'DEBT',
    charges: [],
    intermediaryAgents: [],
    debtor: { name: travelRule(from, to).originator.name, country: 'HK' },
    debtorAccount: { id: { other: toHex(bankIdFromName(from)) } },
    debtorAgent: { bic: 'HKWAHKHH' },
    creditorAgent: { bic: 'PHWAPHMM' },
    creditor: { name: travelRule(from, to).beneficiary.name, country: 'PH' },
    creditorAccount: { id: { other: toHex(bankIdFromName(to)) } },
  });
}
