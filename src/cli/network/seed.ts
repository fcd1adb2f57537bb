// Demo data for `npm start`: the remittance demo's starting point (DESIGN "The remittance"), submitted
// through the SDK with the organisations' API client keys once the nodes are ready: HKD and PHP,
// wallet and settlement accounts, funding and a few transfers. Every id is chosen by name, so a rerun
// only meets 'exists'; a marker file records that it ran, so a resumed network is not seeded twice.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BankCall,
  buildTransaction,
  type Client,
  createAccount,
  createClient,
  createTransfer,
  issue,
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

/** Bump when seedSteps changes, so networks seeded by an older version are seeded again. */
export const seedVersion = 1;
/** How long one step may wait for its transactions to be final. */
export const seedWaitMsMax = 30_000;
const pollInitialMs = 50;
const pollMaxMs = 250;

export type SeedResult =
  | { readonly seeded: false; readonly reason: 'already_seeded' }
  | { readonly seeded: true; readonly transactions: number };

export type SeedOptions = {
  /** Where the summary goes (default console.log); tests pass their own. */
  readonly log?: (line: string) => void;
};

type DemoCurrency = { code: string; decimals: number; issuers: readonly string[] };
type DemoAccount = { name: string; currency: string; owner: string };
type DemoIssue = { id: string; to: string; amount: bigint; currency: string };
type DemoMove = DemoIssue & { from: string };

// The issuers in order of preference: each wallet issues its own currency; the settlement bank (also
// an issuer) stands in when a smaller network lacks that wallet.
const demoCurrencies: readonly DemoCurrency[] = [
  { code: 'HKD', decimals: 2, issuers: ['hk-wallet', 'settlement-bank'] },
  { code: 'PHP', decimals: 2, issuers: ['ph-wallet', 'settlement-bank'] },
];

const demoAccounts: readonly DemoAccount[] = [
  { name: 'hk-wallet/float', currency: 'HKD', owner: 'hk-wallet' }, // customers' pooled funds
  { name: 'hk-wallet/alice', currency: 'HKD', owner: 'hk-wallet' },
  { name: 'hk-wallet/bob', currency: 'HKD', owner: 'hk-wallet' },
  { name: 'settlement-bank/hkd', currency: 'HKD', owner: 'settlement-bank' },
  { name: 'settlement-bank/php', currency: 'PHP', owner: 'settlement-bank' },
  { name: 'ph-wallet/float', currency: 'PHP', owner: 'ph-wallet' },
  { name: 'ph-wallet/maria', currency: 'PHP', owner: 'ph-wallet' },
];

/** Issued by the currency's issuer, out of its issuer account. */
const demoFunding: readonly DemoIssue[] = [
  { id: 'demo/issue/1', to: 'hk-wallet/float', amount: 5_000_000n, currency: 'HKD' },
  { id: 'demo/issue/2', to: 'hk-wallet/alice', amount: 200_000n, currency: 'HKD' },
  { id: 'demo/issue/3', to: 'hk-wallet/bob', amount: 150_000n, currency: 'HKD' },
  { id: 'demo/issue/4', to: 'settlement-bank/php', amount: 200_000_000n, currency: 'PHP' },
  { id: 'demo/issue/5', to: 'ph-wallet/float', amount: 50_000_000n, currency: 'PHP' },
];

