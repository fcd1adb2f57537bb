// Open-loop load on the EVM peer: pre-signed transfers sent at a fixed offered rate over JSON-RPC
// (`eth_sendRawTransaction` in batches), latency from each transfer's scheduled time (so a stalled
// node is charged for the wait it causes) to its mined answer, checked against receipts afterwards.
import { countingWindow, dueCount, finalPerSecond } from '../lib/load-ladder.ts';
import { type LatencySummary, summarizeLatencies } from '../lib/percentiles.ts';
import { watchProcesses } from '../lib/proc-stats.ts';
import type { SignedTransfer } from './evm-transfers.ts';
import { type RpcCall, rpcBatch } from './json-rpc.ts';

const tickMs = 10;
const batchTxsMax = 100;
const receiptBatchMax = 500;
const drainMsMin = 30_000;

export type EvmRung = {
  readonly offered: number;
  /** Transfers mined (receipt with status 1) per second over the counting window. */
  readonly minedPerSec: number;
  readonly latency: LatencySummary;
  readonly mined: number;
  /** Scheduled but never sent: every sender still waited on its previous transfer at the end. */
  readonly unsent: number;
  /** Answered with an error, by message. */
  readonly errors: ReadonlyMap<string, number>;
  readonly cpuPct: number;
  readonly rssMaxMiB: number;
};

/** When transfer `index` of a run started at `startMs` at `rate`/s falls due (see dueCount). */
export function scheduledAtMs(startMs: number, index: number, rate: number): number {
  return startMs + ((index + 1) * 1000) / rate;
}

type Flight = {
  readonly answeredAtMs: Float64Array;
  readonly hashes: (string | undefined)[];
  readonly errors: Map<string, number>;
  readonly busy: Uint8Array;
  readonly pending: Set<Promise<void>>;
};

function sendBatch(
  url: string,
  txs: readonly SignedTransfer[],
  from: number,
  to: number,
  f: Flight,
) {
  const calls: RpcCall[] = [];
  for (let i = from; i < to; i++)
    calls.push({ method: 'eth_sendRawTransaction', params: [txs[i]!.raw] });
  const countError = (message: string) => f.errors.set(message, (f.errors.get(message) ?? 0) + 1);
  const done = rpcBatch(url, calls).then(
    (answers) => {
      const at = performance.now();
      answers.forEach((a, k) => {
        if (a.error !== undefined) countError(a.error.message);
        else {
          f.hashes[from + k] = String(a.result);
          f.answeredAtMs[from + k] = at;
        }
      });
    },
    (error: Error) => {
      for (let i = from; i < to; i++) countError(error.message);
    },
  );
  const tracked = done.finally(() => {
    for (let i = from; i < to; i++) f.busy[txs[i]!.sender] = 0;
    f.pending.delete(tracked);
  });
  f.pending.add(tracked);
}

/** Sends what is due, in order, as long as each transfer's sender is free; returns the new cursor. */
function sendDue(
  url: string,
  txs: readonly SignedTransfer[],
  next: number,
  due: number,
  f: Flight,
) {
  let end = next;
  const limit = Math.min(due, next + batchTxsMax);
  while (end < limit && f.busy[txs[end]!.sender] === 0) f.busy[txs[end++]!.sender] = 1;
  if (end > next) sendBatch(url, txs, next, end, f);
  return end;
}

async function minedSet(
  url: string,
  hashes: readonly (string | undefined)[],
): Promise<Set<number>> {
  const mined = new Set<number>();
  const indexes = hashes.flatMap((h, i) => (h === undefined ? [] : [i]));
  for (let k = 0; k < indexes.length; k += receiptBatchMax) {
    const chunk = indexes.slice(k, k + receiptBatchMax);
    const calls = chunk.map((i) => ({ method: 'eth_getTransactionReceipt', params: [hashes[i]] }));
    const answers = await rpcBatch(url, calls);
    answers.forEach((a, j) => {
      const receipt = a.result as { status?: string } | null | undefined;
      if (receipt?.status === '0x1') mined.add(chunk[j]!);
    });
  }
  return mined;
}

/** Offers `txs` at `rate`/s (they last `txs.length / rate` seconds), then drains and checks receipts. */
export async function runEvmRung(
  node: { url: string; pid: number },
  txs: readonly SignedTransfer[],
  rate: number,
  senderCount: number,
): Promise<EvmRung> {
  const seconds = txs.length / rate;
  const f: Flight = {
    answeredAtMs: new Float64Array(txs.length).fill(Number.NaN),
    hashes: new Array(txs.length).fill(undefined),
    errors: new Map(),
    busy: new Uint8Array(senderCount),
    pending: new Set(),
  };
  const watch = watchProcesses([node.pid]);
  const startMs = performance.now();
  const giveUpMs = countingWindow(startMs, seconds).toMs + Math.max(drainMsMin, seconds * 1000);
  let next = 0;
  while ((next < txs.length || f.pending.size > 0) && performance.now() < giveUpMs) {
    const due = dueCount(performance.now() - startMs, rate, txs.length);
    next = sendDue(node.url, txs, next, due, f);
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const [usage] = watch.stop();
  await Promise.all(f.pending);
  const mined = await minedSet(node.url, f.hashes);
  const minedAt = [...mined].map((i) => f.answeredAtMs[i]!);
  const latencies = [...mined].map((i) => f.answeredAtMs[i]! - scheduledAtMs(startMs, i, rate));
  return {
    offered: rate,
    minedPerSec: finalPerSecond(minedAt, startMs, seconds),
    latency: summarizeLatencies(latencies),
    mined: mined.size,
    unsent: txs.length - next,
    errors: f.errors,
    cpuPct: usage?.cpuPct ?? Number.NaN,
    rssMaxMiB: usage?.rssMaxMiB ?? Number.NaN,
  };
}
