// Demo data for `npm start` (DESIGN "The remittance"), through the SDK with the organisations' API keys:
// HKD and PHP, the wallets' customers, the bank's accounts, funding, then the remittance part
// (seed-remittance.ts). Ids come from names, so a rerun meets 'exists'; a marker file records the run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { orgOwner } from '../../modules/identity/index.ts';
import {
  buildTransaction,
  type Client,
  createAccount,
  createClient,
  createTransfer,
  issue,
  type LocalAccount,
  registerCurrency,
  type SignedTransaction,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../../sdk/index.ts';
import { assert } from '../../util/assert.ts';
import { TallyError } from '../../util/errors.ts';
import { loadNetworkAccount } from '../client-key.ts';
import { bankIdFromName } from '../tx-args.ts';
import { fileNames } from './layout.ts';
import type { Network, NetworkClient } from './network.ts';
import {
  canRunRemittanceDemo,
  type DemoOrg,
  demoCorridorId,
  demoCorridorOrgs,
  demoRegulators,
  demoRemittances,
  type PlannedCall,
  planCorridor,
  planPolicy,
  planSanctions,
  remittanceSettledCodes,
  sendDemoRemittances,
} from './seed-remittance.ts';

/** Bump when the demo data changes, so networks seeded by an older version are seeded again. */
export const seedVersion = 2;
/** How long one step may wait for its transactions to be final. */
export const seedWaitMsMax = 30_000;
const pollInitialMs = 50;
const pollMaxMs = 250;
/** Attempts more for a step the node refused part of as full (each waits what the node asks). */
const seedSubmitRetries = 5;

export type SeedResult =
  | { readonly seeded: false; readonly reason: 'already_seeded' }
  | { readonly seeded: true; readonly transactions: number; readonly remittances: number };

export type SeedOptions = {
  /** Where the summary goes (default console.log); tests pass their own. */
  readonly log?: (line: string) => void;
};

type DemoCurrency = { code: string; decimals: number; issuers: readonly string[] };
/** An account an organisation operates: owner orgOwner(operator), never allowed to overdraw. */
export type DemoAccount = { name: string; currency: string; operator: string };
type DemoIssue = { id: string; to: string; amount: bigint; currency: string };
type DemoMove = DemoIssue & { from: string };

// The issuers in order of preference: each wallet issues its own currency; the settlement bank (also
// an issuer) stands in when a smaller network lacks that wallet, then any issuer.
const demoCurrencies: readonly DemoCurrency[] = [
  { code: 'HKD', decimals: 2, issuers: ['hk-wallet', 'settlement-bank'] },
  { code: 'PHP', decimals: 2, issuers: ['ph-wallet', 'settlement-bank'] },
];

export const demoAccounts: readonly DemoAccount[] = [
  { name: 'hk-wallet/alice', currency: 'HKD', operator: 'hk-wallet' },
  { name: 'hk-wallet/bob', currency: 'HKD', operator: 'hk-wallet' },
  { name: 'hk-wallet/chan', currency: 'HKD', operator: 'hk-wallet' },
  { name: 'ph-wallet/maria', currency: 'PHP', operator: 'ph-wallet' },
  { name: 'ph-wallet/jose', currency: 'PHP', operator: 'ph-wallet' },
  { name: 'ph-wallet/victor', currency: 'PHP', operator: 'ph-wallet' },
  // The wallets' settlement accounts and the bank's FX accounts, on the bank's books.
  { name: 'settlement-bank/hk-wallet', currency: 'HKD', operator: 'settlement-bank' },
  { name: 'settlement-bank/fx-hkd', currency: 'HKD', operator: 'settlement-bank' },
  { name: 'settlement-bank/fx-php', currency: 'PHP', operator: 'settlement-bank' },
  { name: 'settlement-bank/ph-wallet', currency: 'PHP', operator: 'settlement-bank' },
];

/**
 * Issued by the currency's issuer. The accounts a remittance's pending legs debit on the way (the
 * sending settlement account, the bank's PHP and the receiving settlement account) are prefunded:
 * a pending debit needs posted credits.
 */
export const demoFunding: readonly DemoIssue[] = [
  { id: 'demo/issue/hk-wallet/alice', to: 'hk-wallet/alice', amount: 2_000_000n, currency: 'HKD' },
  { id: 'demo/issue/hk-wallet/bob', to: 'hk-wallet/bob', amount: 500_000n, currency: 'HKD' },
  { id: 'demo/issue/hk-wallet/chan', to: 'hk-wallet/chan', amount: 300_000n, currency: 'HKD' },
  {
    id: 'demo/issue/settlement-bank/hk-wallet',
    to: 'settlement-bank/hk-wallet',
    amount: 50_000_000n,
    currency: 'HKD',
  },
  {
    id: 'demo/issue/settlement-bank/fx-php',
    to: 'settlement-bank/fx-php',
    amount: 500_000_000n,
    currency: 'PHP',
  },
  {
    id: 'demo/issue/settlement-bank/ph-wallet',
    to: 'settlement-bank/ph-wallet',
    amount: 500_000_000n,
    currency: 'PHP',
  },
];

/** Wallet traffic, so the explorer has some history besides the remittances. */
export const demoTransfers: readonly DemoMove[] = [
  {
    id: 'demo/transfer/bob-alice',
    from: 'hk-wallet/bob',
    to: 'hk-wallet/alice',
    amount: 12_000n,
    currency: 'HKD',
  },
];

/** A result that leaves the demo data in place: done now, or done by an earlier run. */
const settledCodes: readonly string[] = ['ok', 'exists'];

function seedMarkerPath(network: Network): string {
  return join(network.dir, fileNames.seededMarker);
}

function seededVersion(network: Network): number | undefined {
  const path = seedMarkerPath(network);
  if (!existsSync(path)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const version = (value as { version?: unknown } | null)?.version;
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined; // an unreadable marker: seed again rather than trust it
  }
}

/** One organisation's client key and a client on its own node. */
type OrgSigner = {
  readonly orgId: string;
  readonly account: LocalAccount;
  readonly client: Client;
};

type Signers = {
  /** Organisations that can sign here: a client key with the submit and read roles. */
  readonly available: ReadonlySet<string>;
  get(orgId: string): OrgSigner;
  /** A client with `orgId`'s key on another organisation's node. */
  on(orgId: string, nodeOrgId: string): Client;
};

function nodeUrl(network: Network, orgId: string): string {
  const node = network.nodes.find((n) => n.orgId === orgId) ?? network.nodes[0];
  assert(node !== undefined, 'a network has a node');
  return node.apiUrl;
}

/** Decrypts a key (scrypt: tens of ms) only for an organisation that signs something. */
function createSigners(network: Network): Signers {
  const keys = new Map<string, NetworkClient>();
  for (const key of network.clients)
    if (!keys.has(key.orgId) && key.roles.includes('submit') && key.roles.includes('read'))
      keys.set(key.orgId, key);
  const opened = new Map<string, OrgSigner>();
  const chainId = network.genesis.chainId;
  const get = (orgId: string): OrgSigner => {
    const known = opened.get(orgId);
    if (known !== undefined) return known;
    const key = keys.get(orgId);
    assert(key !== undefined, 'a signer is only asked for when available');
    const account = loadNetworkAccount(key);
    const client = createClient({ url: nodeUrl(network, orgId), account, chainId });
    const signer = { orgId, account, client };
    opened.set(orgId, signer);
    return signer;
  };
  return {
    available: new Set(keys.keys()),
    get,
    on: (orgId, nodeOrgId) =>
      createClient({ url: nodeUrl(network, nodeOrgId), account: get(orgId).account, chainId }),
  };
}

/** Signs a step's calls, submits each organisation's as one request, waits for all. */
async function runStep(
  chainId: string,
  signers: Signers,
  calls: readonly PlannedCall[],
): Promise<void> {
  const signed = calls.map((c) => {
    const signer = signers.get(c.orgId);
    const tx = signTransaction(signer.account, buildTransaction({ chainId, ...c.call }));
    return { ...c, signer, tx };
  });
  const byOrg = new Map<OrgSigner, (typeof signed)[number][]>();
  for (const s of signed) byOrg.set(s.signer, [...(byOrg.get(s.signer) ?? []), s]);
  await Promise.all(
    [...byOrg].map(async ([signer, items]) => {
      const transactions: SignedTransaction[] = items.map((i) => i.tx);
      // A node busy with other work refuses part of a step as full; the SDK sends that again.
      const { results } = await submitTransactions(signer.client, {
        transactions,
        retry: { attemptsMax: seedSubmitRetries },
      });
      results.forEach((r, i) => {
        if (r.status === 'rejected')
          throw seedFailed(items[i]!.label, r.code ?? 'rejected', r.message);
      });
    }),
  );
  await Promise.all(
    signed.map(async (s) => {
      const receipt = await waitForTransaction(s.signer.client, {
        txId: s.tx.txId,
        timeoutMs: seedWaitMsMax,
        pollInitialMs,
        pollMaxMs,
      });
      if (!settledCodes.includes(receipt.code))
        throw seedFailed(s.label, receipt.code, receipt.message);
    }),
  );
}

function seedFailed(label: string, code: string, message: string | undefined): TallyError {
  return new TallyError(
    'seed_failed',
    `demo data: ${label} failed with ${code}${message ? ` (${message})` : ''}; the chain may already hold other data under these names: start afresh with 'npm start -- --fresh'.`,
    { details: { label, code } },
  );
}

export type SeedPlan = {
  /** Each step's calls depend on the steps before. */
  readonly steps: readonly (readonly PlannedCall[])[];
  /** Whether the corridor can be set up here, so the demo remittances can be sent after the steps. */
  readonly remittances: boolean;
  readonly issuers: ReadonlyMap<string, string>;
  readonly accounts: readonly DemoAccount[];
};

/** Each currency's issuer: the first preferred one present, else any issuer that can sign. */
function chooseIssuers(orgs: readonly DemoOrg[], signable: ReadonlySet<string>) {
  const issuers = orgs
    .filter((o) => o.roles.includes('issuer') && signable.has(o.id))
    .map((o) => o.id);
  const chosen = new Map<string, string>();
  for (const currency of demoCurrencies) {
    const orgId = currency.issuers.find((id) => issuers.includes(id)) ?? issuers[0];
    if (orgId !== undefined) chosen.set(currency.code, orgId);
  }
  return chosen;
}

/** The demo's transactions for these organisations (those in `signable` can sign), pure. */
export function planSeed(orgs: readonly DemoOrg[], signable: ReadonlySet<string>): SeedPlan {
  const issuers = chooseIssuers(orgs, signable);
  const accounts = demoAccounts.filter((a) => issuers.has(a.currency) && signable.has(a.operator));
  const present = new Set(accounts.map((a) => a.name));
  const register = demoCurrencies.flatMap((c) => {
    const orgId = issuers.get(c.code);
    if (orgId === undefined) return [];
    const issuerAccountId = bankIdFromName(`issuer/${c.code}`);
    const call = registerCurrency({ code: c.code, decimals: c.decimals, issuerAccountId });
    return [{ label: `registering ${c.code} (issuer ${orgId})`, orgId, call }];
  });
  const open = accounts.map((a) => ({
    label: `opening ${a.name}`,
    orgId: a.operator,
    call: createAccount({
      id: bankIdFromName(a.name),
      currency: a.currency,
      owner: orgOwner(a.operator),
      flags: ['debits_must_not_exceed_credits'],
    }),
  }));
  const fund = demoFunding
    .filter((m) => present.has(m.to))
    .map((m) => ({
      label: `issuing to ${m.to}`,
      orgId: issuers.get(m.currency)!,
      call: issue({ ...moveIds(m), accountId: bankIdFromName(m.to) }),
    }));
  const move = demoTransfers
    .filter((m) => present.has(m.from) && present.has(m.to))
    .map((m) => ({
      label: `transfer ${m.from} -> ${m.to}`,
      orgId: accounts.find((a) => a.name === m.from)!.operator,
      call: createTransfer({
        ...moveIds(m),
        debitAccountId: bankIdFromName(m.from),
        creditAccountId: bankIdFromName(m.to),
      }),
    }));
  const remittances =
    canRunRemittanceDemo(orgs, signable) && ['HKD', 'PHP'].every((c) => issuers.has(c));
  const steps = remittances
    ? [
        [...register, ...planSanctions(orgs, signable)],
        open,
        [...fund, ...planCorridor(orgs)],
        [...move, ...planPolicy()],
      ]
    : [register, open, fund, move];
  return { steps: steps.filter((s) => s.length > 0), remittances, issuers, accounts };
}

function moveIds(m: DemoIssue) {
  return { id: bankIdFromName(m.id), amount: m.amount, currency: m.currency };
}

function summarise(network: Network, plan: SeedPlan, statuses: readonly string[]): string[] {
  const count = (p: string) => plan.steps.flat().filter((c) => c.label.startsWith(p)).length;
  const currencies = [...plan.issuers].map(([code, org]) => `${code} (issuer ${org})`).join(', ');
  const regulators = demoRegulators(network.genesis.organizations);
  const remittance = plan.remittances
    ? `  remittance: corridor ${demoCorridorId} (${demoCorridorOrgs.fxOrg}; regulators ${regulators.join(', ') || 'none'}); ${statuses.length} remittances: ${statuses.join(', ')}`
    : `  remittance: skipped (needs ${Object.values(demoCorridorOrgs).join(', ')})`;
  return [
    `demo data: ${currencies || 'no organisation has the issuer role'}; ${count('opening ')} accounts, ${count('issuing ')} issues, ${count('transfer ')} transfers`,
    `  accounts: ${plan.accounts.map((a) => a.name).join(', ')}`,
    remittance,
    `  try: npx tally query balance ${plan.accounts[0]?.name ?? 'hk-wallet/alice'}   npx tally remit --help`,
  ];
}

/** Sends the demo remittances through the sending wallet's gateway; answers their statuses. */
async function seedRemittances(signers: Signers): Promise<string[]> {
  const { sendingOrg, fxOrg } = demoCorridorOrgs;
  const answers = await sendDemoRemittances({
    sender: signers.get(sendingOrg).client,
    quoter: signers.on(sendingOrg, fxOrg),
  });
  return answers.map((a, i) => {
    const label = `sending ${demoRemittances[i]!.name}`;
    if (a.code === undefined || !remittanceSettledCodes.includes(a.code))
      throw seedFailed(label, a.code ?? 'not_final', a.message);
    return a.remittance?.status ?? 'unknown';
  });
}

/** The seeding itself: returns how many transactions it submitted, remittances included. */
async function seedSteps(
  network: Network,
  log: (line: string) => void,
): Promise<{ transactions: number; remittances: number }> {
  const signers = createSigners(network);
  const plan = planSeed(network.genesis.organizations, signers.available);
  for (const step of plan.steps) await runStep(network.genesis.chainId, signers, step);
  const statuses = plan.remittances ? await seedRemittances(signers) : [];
  for (const line of summarise(network, plan, statuses)) log(line);
  const signed = plan.steps.reduce((n, step) => n + step.length, 0);
  return { transactions: signed + statuses.length, remittances: statuses.length };
}

/** Seeds the demo data unless this network already has it (marker file at least seedVersion). */
export async function seedDemoData(
  network: Network,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const version = seededVersion(network);
  if (version !== undefined && version >= seedVersion)
    return { seeded: false, reason: 'already_seeded' };
  const counts = await seedSteps(network, options.log ?? console.log);
  const marker = { version: seedVersion, seededAtMs: Date.now(), ...counts };
  writeFileSync(seedMarkerPath(network), `${JSON.stringify(marker)}\n`);
  return { seeded: true, ...counts };
}