/** A remittance's legs and some wallet traffic, so the explorer has history from the start. */
const demoTransfers: readonly DemoMove[] = [
  {
    id: 'demo/transfer/1',
    from: 'hk-wallet/alice',
    to: 'hk-wallet/float',
    amount: 50_000n,
    currency: 'HKD',
  },
  {
    id: 'demo/transfer/2',
    from: 'hk-wallet/float',
    to: 'settlement-bank/hkd',
    amount: 50_000n,
    currency: 'HKD',
  },
  {
    id: 'demo/transfer/3',
    from: 'settlement-bank/php',
    to: 'ph-wallet/float',
    amount: 355_000n,
    currency: 'PHP',
  },
  {
    id: 'demo/transfer/4',
    from: 'ph-wallet/float',
    to: 'ph-wallet/maria',
    amount: 355_000n,
    currency: 'PHP',
  },
  {
    id: 'demo/transfer/5',
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
type OrgSigner = { readonly orgId: string; readonly client: Client };
type SeedTx = { readonly label: string; readonly signer: OrgSigner; readonly call: BankCall };

type Signers = {
  /** Organisations that can sign here: a client key with the submit role, and a node. */
  readonly available: ReadonlySet<string>;
  get(orgId: string): OrgSigner;
};

/** Decrypts a key (scrypt: tens of ms) only for an organisation that signs something. */
function createSigners(network: Network): Signers {
  const keys = new Map<string, NetworkClient>();
  for (const key of network.clients)
    if (!keys.has(key.orgId) && key.roles.includes('submit')) keys.set(key.orgId, key);
  const opened = new Map<string, OrgSigner>();
  return {
    available: new Set(keys.keys()),
    get(orgId) {
      const known = opened.get(orgId);
      if (known !== undefined) return known;
      const key = keys.get(orgId);
      const node = network.nodes.find((n) => n.orgId === orgId) ?? network.nodes[0];
      assert(key !== undefined && node !== undefined, 'a signer is only asked for when available');
      const account = loadNetworkAccount(key);
      const client = createClient({ url: node.apiUrl, account, chainId: network.genesis.chainId });
      const signer = { orgId, client };
      opened.set(orgId, signer);
      return signer;
    },
  };
}

function chooseIssuers(network: Network, signers: Signers): Map<string, OrgSigner> {
  const issuers = network.genesis.organizations
    .filter((o) => o.roles.includes('issuer') && signers.available.has(o.id))
    .map((o) => o.id);
  const chosen = new Map<string, OrgSigner>();
  for (const currency of demoCurrencies) {
    const orgId = currency.issuers.find((id) => issuers.includes(id)) ?? issuers[0];
    if (orgId !== undefined) chosen.set(currency.code, signers.get(orgId));
  }
  return chosen;
}

/** Signs a step's transactions, submits each organisation's as one request, waits for all. */
async function runStep(chainId: string, txs: readonly SeedTx[]): Promise<void> {
  const signed = txs.map((t) => ({
    ...t,
    tx: signTransaction(t.signer.client.account!, buildTransaction({ chainId, ...t.call })),
  }));
  const byOrg = new Map<OrgSigner, (typeof signed)[number][]>();
  for (const s of signed) byOrg.set(s.signer, [...(byOrg.get(s.signer) ?? []), s]);
  await Promise.all(
    [...byOrg].map(async ([signer, items]) => {
      const transactions: SignedTransaction[] = items.map((i) => i.tx);
      const { results } = await submitTransactions(signer.client, { transactions });
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

type SeedPlan = { readonly steps: readonly (readonly SeedTx[])[]; readonly summary: string[] };

/** The demo's transactions, in steps that each depend on the one before. */
function planSeed(network: Network): SeedPlan {
  const signers = createSigners(network);
  const issuers = chooseIssuers(network, signers);
  const ownerOf = (account: DemoAccount) =>
    signers.available.has(account.owner)
      ? signers.get(account.owner)
      : issuers.get(account.currency);
  const accounts = demoAccounts.filter((a) => issuers.has(a.currency));
  const owners = new Map(accounts.map((a) => [a.name, ownerOf(a)!]));
  const register = demoCurrencies.flatMap((c) => {
    const signer = issuers.get(c.code);
    if (signer === undefined) return [];
    const issuerAccountId = bankIdFromName(`issuer/${c.code}`);
    const call = registerCurrency({ code: c.code, decimals: c.decimals, issuerAccountId });
    return [{ label: `registering ${c.code}`, signer, call }];
  });
  const open = accounts.map((a) => ({
    label: `opening ${a.name}`,
    signer: owners.get(a.name)!,
    call: createAccount({
      id: bankIdFromName(a.name),
      currency: a.currency,
      flags: ['debits_must_not_exceed_credits'],
    }),
  }));
  const fund = demoFunding
    .filter((m) => owners.has(m.to))
    .map((m) => ({
      label: `issuing to ${m.to}`,
      signer: issuers.get(m.currency)!,
      call: issue({ ...moveIds(m), accountId: bankIdFromName(m.to) }),
    }));
  const move = demoTransfers
    .filter((m) => owners.has(m.from) && owners.has(m.to))
    .map((m) => ({
      label: `transfer ${m.from} -> ${m.to}`,
      signer: owners.get(m.from)!,
      call: createTransfer({
        ...moveIds(m),
        debitAccountId: bankIdFromName(m.from),
        creditAccountId: bankIdFromName(m.to),
      }),
    }));
  const summary = [
    `demo data: ${register.map(describeIssuer).join(', ') || 'no organisation has the issuer role'}; ${open.length} accounts, ${fund.length} issues, ${move.length} transfers`,
    `  accounts: ${accounts.map((a) => a.name).join(', ')}`,
    `  try: npx tally query balance ${accounts[1]?.name ?? 'hk-wallet/alice'}   npx tally tx --help`,
  ];
  return { steps: [register, open, fund, move].filter((s) => s.length > 0), summary };
}

function describeIssuer(tx: SeedTx): string {
  return `${tx.label.replace('registering ', '')} (issuer ${tx.signer.orgId})`;
}

function moveIds(m: DemoIssue) {
  return { id: bankIdFromName(m.id), amount: m.amount, currency: m.currency };
}

/** The seeding itself: returns how many transactions it submitted. */
async function seedSteps(network: Network, log: (line: string) => void): Promise<number> {
  const plan = planSeed(network);
  for (const step of plan.steps) await runStep(network.genesis.chainId, step);
  for (const line of plan.summary) log(line);
  return plan.steps.reduce((n, step) => n + step.length, 0);
}

/** Seeds the demo data unless this network already has it (marker file at least seedVersion). */
export async function seedDemoData(
  network: Network,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const version = seededVersion(network);
  if (version !== undefined && version >= seedVersion)
    return { seeded: false, reason: 'already_seeded' };
  const transactions = await seedSteps(network, options.log ?? console.log);
  const marker = { version: seedVersion, seededAtMs: Date.now(), transactions };
  writeFileSync(seedMarkerPath(network), `${JSON.stringify(marker)}\n`);
  return { seeded: true, transactions };
}
