// The remittance benchmark's network side (bench/remittance.ts): the HKD-PHP corridor set up through
// the SDK with each organisation's API client key, the finality stream and the batch submitter.
import WebSocket from 'ws';
import { corridorArgs, policyArgs } from '../src/apps/remittance/args.ts';
import type { TravelRule } from '../src/apps/remittance/travel-rule.ts';
import type { EnvelopeRecipient } from '../src/crypto/envelope.ts';
import type { KeyPair } from '../src/crypto/suite.ts';
import { getSuite } from '../src/crypto/suites.ts';
import { orgOwner } from '../src/modules/identity/index.ts';
import { busyRetryDelayMs } from '../src/sdk/actions/submitTransactions.ts';
import { signedSocketPath } from '../src/sdk/auth.ts';
import {
  type BankCall,
  buildTransaction,
  type CborValue,
  type Client,
  createAccount,
  createBankId,
  createClient,
  getBalance,
  issue,
  type LocalAccount,
  registerCurrency,
  signTransaction,
  submitTransactions,
  TallyError,
} from '../src/sdk/index.ts';
import { toHex } from '../src/util/bytes.ts';
import type { TestNetwork } from '../test/e2e/harness.ts';
import { waitFinal } from './lib/network-client.ts';

export const corridorId = 'HKD-PHP';
export const corridorOrgs = {
  sendingOrg: 'hk-wallet',
  receivingOrg: 'ph-wallet',
  fxOrg: 'settlement-bank',
  regulator: 'regulator-hk',
} as const;
/** Sender and beneficiary accounts: enough that no per-account limit or pending cap binds. */
export const sendersCount = 256;
export const beneficiariesCount = 256;
/** HKD minor units each sender starts with (HKD 10 million): far more than any run sends. */
const senderFunding = 1_000_000_000n;
/** The float on the accounts a remittance's pending legs debit before they post. */
const settlementFloat = 10n ** 13n;
/** One tier for everyone, so limits never bind (HKD minor units). */
const kycTier = { level: 1, perTxMax: 10n ** 9n, dailyMax: 10n ** 15n, monthlyMax: 10n ** 16n };
/** Made-up names, far from every sender's and beneficiary's, so screening does its real work. */
const sanctionedNames = ['Viktor Draganov', 'Boris Karimov Zelenko', 'Marta Kovalenko'];
export const submitBatchMax = 500;
const setupWaitMs = 120_000;
const balancesChecked = 8;
/** Long enough for a transaction built ahead of its send (the ledger allows 10 minutes). */
export const txLifetimeMs = 300_000;

export type Org = {
  readonly id: string;
  /** The organisation's API client key, and an SDK account over it. */
  readonly key: KeyPair;
  readonly account: LocalAccount;
  readonly client: Client;
};
export type Corridor = {
  readonly chainId: string;
  readonly orgs: ReadonlyMap<string, Org>;
  readonly senders: readonly Uint8Array[];
  readonly beneficiaries: readonly Uint8Array[];
  /** The organisations entitled to the Travel-Rule data, with their X25519 keys. */
  readonly recipients: readonly EnvelopeRecipient[];
};

/** When a transaction was final on the watched node, its code, and its remittance status if any. */
export type FinalityEntry = { code: string; atMs: number; status?: string };
export type Finality = Map<string, FinalityEntry>;

type TxMessage = {
  type: string;
  txId?: string;
  code?: string;
  events?: { module: string; type: string; attributes: { status?: unknown } }[];
};

/** Follows executed receipts on the client's node; records when each transaction became final. */
export function watchFinality(client: Client, finality: Finality): Promise<WebSocket> {
  const path = signedSocketPath(client.account!, '/v1/events?types=tx', Date.now());
  const socket = new WebSocket(`${client.url.replace(/^http/, 'ws')}${path}`);
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as TxMessage;
    if (m.type !== 'tx' || m.txId === undefined) return;
    const entry: FinalityEntry = { code: m.code ?? '', atMs: Date.now() };
    const statuses = m.events?.filter((e) => e.type === 'remittance_status') ?? [];
    const status = statuses.at(-1)?.attributes.status; // the last status change wins
    if (typeof status === 'string') entry.status = status;
    finality.set(m.txId, entry);
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A signed transaction as it goes to POST /v1/txs. */
export type SignedTx = { readonly txId: string; readonly bytes: Uint8Array };

/**
 * An SDK account over node:crypto (what a wallet backend on Node would use): the SDK's own accounts
 * sign with @noble/curves for the browser, several times slower, which would be the bench's cost.
 */
export function nodeAccount(key: KeyPair): LocalAccount {
  const suite = getSuite(key.suite);
  const secretKey = new Uint8Array(key.secretKey);
  return Object.freeze({
    type: 'local',
    suite: key.suite,
    publicKey: key.publicKey,
    publicKeyHex: toHex(key.publicKey),
    sign: (message: Uint8Array) => suite.sign(message, secretKey),
  });
}

/** Per-code counts of what was refused at admission or executed with a code other than 'ok'. */
export type Codes = Map<string, number>;

export function countCode(codes: Codes, code: string, n = 1): void {
  codes.set(code, (codes.get(code) ?? 0) + n);
}

/**
 * Posts one batch (at most submitBatchMax); answers the ids admitted. A refused batch (503, 429) or
 * a refused transaction counts under its code.
 */
export async function submitBatch(
  client: Client,
  txs: readonly SignedTx[],
  refused: Codes,
): Promise<string[]> {
  try {
    const transactions = txs.map((t) => t.bytes);
    const { results } = await submitTransactions(client, { transactions });
    const admitted: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'admitted') admitted.push(txs[i]!.txId);
      else countCode(refused, r.code ?? 'rejected');
    });
    return admitted;
  } catch (error) {
    countCode(refused, error instanceof TallyError ? error.code : String(error), txs.length);
    return [];
  }
}

