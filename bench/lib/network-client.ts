// The load generator's side of the network bench (and the remittance bench's wait for finality):
// batches of transactions posted open-loop to the nodes' HTTP API, and finality learnt from one
// node's WebSocket event stream.
import { WebSocket } from 'ws';
import type { KeyPair } from '../../src/crypto/suite.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { toHex } from '../../src/util/bytes.ts';
import { postTxs, signedEventsPath } from '../../test/api/client.ts';
import { heightOf } from '../../test/e2e/harness.ts';

/** Transactions posted in one request at most. */
const batchTxsMax = 500;

export type Finality = Map<string, { code: string; atMs: number }>;

/** Follows executed receipts on one node; records when each transaction became final. */
export function watchFinality(
  apiUrl: string,
  key: KeyPair,
  finality: Finality,
): Promise<WebSocket> {
  const socket = new WebSocket(apiUrl.replace('http', 'ws') + signedEventsPath(key, 'types=tx'));
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; txId?: string; code?: string };
    if (m.type === 'tx' && m.txId !== undefined)
      finality.set(m.txId, { code: m.code ?? '', atMs: Date.now() });
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

export type Submitter = {
  submit(txs: readonly Transaction[]): void;
  /** Ids the nodes admitted (hex). */
  readonly admitted: string[];
  /** Refused at admission, per code. */
  readonly rejected: Map<string, number>;
  inFlight(): number;
  settled(): Promise<void>;
};

export function createSubmitter(urls: readonly string[], key: KeyPair): Submitter {
  const rejected = new Map<string, number>();
  const admitted: string[] = [];
  const pending = new Set<Promise<void>>();
  const count = (code: string, n: number) => {
    rejected.set(code, (rejected.get(code) ?? 0) + n);
  };
  let next = 0;
  const post = async (url: string, txs: readonly Transaction[]) => {
    const { results, errorCode } = await postTxs(url, key, txs);
    if (results === undefined) return count(errorCode, txs.length);
    results.forEach((r, i) => {
      if (r.status === 'rejected') count(r.code ?? '?', 1);
      else admitted.push(toHex(txs[i]!.id));
    });
  };
  return {
    admitted,
    rejected,
    inFlight: () => pending.size,
    submit(txs) {
      for (let i = 0; i < txs.length; i += batchTxsMax) {
        const url = urls[next++ % urls.length]!;
        const batch = txs.slice(i, i + batchTxsMax);
        const p = post(url, batch).catch((error: unknown) => {
          count(`error: ${(error as Error).message}`, batch.length);
        });
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
    },
    settled: async () => {
      await Promise.all(pending);
    },
  };
}

/** Polls the finality map until every id is in it; answers how many never made it. */
export async function waitFinal(
  ids: readonly string[],
  finality: ReadonlyMap<string, unknown>,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let missing = ids.filter((id) => !finality.has(id));
  while (missing.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    missing = missing.filter((id) => !finality.has(id));
  }
  return missing.length;
}

/** Counts the blocks a node executes from now on; `perSecond(ms)` is their rate over `ms`. */
export async function countBlocks(
  apiUrl: string,
): Promise<{ perSecond(ms: number): Promise<number> }> {
  const from = await heightOf(apiUrl);
  return { perSecond: async (ms) => ((await heightOf(apiUrl)) - from) / (ms / 1000) };
}

/** What a node's /metrics says it spent executing and committing blocks, and on how many txs. */
export type ExecuteTotals = { readonly seconds: number; readonly txs: number };

function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** The totals in a node's Prometheus exposition text (every label set summed). */
export function executeTotalsOf(text: string): ExecuteTotals {
  return {
    seconds: metricSum(text, 'tally_block_execute_seconds_sum'),
    txs: metricSum(text, 'tally_txs_committed_total'),
  };
}

export async function readExecuteTotals(apiUrl: string): Promise<ExecuteTotals> {
  return executeTotalsOf(await (await fetch(`${apiUrl}/metrics`)).text());
}

/**
 * Per validator and transaction, the microseconds of execution and durable commit between two
 * readings of each node: the part of a validator's CPU that the rest (admission, gossip, consensus,
 * API) is measured against.
 */
export function executeUsPerTx(
  before: readonly ExecuteTotals[],
  after: readonly ExecuteTotals[],
): number {
  let seconds = 0;
  let txs = 0;
  after.forEach((a, i) => {
    seconds += a.seconds - before[i]!.seconds;
    txs += a.txs - before[i]!.txs;
  });
  return txs === 0 ? Number.NaN : (seconds * 1e6) / txs;
}
