// `npm run bench -- --only network`: real validator processes on loopback (mutual TLS, durable LMDB),
// fed by an open-loop load generator that submits pre-signed transfers in batches over the HTTP API
// at a fixed rate, whatever the network answers, and learns finality from the WebSocket event
// stream. Reports final transfers per second, finality latency percentiles and validators' memory.
import { WebSocket } from 'ws';
import { BankWorkload } from '../src/cli/demo/bank-workload.ts';
import { apiRequestDigest, formatAuthorization } from '../src/crypto/request-digest.ts';
import type { KeyPair } from '../src/crypto/suite.ts';
import { getSuite } from '../src/crypto/suites.ts';
import type { Transaction } from '../src/ledger/tx.ts';
import { consensusDefaults } from '../src/node/genesis.ts';
import { toHex, utf8 } from '../src/util/bytes.ts';
import { TestNetwork } from '../test/e2e/harness.ts';
import type { Report } from './lib/report.ts';

const batchTxsMax = 500;
const tickMs = 50;
const requestsInFlightMax = 32;

type Finality = Map<string, { code: string; atMs: number }>;

function signed(key: KeyPair, method: string, path: string, body: Uint8Array): string {
  const ts = Date.now();
  const sig = getSuite(key.suite).sign(apiRequestDigest(method, path, ts, body), key.secretKey);
  return formatAuthorization(toHex(key.publicKey), ts, toHex(sig));
}