type Call = { module: string; method: string; args: CborValue } | BankCall;

/**
 * Submits every transaction, as a wallet backend would: the SDK sends again what the node refuses
 * as full (its admission limit, a few seconds of what it commits), within setup's wait. Any other
 * refusal fails the setup.
 */
async function submitAll(org: Org, txs: readonly SignedTx[]): Promise<void> {
  for (let i = 0; i < txs.length; i += submitBatchMax) {
    const { results } = await submitTransactions(org.client, {
      transactions: txs.slice(i, i + submitBatchMax).map((t) => t.bytes),
      retry: { attemptsMax: Math.ceil(setupWaitMs / busyRetryDelayMs) },
    });
    const refused: Codes = new Map();
    for (const r of results) if (r.status === 'rejected') countCode(refused, r.code ?? 'rejected');
    if (refused.size > 0)
      throw new Error(`setup (${org.id}): refused ${JSON.stringify(Object.fromEntries(refused))}`);
  }
}

/** Signs calls with an organisation's key, submits them to its node and waits for all to be 'ok'. */
async function runCalls(
  org: Org,
  chainId: string,
  calls: readonly Call[],
  finality: Finality,
): Promise<void> {
  const txs = calls.map((c) =>
    signTransaction(org.account, buildTransaction({ chainId, ...c, expiresInMs: txLifetimeMs })),
  );
  await submitAll(org, txs);
  const ids = txs.map((t) => t.txId);
  const missing = await waitFinal(ids, finality, setupWaitMs);
  if (missing > 0) throw new Error(`setup (${org.id}): ${missing} transactions not final`);
  const failed = txs.filter((t) => finality.get(t.txId)!.code !== 'ok');
  if (failed.length > 0) {
    const t = failed[0]!;
    const code = finality.get(t.txId)!.code;
    throw new Error(`setup (${org.id}): ${failed.length} failed, e.g. ${t.method}: ${code}`);
  }
}

/** A client per corridor organisation, on its own node, with its API client key. */
export function openOrgs(net: TestNetwork): Map<string, Org> {
  const orgs = new Map<string, Org>();
  const chainId = net.genesis.chainId;
  for (const orgId of Object.values(corridorOrgs)) {
    const index = net.network.clients.findIndex((c) => c.name === `${orgId}-api`);
    const node = net.network.nodes.find((n) => n.orgId === orgId);
    if (index < 0 || node === undefined) throw new Error(`the network has no ${orgId}`);
    const key = net.clientKey(index);
    const account = nodeAccount(key);
    orgs.set(orgId, {
      id: orgId,
      key,
      account,
      client: createClient({ url: node.apiUrl, account, chainId }),
    });
  }
  return orgs;
}

function openAccount(id: Uint8Array, currency: string, operator: string): BankCall {
  const owner = orgOwner(operator);
  return createAccount({ id, currency, owner, flags: ['debits_must_not_exceed_credits'] });
}

function fund(accountId: Uint8Array, amount: bigint, currency: string): BankCall {
  return issue({ id: createBankId(), accountId, amount, currency });
}

const remittanceCall = (method: string, args: CborValue) => ({
  module: 'remittance',
  method,
  args,
});

/**
 * The corridor: HKD (issuer hk-wallet) and PHP (issuer ph-wallet), the bank's four accounts with a
 * float, many funded senders at a KYC level, beneficiaries, a sanctions list, and ph-wallet's policy
 * auto-accepting everything, so one send completes the remittance in its block.
 */
