// The checker that trusts nothing: after a run it asks EVERY node, through the API, for every
// transaction some node reported final, every block up to the lowest tip, and every workload
// account, and lists what disagrees: lost or changed transactions, forks, duplicates, lost money.
import type { KeyPair } from '../../src/crypto/suite.ts';
import { toHex } from '../../src/util/bytes.ts';
import { authorization } from '../api/client.ts';
import type { Prng } from '../sim/lib/prng.ts';
import type { Acknowledged } from './load.ts';

/** Requests the checker keeps in flight at once (across all nodes). */
const requestsInFlightMax = 16;
/** How long nodes get to execute up to the highest acknowledged transaction before a check. */
const convergeTimeoutMs = 120_000;

export type CurrencyAccounts = {
  readonly code: string;
  readonly issuerAccountId: string;
  readonly accountIds: readonly string[];
  /** What the issuer issued in all: the supply must be exactly this. */
  readonly issued: bigint;
};

export type CheckTotals = {
  /** Transactions checked on every node, and those every node had final as reported. */
  txsChecked: number;
  txsFound: number;
  /** GET /v1/txs/:id requests made (a sample of transactions, on every node). */
  txGets: number;
  /** Heights where nodes' block hashes differ. */
  forks: number;
  /** Every violation found, one line each, in the order found. */
  violations: string[];
};

export type CheckerOptions = {
  /** Transactions asked for by GET /v1/txs/:id on every node, per check (or all of them). */
  readonly txGets: number | 'all';
  readonly prng: Prng;
};

type NodeView = { blockTxs: Map<string, number> };

export class Checker {
  readonly #urls: readonly string[];
  readonly #key: KeyPair;
  readonly #currencies: readonly CurrencyAccounts[];
  readonly #options: CheckerOptions;
  readonly #views: NodeView[];
  readonly totals: CheckTotals = {
    txsChecked: 0,
    txsFound: 0,
    txGets: 0,
    forks: 0,
    violations: [],
  };
  #heightChecked = 0;
  readonly #txsChecked = new Set<string>();
  readonly #forkHeights = new Set<number>();
  readonly #violationsSeen = new Set<string>();

  constructor(
    urls: readonly string[],
    key: KeyPair,
    currencies: readonly CurrencyAccounts[],
    options: CheckerOptions,
  ) {
    this.#options = options;
    this.#urls = urls;
    this.#key = key;
    this.#currencies = currencies;
    this.#views = urls.map(() => ({ blockTxs: new Map() }));
  }

  /** The workload's currencies and accounts the checker reads. */
  get currencies(): readonly CurrencyAccounts[] {
    return this.#currencies;
  }

  get heightChecked(): number {
    return this.#heightChecked;
  }

