// `npm run bench -- --only remittance` (issue #5's target: send request to beneficiary credited and
// final, p50 <= 0.5 s and p99 <= 1 s at 500 remittances/s on four validators). A wallet backend
// pre-builds signed remittance.send transactions (a fresh quote from the bank's node, Travel-Rule
// data sealed to the entitled organisations, screening keys); an open-loop generator submits them at
// fixed rates; finality comes from the WebSocket stream. Then the node gateway path once, at a low
// rate. Env: TALLY_BENCH_REMIT_RATES (default 20,50,100,200,500), TALLY_BENCH_SECONDS (default 10, at
// most 30: the quotes' 60 s lifetime must cover the build-to-final gap).
import { newRemittanceId, sendRemittanceViaGateway, TallyError } from '../src/sdk/index.ts';
import { TestNetwork } from '../test/e2e/harness.ts';
import {
  countingWindow,
  cpuUsPerFinal,
  dueCount,
  formatStepRow,
  kernelShareOfCpu,
  type LadderStep,
  ladderStep,
  offeredRate,
  writeLadder,
} from './lib/load-ladder.ts';
import { countBlocks, executeUsPerTx, readExecuteTotals, waitFinal } from './lib/network-client.ts';
import { type LatencySummary, percentile, summarizeLatencies } from './lib/percentiles.ts';
import { type ProcessUsage, watchProcesses } from './lib/proc-stats.ts';
import type { Report } from './lib/report.ts';
import { benchRemittanceExecution } from './remittance-exec.ts';
import {
  type Codes,
  type Corridor,
  checkBalances,
  corridorId,
  corridorOrgs,
  countCode,
  type Finality,
  mapConcurrent,
  openOrgs,
  partiesOf,
  quoterOf,
  setUpCorridor,
  submitBatch,
  submitBatchMax,
  watchFinality,
} from './remittance-setup.ts';
import {
  type BuildCost,
  fetchQuote,
  type Pipeline,
  prefetch,
  quoteConcurrency,
  sealSends,
  startSigning,
} from './remittance-wallet.ts';

const ratesDefault = [20, 50, 100, 200, 500];
const secondsDefault = 10;
const secondsMax = 30;
const tickMs = 50;
const requestsInFlightMax = 32;
const drainTimeoutMs = 180_000;
const gatewayRate = 10;
const target = { rate: 500, p50Ms: 500, p99Ms: 1000 };
const validatorsCount = 4;

export type LoadResult = {
  /** Less than asked when quoting could not keep up with the generator. */
  offeredPerSec: number;
  /** Completed in the window (after a warm-up), per second. */
  finalPerSec: number;
  /** All completed, first send to last final (the drain included): the sustained rate. */
  completedPerSec: number;
  /** End to end, send to final, of the completed remittances (ms). */
  latency: LatencySummary;
  /** Each validator's CPU and largest resident set while the generator offered load. */
  nodes: ProcessUsage[];
  /** Blocks committed per second while the generator offered load. */
  blocksPerSec: number;
  /** Refused at admission (also counted in codes). */
  refused: number;
  /** Per validator and remittance, wall time executing and committing blocks (LadderStep). */
  executeUs: number;
  /** Refused at admission, executed with a code other than ok, or never final. */
  codes: Codes;
};

type Bench = {
  readonly report: Report;
  readonly corridor: Corridor;
  readonly finality: Finality;
  readonly urls: readonly string[];
  readonly pids: readonly number[];
  /** What each beneficiary should hold: the receive amounts of its completed remittances. */
  readonly expected: bigint[];
};