/** Follows executed receipts on one node; records when each transaction became final. */
function watchFinality(apiUrl: string, key: KeyPair, finality: Finality): Promise<WebSocket> {
  const path = '/v1/events?types=tx';
  const ts = Date.now();
  const sig = getSuite(key.suite).sign(apiRequestDigest('GET', path, ts), key.secretKey);
  const url = `${apiUrl.replace('http', 'ws')}${path}&key=${toHex(key.publicKey)}&ts=${ts}&sig=${toHex(sig)}`;
  const socket = new WebSocket(url);
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

type Submitter = {
  submit(txs: readonly Transaction[]): void;
  readonly rejected: Map<string, number>;
  inFlight(): number;
  settled(): Promise<void>;
};

function createSubmitter(urls: readonly string[], key: KeyPair): Submitter {
  const rejected = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  let next = 0;
  const post = async (url: string, txs: readonly Transaction[]) => {
    const body = JSON.stringify({ txs: txs.map((t) => toHex(t.bytes)) });
    const res = await fetch(`${url}/v1/txs`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        authorization: signed(key, 'POST', '/v1/txs', utf8(body)),
      },
    });
    const json = (await res.json()) as {
      results?: { status: string; code?: string }[];
      error?: { code: string };
    };
    if (json.results === undefined) {
      const code = json.error?.code ?? `http_${res.status}`;
      rejected.set(code, (rejected.get(code) ?? 0) + txs.length);
      return;
    }
    for (const r of json.results)
      if (r.status === 'rejected')
        rejected.set(r.code ?? '?', (rejected.get(r.code ?? '?') ?? 0) + 1);
  };
  return {
    rejected,
    inFlight: () => pending.size,
    submit(txs) {
      for (let i = 0; i < txs.length; i += batchTxsMax) {
        const url = urls[next++ % urls.length]!;
        const p = post(url, txs.slice(i, i + batchTxsMax)).catch((error: unknown) => {
          rejected.set(`error: ${(error as Error).message}`, (rejected.get('error') ?? 0) + 1);
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

async function waitFinal(
  ids: readonly Uint8Array[],
  finality: Finality,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const hex = ids.map(toHex);
  while (Date.now() < deadline) {
    if (hex.every((h) => finality.has(h))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const missing = hex.filter((h) => !finality.has(h)).length;
  throw new Error(`${missing} of ${ids.length} transactions not final after ${timeoutMs} ms`);
}

async function residentBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => /^tally_process_\w*resident_memory_bytes/.test(l));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

async function drainMempools(urls: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const sizes = await Promise.all(
      urls.map(async (url) => {
        const status = (await (await fetch(`${url}/v1/status`)).json()) as {
          mempool: { txs: number };
        };
        return status.mempool.txs;
      }),
    );
    if (sizes.every((n) => n === 0)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`mempools not drained after ${timeoutMs} ms`);
}

export type LoadResult = {
  offeredPerSec: number;
  finalPerSec: number;
  p50Ms: number;
  p99Ms: number;
  rssMaxBytes: number;
  rejected: Record<string, number>;
};

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Offers `rate` transfers a second for `seconds`; counts what became final within the window. */
async function runLoad(
  net: TestNetwork,
  workload: BankWorkload,
  finality: Finality,
  submitter: Submitter,
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const txs = workload.transfers(Math.ceil(rate * seconds));
  const sentAt = new Map<string, number>();
  const urls = net.nodes.map((n) => n.apiUrl);
  let rssMax = 0;
  const memory = setInterval(() => {
    Promise.all(urls.map(residentBytes)).then(
      (r) => {
        rssMax = Math.max(rssMax, ...r);
      },
      () => {}, // a node busy or restarting misses one sample
    );
  }, 2000);
  const start = Date.now();
  let sent = 0;
  while (sent < txs.length) {
    const due = Math.min(txs.length, Math.floor(((Date.now() - start) / 1000) * rate));
    if (due > sent && submitter.inFlight() < requestsInFlightMax) {
      const slice = txs.slice(sent, due);
      const now = Date.now();
      for (const t of slice) sentAt.set(toHex(t.id), now);
      submitter.submit(slice);
      sent = due;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const endMs = start + seconds * 1000;
  await submitter.settled();
  await new Promise((r) => setTimeout(r, 5000));
  clearInterval(memory);
  const warmupMs = start + Math.min(5000, (seconds * 1000) / 4);
  let finalInWindow = 0;
  const latencies: number[] = [];
  for (const [id, at] of sentAt) {
    const f = finality.get(id);
    if (f === undefined) continue;
    latencies.push(f.atMs - at);
    if (f.atMs >= warmupMs && f.atMs <= endMs) finalInWindow++;
  }
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSec: rate,
    finalPerSec: finalInWindow / ((endMs - warmupMs) / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    rssMaxBytes: rssMax,
    rejected: Object.fromEntries(submitter.rejected),
  };
}

export type NetworkBenchOptions = {
  readonly validators: number;
  /** Offered load for the saturation run, transfers per second. */
  readonly saturationRate: number;
  readonly seconds: number;
  readonly blockTxsMax: number;
};

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name}: expected a positive number, got ${value}`);
  return n;
}

/** The network group: one validator, then four, each saturated, then at half the rate it reached. */
export function networkSteps(): { label: string; run: (report: Report) => Promise<void> }[] {
  const seconds = envNumber('TALLY_BENCH_SECONDS', 60);
  const blockTxsMax = envNumber('TALLY_BENCH_BLOCK_TXS', consensusDefaults.blockTxsMax);
  return [
    {
      label: '1 validator',
      run: (report) =>
        benchNetworkOf(
          {
            validators: 1,
            saturationRate: envNumber('TALLY_BENCH_RATE_1', 2500),
            seconds,
            blockTxsMax,
          },
          report,
        ),
    },
    {
      label: '4 validators',
      run: (report) =>
        benchNetworkOf(
          {
            validators: 4,
            saturationRate: envNumber('TALLY_BENCH_RATE_4', 800),
            seconds,
            blockTxsMax,
          },
          report,
        ),
    },
  ];
}

export async function benchNetworkOf(options: NetworkBenchOptions, report: Report): Promise<void> {
  const { validators: n } = options;
  const workload = new BankWorkload({
    chainId: 'tally-e2e',
    accounts: 2000,
    users: 64,
    expiresAtMs: Date.now() + 9 * 60_000,
    runId: Date.now() % 1_000_000,
  });
  const net = await TestNetwork.create(n, {
    extraKeys: { orgIndex: 0, keys: [workload.issuer, ...workload.users] },
    consensus: { blockTxsMax: options.blockTxsMax, roundTimeoutMs: 2000, emptyBlockDelayMs: 200 },
  });
  try {
    net.startAll();
    await net.waitAllReady(60_000);
    const client = net.clientKey(0);
    const finality: Finality = new Map();
    const socket = await watchFinality(net.nodes[0]!.apiUrl, client, finality);
    const submitter = createSubmitter(
      net.nodes.map((node) => node.apiUrl),
      client,
    );
    for (const phase of workload.setupPhases()) {
      submitter.submit(phase);
      await submitter.settled();
      await waitFinal(
        phase.map((t) => t.id),
        finality,
        120_000,
      );
    }
    const saturated = await runLoad(
      net,
      workload,
      finality,
      submitter,
      options.saturationRate,
      options.seconds,
    );
    report(
      `${n} validator(s): final transfers/s at ${options.saturationRate}/s offered`,
      saturated.finalPerSec,
      'tx/s',
    );
    report(
      `${n} validator(s): max resident memory of a validator`,
      saturated.rssMaxBytes / 2 ** 20,
      'MiB',
    );
    // The half-load run must not inherit the saturation run's queue: wait until the pool is empty.
    await drainMempools(
      net.nodes.map((node) => node.apiUrl),
      120_000,
    );
    const half = Math.max(50, Math.round(saturated.finalPerSec / 2));
    const halfLoad = await runLoad(
      net,
      workload,
      finality,
      createSubmitter(
        net.nodes.map((x) => x.apiUrl),
        client,
      ),
      half,
      Math.min(30, options.seconds),
    );
    report(`${n} validator(s): finality p50 at ${half}/s`, halfLoad.p50Ms, 'ms');
    report(`${n} validator(s): finality p99 at ${half}/s`, halfLoad.p99Ms, 'ms');
    report(
      `${n} validator(s): final transfers/s at ${half}/s offered`,
      halfLoad.finalPerSec,
      'tx/s',
    );
    const rejected = { ...saturated.rejected, ...halfLoad.rejected };
    if (Object.keys(rejected).length > 0)
      console.log(`  rejected at admission: ${JSON.stringify(rejected)}`);
    socket.close();
  } finally {
    await net.close();
  }
}