  /**
   * Checks what is new since the last call (`full`: everything again). Call with the load paused,
   * so balances stand still. Returns the violations this call found.
   */
  async check(acknowledged: Acknowledged, full = false): Promise<string[]> {
    const found: string[] = [...acknowledged.conflicts.splice(0)];
    if (full) {
      this.#heightChecked = 0;
      this.#txsChecked.clear();
      for (const v of this.#views) v.blockTxs.clear();
      // A full check counts every transaction again; forks and violations are kept, once each.
      this.totals.txsChecked = 0;
      this.totals.txsFound = 0;
      this.totals.txGets = 0;
    }
    let ackHeightMax = 0;
    for (const r of acknowledged.final.values()) ackHeightMax = Math.max(ackHeightMax, r.height);
    const tip = await this.#converge(ackHeightMax, found);
    await this.#checkBlocks(tip, found);
    await this.#checkTxs(acknowledged, tip, found);
    await this.#checkMoney(found);
    for (const line of found)
      if (!this.#violationsSeen.has(line)) {
        this.#violationsSeen.add(line);
        this.totals.violations.push(line);
      }
    return found;
  }

  /** The lowest executed height once every node reached `height` (or gave up waiting). */
  async #converge(height: number, found: string[]): Promise<number> {
    const deadline = Date.now() + convergeTimeoutMs;
    let heights: number[] = [];
    while (Date.now() < deadline) {
      heights = await Promise.all(this.#urls.map((u) => executedHeight(u)));
      if (heights.every((h) => h >= height)) return Math.min(...heights);
      await new Promise((r) => setTimeout(r, 250));
    }
    found.push(`no convergence: executed heights ${heights.join(',')} below ${height}`);
    return Math.min(...heights.filter((h) => h >= 0), height);
  }

  async #checkBlocks(tip: number, found: string[]): Promise<void> {
    const heights: number[] = [];
    for (let h = this.#heightChecked + 1; h <= tip; h++) heights.push(h);
    await mapLimit(heights, Math.ceil(requestsInFlightMax / this.#urls.length), async (h) => {
      const blocks = await Promise.all(
        this.#urls.map((u) => this.#get(`${u}/v1/blocks/${h}`) as Promise<BlockJson | undefined>),
      );
      const hashes = new Set(blocks.map((b) => b?.hash ?? 'missing'));
      const roots = new Set(blocks.map((b) => b?.header.stateRoot ?? 'missing'));
      if (hashes.size > 1) {
        this.#forkHeights.add(h);
        this.totals.forks = this.#forkHeights.size;
        found.push(`fork at height ${h}: hashes ${[...hashes].join(' / ')}`);
      }
      if (roots.size > 1)
        found.push(`state roots differ at height ${h}: ${[...roots].join(' / ')}`);
      blocks.forEach((b, node) => {
        for (const id of b?.txIds ?? []) {
          const seen = this.#views[node]!.blockTxs.get(id);
          if (seen !== undefined && seen !== h)
            found.push(`node ${node}: tx ${id} in blocks ${seen} and ${h}`);
          this.#views[node]!.blockTxs.set(id, h);
        }
      });
    });
    this.#heightChecked = Math.max(this.#heightChecked, tip);
  }

  /**
   * Every acknowledged transaction must sit in the block at its height on every node (from the block
   * scan); a sample of them (all with txGets 'all') is also asked for by GET /v1/txs/:id on every
   * node, which must answer final with the same height and code. Receipt codes of the rest are held
   * equal across nodes by the results roots the block hashes commit to.
   */
  async #checkTxs(acknowledged: Acknowledged, tip: number, found: string[]): Promise<void> {
    const ids = [...acknowledged.final.keys()].filter((id) => !this.#txsChecked.has(id));
    const missing = new Set<string>();
    for (const id of ids) {
      const want = acknowledged.final.get(id)!;
      if (want.height > tip) continue; // not executed everywhere yet: the next check takes it
      this.#views.forEach((view, node) => {
        const inBlock = view.blockTxs.get(id);
        if (inBlock !== want.height) {
          missing.add(id);
          found.push(
            `node ${node}: tx ${id} final at ${want.height}, in block ${inBlock ?? 'none'}`,
          );
        }
      });
    }
    const sample = this.#sample(ids);
    this.totals.txGets += sample.length * this.#urls.length;
    await mapLimit(sample, Math.ceil(requestsInFlightMax / this.#urls.length), async (id) => {
      const want = acknowledged.final.get(id)!;
      await Promise.all(
        this.#urls.map(async (u, node) => {
          const got = (await this.#get(`${u}/v1/txs/${id}`)) as TxJson | undefined;
          if (got?.status !== 'final' || got.height !== want.height || got.code !== want.code) {
            missing.add(id);
            const what = `${got?.status ?? 'no answer'} ${got?.height ?? '-'} ${got?.code ?? '-'}`;
            found.push(`node ${node}: tx ${id} reported ${want.height}/${want.code}, has ${what}`);
          }
        }),
      );
    });
    for (const id of ids) {
      if (acknowledged.final.get(id)!.height > tip) continue;
      this.#txsChecked.add(id);
      this.totals.txsChecked++;
      if (!missing.has(id)) this.totals.txsFound++;
    }
  }

  #sample(ids: readonly string[]): string[] {
    const n = this.#options.txGets;
    if (n === 'all' || ids.length <= n) return [...ids];
    const picked = new Set<string>();
    while (picked.size < n) picked.add(ids[this.#options.prng.int(0, ids.length - 1)]!);
    return [...picked];
  }

  /** Each currency's supply is what was issued and equals the sum of its accounts' balances. */
  async #checkMoney(found: string[]): Promise<void> {
    for (const [node, u] of this.#urls.entries())
      for (const cur of this.#currencies) {
        const currency = (await this.#get(`${u}/v1/currencies/${cur.code}`)) as
          | { supply: string }
          | undefined;
        const supply = BigInt(currency?.supply ?? '-1');
        const balances = await mapLimit(cur.accountIds, requestsInFlightMax, async (id) => {
          const account = (await this.#get(`${u}/v1/accounts/${id}`)) as AccountJson | undefined;
          if (account === undefined) found.push(`node ${node}: account ${id} missing`);
          else if (account.debitsPending !== '0' || account.creditsPending !== '0')
            found.push(`node ${node}: account ${id} has pending amounts (the workload makes none)`);
          return BigInt(account?.balance ?? '0');
        });
        const sum = balances.reduce((a, b) => a + b, 0n);
        const issuer = (await this.#get(`${u}/v1/accounts/${cur.issuerAccountId}`)) as
          | AccountJson
          | undefined;
        const issuerBalance = BigInt(issuer?.balance ?? '1');
        if (supply !== cur.issued)
          found.push(`node ${node}: ${cur.code} supply ${supply}, issued ${cur.issued}`);
        if (sum !== supply)
          found.push(`node ${node}: ${cur.code} accounts hold ${sum}, supply ${supply}`);
        if (issuerBalance !== -supply)
          found.push(`node ${node}: ${cur.code} issuer balance ${issuerBalance}, supply ${supply}`);
      }
  }

  /** A signed GET; undefined for a 404, and an error for any other failure. */
  async #get(url: string): Promise<unknown> {
    const path = new URL(url).pathname;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(url, {
          headers: { authorization: authorization(this.#key, 'GET', path) },
        });
        if (res.status === 404) return undefined;
        if (res.status === 200) return await res.json();
        throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
      } catch (error) {
        // A node under load may drop a connection; three tries, then the check itself fails.
        if (attempt >= 2) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

type BlockJson = { hash: string; header: { stateRoot: string }; txIds: string[] };
type TxJson = { status: string; height?: number; code?: string };
type AccountJson = {
  balance: string;
  debitsPending: string;
  creditsPending: string;
};

async function executedHeight(url: string): Promise<number> {
  try {
    const body = (await (await fetch(`${url}/v1/status`)).json()) as { executedHeight: number };
    return body.executedHeight;
  } catch {
    return -1; // down or restarting
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The currencies and accounts a default BankWorkload makes, as the checker needs them. */
export function workloadCurrencies(
  workload: { accountId(c: number, i: number): Uint8Array },
  accounts: number,
  fundingEach: bigint,
  codes: readonly string[],
  issuerAccountId: (c: number) => Uint8Array,
): CurrencyAccounts[] {
  return codes.map((code, c) => ({
    code,
    issuerAccountId: toHex(issuerAccountId(c)),
    accountIds: Array.from({ length: accounts }, (_, i) => toHex(workload.accountId(c, i))),
    issued: BigInt(accounts) * fundingEach,
  }));
}