/** Offers `prepared` at `rate` a second to the sending wallet's node, whatever it answers. */
async function runLoad(
  bench: Bench,
  pipeline: Pipeline,
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const { prepared } = pipeline;
  const client = bench.corridor.orgs.get(corridorOrgs.sendingOrg)!.client;
  const sentAt = new Map<string, number>();
  const admitted: string[] = [];
  const refused: Codes = new Map();
  const inFlight = new Set<Promise<void>>();
  const watch = watchProcesses(bench.pids);
  const blocks = await countBlocks(bench.urls[0]!);
  const executeBefore = await Promise.all(bench.urls.map(readExecuteTotals));
  const start = Date.now();
  let sent = 0;
  while (sent < prepared.length) {
    const due = Math.min(dueCount(Date.now() - start, rate, prepared.length), pipeline.built());
    if (due > sent && inFlight.size < requestsInFlightMax) {
      for (let i = sent; i < due; i += submitBatchMax) {
        const txs = prepared.slice(i, Math.min(due, i + submitBatchMax)).map((p) => p.tx);
        const now = Date.now();
        for (const t of txs) sentAt.set(t.txId, now);
        const p = submitBatch(client, txs, refused).then((ids) => {
          admitted.push(...ids);
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      sent = due;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const sendingMs = Date.now() - start;
  const offeredPerSec = offeredRate(prepared.length, seconds, sendingMs, tickMs);
  const nodes = watch.stop();
  const blocksPerSec = await blocks.perSecond(sendingMs);
  await Promise.all(inFlight);
  const codes: Codes = new Map(refused);
  const notFinal = await waitFinal(admitted, bench.finality, drainTimeoutMs);
  const executeUs = executeUsPerTx(
    executeBefore,
    await Promise.all(bench.urls.map(readExecuteTotals)),
  );
  if (notFinal > 0) countCode(codes, 'not_final', notFinal);
  const { fromMs: warmupMs, toMs: endMs } = countingWindow(start, seconds);
  let finalInWindow = 0;
  let lastFinalMs = start;
  const latencies: number[] = [];
  for (const p of prepared) {
    const f = bench.finality.get(p.tx.txId);
    const at = sentAt.get(p.tx.txId);
    if (f === undefined || at === undefined) continue;
    if (f.code !== 'ok' || f.status !== 'completed') {
      countCode(codes, f.code === 'ok' ? `ok but ${f.status ?? 'no status'}` : f.code);
      continue;
    }
    bench.expected[p.beneficiary]! += p.receiveAmount;
    latencies.push(f.atMs - at);
    lastFinalMs = Math.max(lastFinalMs, f.atMs);
    if (f.atMs >= warmupMs && f.atMs <= endMs) finalInWindow++;
  }
  return {
    offeredPerSec,
    finalPerSec: finalInWindow / ((endMs - warmupMs) / 1000),
    completedPerSec: latencies.length / (Math.max(lastFinalMs - start, 1) / 1000),
    latency: summarizeLatencies(latencies),
    nodes,
    blocksPerSec,
    refused: [...refused.values()].reduce((a, b) => a + b, 0),
    executeUs,
    codes,
  };
}

/** POST /v1/remittances with wait, open loop at `rate`: the node seals, signs and follows. */
async function runGateway(bench: Bench, first: number, rate: number, seconds: number) {
  const { corridor } = bench;
  const hk = corridor.orgs.get(corridorOrgs.sendingOrg)!;
  const n = Math.ceil(rate * seconds);
  const quotes = await mapConcurrent(n, quoteConcurrency, (i) =>
    fetchQuote(quoterOf(corridor), first + i),
  );
  const codes: Codes = new Map();
  const latencies: number[] = [];
  const start = Date.now();
  await mapConcurrent(n, n, async (i) => {
    await new Promise((r) => setTimeout(r, start + (i * 1000) / rate - Date.now()));
    const { sender, beneficiary, travelRule } = partiesOf(first + i, corridor);
    const t0 = Date.now();
    try {
      const answer = await sendRemittanceViaGateway(hk.client, {
        id: newRemittanceId(),
        corridor: corridorId,
        quote: quotes[i]!,
        senderAccountId: corridor.senders[sender]!,
        beneficiaryAccountId: corridor.beneficiaries[beneficiary]!,
        travelRule,
        wait: true,
      });
      const status = answer.remittance?.status;
      if (answer.code !== 'ok' || status !== 'completed')
        return countCode(codes, answer.code === 'ok' ? `ok but ${status}` : (answer.code ?? '?'));
      latencies.push(Date.now() - t0);
      bench.expected[beneficiary]! += quotes[i]!.quote.receiveAmount;
    } catch (error) {
      countCode(codes, error instanceof TallyError ? error.code : String(error));
    }
  });
  latencies.sort((a, b) => a - b);
  return {
    n,
    ok: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    codes,
  };
}

function envRates(): number[] {
  const text = process.env.TALLY_BENCH_REMIT_RATES;
  if (text === undefined) return ratesDefault;
  const rates = text.split(',').map(Number);
  if (rates.length === 0 || rates.some((r) => !Number.isFinite(r) || r <= 0))
    throw new Error(
      `TALLY_BENCH_REMIT_RATES: expected positive numbers, comma-separated, got ${text}`,
    );
  return rates;
}

function envSeconds(): number {
  const text = process.env.TALLY_BENCH_SECONDS;
  const seconds = text === undefined ? secondsDefault : Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new Error(`TALLY_BENCH_SECONDS: expected a positive number, got ${text}`);
  if (seconds > secondsMax)
    console.log(`  remittance: TALLY_BENCH_SECONDS capped at ${secondsMax} (quotes live 60 s)`);
  return Math.min(seconds, secondsMax);
}

export type RemittanceBenchOptions = {
  readonly rates: readonly number[];
  readonly seconds: number;
};

export function remittanceSteps(): { label: string; run: (report: Report) => Promise<void> }[] {
  const options = { rates: envRates(), seconds: envSeconds() };
  return [
    { label: '4 validators, HKD-PHP', run: (report) => benchRemittance(options, report) },
    { label: 'execution only', run: benchRemittanceExecution },
  ];
}

function formatCodes(codes: Codes): string {
  return codes.size === 0 ? 'none' : JSON.stringify(Object.fromEntries(codes));
}

/** One offered rate: build (seal, then quote and sign just ahead), offer, report what it did. */
async function runRate(
  bench: Bench,
  rate: number,
  seconds: number,
  cost: BuildCost,
): Promise<LoadResult> {
  const { corridor } = bench;
  const n = Math.ceil(rate * seconds);
  const sealed = await sealSends(corridor, cost.sends, n, cost);
  const pipeline = startSigning(corridor, quoterOf(corridor), sealed, cost);
  const prebuilt = await prefetch(pipeline);
  const r = await runLoad(bench, pipeline, rate, seconds);
  await pipeline.done;
  const at = `at ${rate}/s offered`;
  const report = bench.report;
  report(`${at}: offered as sent`, r.offeredPerSec, 'remit/s');
  report(`${at}: final remittances/s in the window`, r.finalPerSec, 'remit/s');
  report(`${at}: completed/s, first send to last final`, r.completedPerSec, 'remit/s');
  report(`${at}: end to end p50`, r.latency.p50, 'ms');
  report(`${at}: end to end p90`, r.latency.p90, 'ms');
  report(`${at}: end to end p99`, r.latency.p99, 'ms');
  report(`${at}: end to end max`, r.latency.max, 'ms');
  report(`${at}: refused at admission`, r.refused, 'remit');
  const cpu = r.nodes.map((x) => x.cpuPct);
  report(`${at}: busiest validator CPU`, Math.max(...cpu), '% of a core');
  const step = stepOf(r);
  report(`${at}: validators' CPU per final remittance`, cpuUsPerFinal(step), 'us');
  report(`${at}: validators' CPU spent in the kernel`, kernelShareOfCpu(step), '% of CPU');
  report(`${at}: blocks/s`, r.blocksPerSec, 'blocks/s');
  report(`${at}: a validator's execute and commit time per remittance`, r.executeUs, 'us');
  report(
    `${at}: max resident memory of a validator`,
    Math.max(...r.nodes.map((x) => x.rssMaxMiB)),
    'MiB',
  );
  const failed = [...r.codes.values()].reduce((a, b) => a + b, 0);
  report(`${at}: not completed`, failed, 'remit');
  for (const [code, count] of r.codes) report(`${at}: not completed, ${code}`, count, 'remit');
  console.log(
    `  remittance ${at}: ${prebuilt} of ${n} built before the window; codes other than ok: ${formatCodes(r.codes)}`,
  );
  if (rate === target.rate) {
    const { p50, p99 } = r.latency;
    const met = p50 <= target.p50Ms && p99 <= target.p99Ms && r.finalPerSec >= rate * 0.95;
    console.log(
      `  issue #5 target at ${rate}/s (p50 <= ${target.p50Ms} ms, p99 <= ${target.p99Ms} ms, all final): ${met ? 'met' : 'not met'}`,
    );
  }
  return r;
}

/** A rate's figures as a ladder step (bench/results/remittance.steps.json). */
function stepOf(r: LoadResult): LadderStep {
  const fields = {
    validators: validatorsCount,
    offered: r.offeredPerSec,
    final: r.finalPerSec,
    rejected: r.refused,
    notFinal: r.codes.get('not_final') ?? 0,
    blocksPerS: r.blocksPerSec,
    executeUs: r.executeUs,
  };
  return ladderStep(fields, r.latency, r.nodes);
}

export async function benchRemittance(
  options: RemittanceBenchOptions,
  report: Report,
): Promise<void> {
  const net = await TestNetwork.create(validatorsCount);
  try {
    net.startAll();
    await net.waitAllReady(60_000);
    const orgs = openOrgs(net);
    const finality: Finality = new Map();
    const socket = await watchFinality(orgs.get(corridorOrgs.sendingOrg)!.client, finality);
    const corridor = await setUpCorridor(net, orgs, finality);
    const bench: Bench = {
      report,
      corridor,
      finality,
      urls: net.nodes.map((n) => n.apiUrl),
      pids: net.nodes.map((n) => n.process?.pid ?? Number.NaN),
      expected: corridor.beneficiaries.map(() => 0n),
    };
    const cost: BuildCost = { sends: 0, sealMs: 0, quoteMs: 0, signMs: 0 };
    let saturation = 0;
    const steps: LadderStep[] = [];
    for (const rate of options.rates) {
      const r = await runRate(bench, rate, options.seconds, cost);
      saturation = Math.max(saturation, r.finalPerSec, r.completedPerSec);
      steps.push(stepOf(r));
      console.log(`  remittance at ${rate}/s offered: ${formatStepRow(steps.at(-1)!)}`);
    }
    const labels = {
      title: 'Tally remittance HKD-PHP: throughput against latency',
      x: 'completed remittances/s',
      y: 'end-to-end latency',
    };
    writeLadder('remittance', labels, steps);
    report('saturation: most remittances/s completed at any offered rate', saturation, 'remit/s');
    report(
      'wallet build: sealing, wall time per send (4 recipients, 64 at once)',
      cost.sealMs / cost.sends,
      'ms',
    );
    report(
      'wallet build: quotes fetched per second (32 at once)',
      cost.sends / (cost.quoteMs / 1000),
      'quote/s',
    );
    report('wallet build: args and signature per send', (cost.signMs * 1000) / cost.sends, 'us');
    const g = await runGateway(bench, cost.sends, gatewayRate, options.seconds);
    report(`gateway POST /v1/remittances at ${gatewayRate}/s: p50`, g.p50Ms, 'ms');
    report(`gateway POST /v1/remittances at ${gatewayRate}/s: p99`, g.p99Ms, 'ms');
    report(`gateway POST /v1/remittances at ${gatewayRate}/s: completed`, g.ok, 'remit');
    console.log(`  gateway: ${g.ok} of ${g.n} completed; other codes: ${formatCodes(g.codes)}`);
    report(
      'beneficiary balances checked against completed remittances',
      await checkBalances(corridor, bench.expected),
      'accounts',
    );
    socket.close();
  } finally {
    await net.close();
  }
}