export async function setUpCorridor(
  net: TestNetwork,
  orgs: ReadonlyMap<string, Org>,
  finality: Finality,
): Promise<Corridor> {
  const chainId = net.genesis.chainId;
  const { sendingOrg, receivingOrg, fxOrg, regulator } = corridorOrgs;
  const run = (orgId: string, calls: readonly Call[]) =>
    runCalls(orgs.get(orgId)!, chainId, calls, finality);
  const senders = Array.from({ length: sendersCount }, () => createBankId());
  const beneficiaries = Array.from({ length: beneficiariesCount }, () => createBankId());
  const bank = {
    sendingSettlement: createBankId(),
    fxSend: createBankId(),
    fxReceive: createBankId(),
    receivingSettlement: createBankId(),
  };
  await Promise.all([
    run(sendingOrg, [
      registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId: createBankId() }),
    ]),
    run(receivingOrg, [
      registerCurrency({ code: 'PHP', decimals: 2, issuerAccountId: createBankId() }),
    ]),
    run(regulator, [remittanceCall('load_sanctions', { names: sanctionedNames, replace: true })]),
  ]);
  await Promise.all([
    run(
      sendingOrg,
      senders.map((id) => openAccount(id, 'HKD', sendingOrg)),
    ),
    run(
      receivingOrg,
      beneficiaries.map((id) => openAccount(id, 'PHP', receivingOrg)),
    ),
    run(fxOrg, [
      openAccount(bank.sendingSettlement, 'HKD', fxOrg),
      openAccount(bank.fxSend, 'HKD', fxOrg),
      openAccount(bank.fxReceive, 'PHP', fxOrg),
      openAccount(bank.receivingSettlement, 'PHP', fxOrg),
    ]),
  ]);
  const corridor = corridorArgs({
    id: corridorId,
    sendCurrency: 'HKD',
    receiveCurrency: 'PHP',
    sendingOrg,
    receivingOrg,
    fxOrg,
    regulators: [regulator],
    accounts: bank,
    acceptWindowSec: 3600,
    kycTiers: [kycTier],
  });
  await Promise.all([
    run(sendingOrg, [
      ...senders.map((id) => fund(id, senderFunding, 'HKD')),
      fund(bank.sendingSettlement, settlementFloat, 'HKD'),
    ]),
    run(receivingOrg, [
      fund(bank.fxReceive, settlementFloat, 'PHP'),
      fund(bank.receivingSettlement, settlementFloat, 'PHP'),
    ]),
    run(fxOrg, [remittanceCall('register_corridor', corridor)]),
  ]);
  await Promise.all([
    run(
      sendingOrg,
      senders.map((accountId) => remittanceCall('set_kyc', { accountId, level: kycTier.level })),
    ),
    run(receivingOrg, [
      remittanceCall(
        'set_acceptance_policy',
        policyArgs({ corridor: corridorId, autoAccept: true }),
      ),
    ]),
  ]);
  const entitled = [sendingOrg, receivingOrg, fxOrg, regulator];
  const recipients = entitled.map((id) => {
    const key = net.genesis.organizations.find((o) => o.id === id)?.encryptionKey;
    if (key === undefined) throw new Error(`${id} has no encryption key in the genesis`);
    return { id, publicKey: key };
  });
  return { chainId, orgs, senders, beneficiaries, recipients };
}

const hkSurnames = ['Chan', 'Wong', 'Lee', 'Cheung', 'Lau', 'Ho', 'Ng', 'Leung'];
const hkGiven = ['Tai Man', 'Siu Ming', 'Ka Yan', 'Wai Kit', 'Mei Ling', 'Chi Keung', 'Hoi Yan'];
const phGiven = ['Maria', 'Jose', 'Ana', 'Juan', 'Rosa', 'Mark', 'Liza', 'Paolo'];
const phSurnames = ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Villanueva'];

/** The k-th remittance of the whole run: which sender pays which beneficiary, as the Travel Rule says. */
export function partiesOf(k: number, corridor: Corridor) {
  const sender = k % corridor.senders.length;
  const beneficiary = (k + Math.floor(k / corridor.senders.length)) % corridor.beneficiaries.length;
  const travelRule: TravelRule = {
    originator: {
      name: `${hkSurnames[sender % 8]} ${hkGiven[sender % 7]}`,
      accountRef: `hk-wallet/${sender}`,
      address: { lines: ['12 Nathan Road', 'Kowloon'], country: 'HK' },
    },
    beneficiary: {
      name: `${phGiven[beneficiary % 8]} ${phSurnames[beneficiary % 7]}`,
      accountRef: `ph-wallet/${beneficiary}`,
    },
    purpose: 'family support',
  };
  return { sender, beneficiary, travelRule };
}

/** Runs fn(0..n-1) with at most `concurrency` in flight; answers the results in order. */
export async function mapConcurrent<T>(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}

/** A client with the sending wallet's key on the FX provider's node: where quotes come from. */
export function quoterOf(corridor: Corridor): Client {
  const hk = corridor.orgs.get(corridorOrgs.sendingOrg)!;
  const bank = corridor.orgs.get(corridorOrgs.fxOrg)!;
  return createClient({ url: bank.client.url, account: hk.account, chainId: corridor.chainId });
}

/** Every sampled beneficiary holds exactly what its completed remittances paid out. */
export async function checkBalances(
  corridor: Corridor,
  expected: readonly bigint[],
): Promise<number> {
  const ph = corridor.orgs.get(corridorOrgs.receivingOrg)!.client;
  const step = Math.max(1, Math.floor(corridor.beneficiaries.length / balancesChecked));
  let checked = 0;
  for (let b = 0; b < corridor.beneficiaries.length; b += step) {
    const { balance } = await getBalance(ph, { accountId: corridor.beneficiaries[b]! });
    if (balance !== expected[b])
      throw new Error(`beneficiary ${b}: balance ${balance}, expected ${expected[b]}`);
    checked++;
  }
  return checked;
}
