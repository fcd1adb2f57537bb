// `npm run bench -- --only network`: real validator processes on loopback (mutual TLS, durable LMDB),
// fed by an open-loop load generator that submits pre-signed transfers in batches over the HTTP API
// at a fixed rate, whatever the network answers, and learns finality from the WebSocket event
// stream. First the physical bound (this machine's all-core Ed25519 verification rate), then for
// 1 and 4 validators a ladder of offered rates around the expected capacity: final transfers/s
// beside the bound, finality latency from the client's view, and each validator's CPU and memory.
import type { WebSocket } from 'ws';
import { BankWorkload } from '../src/cli/demo/bank-workload.ts';
import type { KeyPair } from '../src/crypto/suite.ts';
import { verifyBatch, verifyPool } from '../src/crypto/verify-batch.ts';
import type { Transaction } from '../src/ledger/tx.ts';
import { consensusDefaults } from '../src/node/genesis.ts';
import { toHex } from '../src/util/bytes.ts';
import { TallyError } from '../src/util/errors.ts';
import { TestNetwork } from '../test/e2e/harness.ts';
import { batchRate, signedItems } from './ledger/crypto.ts';
import {
  cpuUsPerFinal,
  drainMempools,
  dueCount,
  envNumber,
  extraLoad,
  finalPerSecond,
  formatStepRow,
  kernelShareOfCpu,
  type LadderStep,
  ladderFractions,
  ladderFractionsFromEnv,
  ladderRates,
  ladderStep,
  loadLabel,
  offeredRate,
  writeLadder,
} from './lib/load-ladder.ts';
import {
  countBlocks,
  createSubmitter,
  executeUsPerTx,
  type Finality,
  readExecuteTotals,
  waitFinal,
  watchFinality,
} from './lib/network-client.ts';
import { pruneWindowFromEnv, transfersPerTxFromEnv, treeWorkerFromEnv } from './lib/network-env.ts';
import { summarizeLatencies } from './lib/percentiles.ts';
import { watchProcesses } from './lib/proc-stats.ts';
import { median, type Report } from './lib/report.ts';

const tickMs = 50;
const requestsInFlightMax = 32;
const secondsDefault = 30;
/** The capacity probe: short, at a rate meant to be past saturation. */
const probeSecondsMax = 10;
const probeRateDefault = { 1: 2500, 4: 800 } as const;
/** A probe finalising this share of what it offered was not saturated: offer twice as much. */
const probeSaturatedBelow = 0.9;
const probeDoublingsMax = 2;
/**
 * The bound is the median of several one-second samples: on a shared machine one sample moved by
 * 10% within a minute, and a single three-second measurement by 26% between two runs.
 */
const boundSamples = 7;
const boundSampleMs = 1000;
const boundBatchItems = 2000;
const drainTimeoutMs = 180_000;
/** The setup offers a refused phase again after this pause, this many times at most. */
const setupRetryMs = 500;
const setupAttemptsMax = 240;
/** Transfers expire this long after they are signed, inside the mempool's 10-minute window. */
const transferLifetimeMs = 9 * 60_000;
/** A running network under test, and what the generator needs to load it. */
type Cluster = {
  readonly validators: number;
  readonly urls: readonly string[];
  readonly pids: readonly number[];
  readonly client: KeyPair;
  readonly finality: Finality;
  /**
   * Fresh transactions carrying `count` transfers between the funded accounts, signed now (so they
   * expire late enough): `transfersPerTx` to a transaction.
   */
  transfers(count: number): Transaction[];
  readonly transfersPerTx: number;
};

type StepOutcome = {
  readonly step: LadderStep;
  /** All final, first send to last final (the drain included), per second. */
  readonly sustained: number;
};

/**
 * Offers `rate` transfers a second for `seconds`, then waits until everything admitted is final and
 * every mempool is empty, so the next step starts from an idle network. Latencies are measured
 * over every admitted transfer, the drain included: past saturation, queueing is what users see.
 */
async function runStep(cluster: Cluster, rate: number, seconds: number): Promise<StepOutcome> {
  // Rates and counts are in transfers; the generator paces transactions, each carrying perTx.
  const perTx = cluster.transfersPerTx;
  const txs = cluster.transfers(Math.ceil(rate * seconds));
  const submitter = createSubmitter(cluster.urls, cluster.client);
  const sentAt = new Map<string, number>();
  const watch = watchProcesses(cluster.pids);
  const blocks = await countBlocks(cluster.urls[0]!);
  const executeBefore = await Promise.all(cluster.urls.map(readExecuteTotals));
  const start = Date.now();
  let sent = 0;
  while (sent < txs.length) {
    const due = dueCount(Date.now() - start, rate / perTx, txs.length);
    if (due > sent && submitter.inFlight() < requestsInFlightMax) {
      const slice = txs.slice(sent, due);
      const now = Date.now();
      for (const t of slice) sentAt.set(toHex(t.id), now);
      submitter.submit(slice);
      sent = due;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const sendingMs = Date.now() - start;
  const offered = perTx * offeredRate(txs.length, seconds, sendingMs, tickMs);
  const nodes = watch.stop();
  const blocksPerS = await blocks.perSecond(sendingMs);
  await submitter.settled();
  const notFinal = await waitFinal(submitter.admitted, cluster.finality, drainTimeoutMs);
  if (!(await drainMempools(cluster.urls, drainTimeoutMs)))
    console.log(`  network: mempools not empty ${drainTimeoutMs} ms after the step`);
  const executeAfter = await Promise.all(cluster.urls.map(readExecuteTotals));
  const latencies: number[] = [];
  const finalAt: number[] = [];
  for (const id of submitter.admitted) {
    const f = cluster.finality.get(id);
    if (f === undefined) continue;
    latencies.push(f.atMs - sentAt.get(id)!);
    finalAt.push(f.atMs);
  }
  const rejected = [...submitter.rejected.values()].reduce((a, b) => a + b, 0);
  if (rejected > 0)
    console.log(
      `  rejected at admission: ${JSON.stringify(Object.fromEntries(submitter.rejected))}`,
    );
  const fields = {
    validators: cluster.validators,
    offered,
    final: perTx * finalPerSecond(finalAt, start, seconds),
    rejected: perTx * rejected,
    notFinal: perTx * notFinal,
    blocksPerS,
    executeUs: executeUsPerTx(executeBefore, executeAfter) / perTx,
  };
  const lastFinalMs = finalAt.reduce((a, b) => Math.max(a, b), start + 1);
  return {
    step: ladderStep(fields, summarizeLatencies(latencies), nodes),
    sustained: (perTx * finalAt.length) / ((lastFinalMs - start) / 1000),
  };
}

/**
 * What the network finalises per second when offered more than it can take: a short run at the
 * probe rate, doubled while the network keeps up with it. An overloaded probe's window can close
 * before its first block is final, so the rate over the whole run, drain included, counts too.
 */
async function probeCapacity(cluster: Cluster, rate: number, seconds: number): Promise<number> {
  let offered = rate;
  for (let doublings = 0; ; doublings++) {
    const { step, sustained } = await runStep(cluster, offered, seconds);
    const capacity = Math.max(step.final, sustained);
    console.log(
      `  ${validatorsName(cluster.validators)} capacity probe: ${formatStepRow(step)}; ` +
        `sustained ${Math.round(sustained)}/s`,
    );
    if (capacity < step.offered * probeSaturatedBelow || doublings === probeDoublingsMax)
      return capacity;
    offered *= 2;
  }
}

/**
 * Submits a setup phase again and again until every transaction is admitted: nodes with small
 * blocks take fewer at once (admission holds the pool to what they commit), as a wallet would find.
 */
async function submitUntilAdmitted(
  urls: readonly string[],
  client: KeyPair,
  txs: readonly Transaction[],
): Promise<void> {
  let pending = txs;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const submitter = createSubmitter(urls, client);
    submitter.submit(pending);
    await submitter.settled();
    const admitted = new Set(submitter.admitted);
    pending = pending.filter((t) => !admitted.has(toHex(t.id)));
    if (pending.length === 0) return;
    if (attempt === setupAttemptsMax) {
      const codes = JSON.stringify(Object.fromEntries(submitter.rejected));
      throw new TallyError(
        'bench_setup_refused',
        `network setup: ${pending.length} transactions still refused after ${attempt} tries: ${codes}`,
      );
    }
    await new Promise((r) => setTimeout(r, setupRetryMs));
  }
}

/** A network of `n` validators, started, with the workload's currencies and funded accounts. */
async function openCluster(
  n: number,
  blockTxsMax: number,
): Promise<{ cluster: Cluster; close(): Promise<void> }> {
  const options = { chainId: 'tally-e2e', accounts: 2000, users: 64 };
  // A run id per batch keeps transfer ids unique across the steps of this run and across runs.
  const runIdBase = Date.now() % 1_000_000;
  let runs = 0;
  const workload = () =>
    new BankWorkload({
      ...options,
      expiresAtMs: Date.now() + transferLifetimeMs,
      runId: runIdBase + ++runs,
      seed: runs,
    });
  const setup = workload();
  const net = await TestNetwork.create(n, {
    extraKeys: { orgIndex: 0, keys: [setup.issuer, ...setup.users] },
    consensus: { blockTxsMax, roundTimeoutMs: 2000, emptyBlockDelayMs: 200 },
  });
  let socket: WebSocket | undefined;
  const close = async () => {
    socket?.close();
    await net.close();
  };
  try {
    const mempoolTxsMax = envNumber('TALLY_BENCH_MEMPOOL_TXS');
    const prune = {
      keepBlocks: pruneWindowFromEnv('TALLY_BENCH_PRUNE_KEEP_BLOCKS'),
      keepStates: pruneWindowFromEnv('TALLY_BENCH_PRUNE_KEEP_STATES'),
    };
    for (let i = 0; i < net.nodes.length; i++)
      net.amendConfig(i, {
        ...(mempoolTxsMax === undefined ? {} : { mempool: { txsMax: mempoolTxsMax } }),
        ...treeWorkerFromEnv(),
        prune,
      });
    net.startAll();
    await net.waitAllReady(60_000);
    const urls = net.nodes.map((node) => node.apiUrl);
    const client = net.clientKey(0);
    const finality: Finality = new Map();
    socket = await watchFinality(urls[0]!, client, finality);
    for (const phase of setup.setupPhases()) {
      await submitUntilAdmitted(urls, client, phase);
      const missing = await waitFinal(
        phase.map((t) => toHex(t.id)),
        finality,
        120_000,
      );
      if (missing > 0)
        throw new TallyError(
          'bench_setup_not_final',
          `network setup: ${missing} transactions not final`,
        );
    }
    const pids = net.nodes.map((node) => node.process?.pid ?? Number.NaN);
    const transfersPerTx = transfersPerTxFromEnv();
    const transfers = (count: number) =>
      transfersPerTx === 1
        ? workload().transfers(count)
        : workload().transferBatches(Math.ceil(count / transfersPerTx), transfersPerTx);
    const cluster = { validators: n, urls, pids, client, finality, transfers, transfersPerTx };
    return { cluster, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export type NetworkBenchOptions = {
  readonly validators: number;
  /** Each ladder step's length. */
  readonly seconds: number;
  readonly blockTxsMax: number;
  /** Expected capacity, transfers/s; probed when absent. */
  readonly capacity: number | undefined;
  /** Offered rate of the capacity probe. */
  readonly probeRate: number;
};

const validatorsName = (n: number) => (n === 1 ? '1 validator' : `${n} validators`);

function reportStep(report: Report, name: string, step: LadderStep, bound: number): void {
  const at = `at ${loadLabel(step.load ?? Number.NaN)}`;
  report(`${name}: offered tx/s ${at}`, step.offered, 'tx/s');
  report(`${name}: final tx/s ${at}`, step.final, 'tx/s');
  report(`${name}: final tx/s ${at} as % of bound`, (100 * step.final) / bound, '%');
  report(`${name}: finality p50 ${at}`, step.p50, 'ms');
  report(`${name}: finality p90 ${at}`, step.p90, 'ms');
  report(`${name}: finality p99 ${at}`, step.p99, 'ms');
  report(`${name}: finality max ${at}`, step.max, 'ms');
  report(`${name}: rejected at admission ${at}`, step.rejected, 'tx');
  report(
    `${name}: busiest validator CPU ${at}`,
    Math.max(...step.nodes.map((x) => x.cpuPct)),
    '% of a core',
  );
  report(`${name}: validators' CPU per final tx ${at}`, cpuUsPerFinal(step), 'us');
  report(`${name}: validators' CPU spent in the kernel ${at}`, kernelShareOfCpu(step), '% of CPU');
  report(`${name}: blocks/s ${at}`, step.blocksPerS ?? Number.NaN, 'blocks/s');
  report(
    `${name}: a validator's execute and commit time per final tx ${at}`,
    step.executeUs ?? Number.NaN,
    'us',
  );
  report(
    `${name}: largest validator RSS ${at}`,
    Math.max(...step.nodes.map((x) => x.rssMaxMiB)),
    'MiB',
  );
  // The parts of the resident set, each its own largest: heap growth shows in RssAnon, LMDB's map in RssFile.
  report(
    `${name}: largest validator RssAnon ${at}`,
    Math.max(...step.nodes.map((x) => x.rssAnonMaxMiB)),
    'MiB',
  );
  report(
    `${name}: largest validator RssFile ${at}`,
    Math.max(...step.nodes.map((x) => x.rssFileMaxMiB)),
    'MiB',
  );
  report(
    `${name}: largest validator RssShmem ${at}`,
    Math.max(...step.nodes.map((x) => x.rssShmemMaxMiB)),
    'MiB',
  );
}

/** One validator count: capacity (probed or given), then the ladder around it. */
export async function benchNetworkOf(
  options: NetworkBenchOptions,
  verifyRate: number,
  report: Report,
  ladder: LadderStep[],
): Promise<void> {
  const n = options.validators;
  const name = validatorsName(n);
  const bound = verifyRate / n;
  report(`${name}: bound (all-core Ed25519 verifies/s / ${n})`, bound, 'tx/s');
  const { cluster, close } = await openCluster(n, options.blockTxsMax);
  try {
    const probeSeconds = Math.min(options.seconds, probeSecondsMax);
    const capacity =
      options.capacity ?? (await probeCapacity(cluster, options.probeRate, probeSeconds));
    if (!(capacity > 0))
      throw new TallyError(
        'bench_no_capacity',
        `${name}: nothing became final in the capacity probe`,
      );
    const source = options.capacity === undefined ? 'probed' : 'given';
    report(`${name}: expected capacity (${source})`, capacity, 'tx/s');
    report(`${name}: expected capacity as % of bound`, (100 * capacity) / bound, '%');
    const fractions = ladderFractionsFromEnv();
    const runLoad = async (load: number, rate: number): Promise<LadderStep> => {
      const step = { ...(await runStep(cluster, rate, options.seconds)).step, load, bound };
      ladder.push(step);
      console.log(`  ${name} ${loadLabel(load)}: ${formatStepRow(step)}`);
      reportStep(report, name, step, bound);
      return step;
    };
    let best = 0;
    let top: LadderStep | undefined;
    for (const [i, rate] of ladderRates(capacity, fractions).entries()) {
      top = await runLoad(fractions[i]!, rate);
      best = Math.max(best, top.final);
    }
    // The default ladder goes on past 125% while it keeps up, so that it reaches saturation even
    // when the capacity was underestimated (a probe on a busy moment); a chosen TALLY_BENCH_LOADS
    // runs just what it names.
    for (
      let load = extraLoadFor(top, fractions);
      load !== undefined;
      load = extraLoadFor(top, fractions)
    ) {
      console.log(`  ${name}: kept up with ${loadLabel(top!.load!)}; one more step`);
      top = await runLoad(load, Math.max(1, Math.round(capacity * load)));
      best = Math.max(best, top.final);
    }
    if (top !== undefined && top.final >= top.offered * probeSaturatedBelow)
      console.log(
        `  ${name}: kept up with ${loadLabel(top.load!)}, so the capacity was underestimated; ` +
          `set TALLY_BENCH_CAPACITY_${n} higher for a ladder that reaches saturation`,
      );
    report(`${name}: most final tx/s on the ladder`, best, 'tx/s');
    report(`${name}: most final tx/s on the ladder as % of bound`, (100 * best) / bound, '%');
  } finally {
    await close();
  }
}

function extraLoadFor(
  top: LadderStep | undefined,
  fractions: readonly number[],
): number | undefined {
  if (top === undefined || fractions !== ladderFractions) return undefined;
  return extraLoad(top, probeSaturatedBelow);
}

/** This machine's all-core Ed25519 verification rate, as the ledger group measures it: samples. */
async function sampleVerifyRate(): Promise<number[]> {
  await verifyPool().warm(); // worker start-up is not part of the rate
  const items = signedItems('ed25519', boundBatchItems);
  const samples: number[] = [];
  for (let i = 0; i < boundSamples; i++)
    samples.push(await batchRate(verifyBatch, items, boundSampleMs));
  return samples;
}

/** TALLY_BENCH_VALIDATORS picks the networks measured: `1`, `4` or `1,4` (the default). */
function validatorCounts(): (1 | 4)[] {
  const text = process.env.TALLY_BENCH_VALIDATORS ?? '1,4';
  const counts = text.split(',').map((part) => Number(part.trim()));
  if (counts.length === 0 || !counts.every((n) => n === 1 || n === 4))
    throw new RangeError(`TALLY_BENCH_VALIDATORS: expected 1, 4 or 1,4 (got ${text})`);
  return counts as (1 | 4)[];
}

/**
 * The network group: the physical bound, a ladder on 1 validator and on 4, then the per-step table
 * (bench/results/network.steps.json) and the throughput-latency chart (network.svg).
 */
export function networkSteps(): { label: string; run: (report: Report) => Promise<void> }[] {
  const seconds = envNumber('TALLY_BENCH_SECONDS', secondsDefault);
  const blockTxsMax = envNumber('TALLY_BENCH_BLOCK_TXS', consensusDefaults.blockTxsMax);
  const ladder: LadderStep[] = [];
  let verifyRate = Number.NaN;
  const validatorsStep = (n: 1 | 4) => ({
    label: validatorsName(n),
    run: (report: Report) =>
      benchNetworkOf(
        {
          validators: n,
          seconds,
          blockTxsMax,
          capacity: envNumber(`TALLY_BENCH_CAPACITY_${n}`),
          probeRate: envNumber(`TALLY_BENCH_RATE_${n}`, probeRateDefault[n]),
        },
        verifyRate,
        report,
        ladder,
      ),
  });
  return [
    {
      label: 'physical bound',
      run: async (report) => {
        const samples = await sampleVerifyRate();
        verifyRate = median(samples);
        report(
          'ed25519 verify, all cores (verifyBatch): the physical bound',
          verifyRate,
          'verifies/s',
        );
        // How steady the machine was while it was measured: (max - min) / median of the samples.
        report(
          `ed25519 verify, all cores: spread of ${boundSamples} one-second samples`,
          (100 * (Math.max(...samples) - Math.min(...samples))) / verifyRate,
          '%',
        );
      },
    },
    ...validatorCounts().map(validatorsStep),
    {
      label: 'steps and chart',
      run: async () => {
        const labels = {
          title: 'Tally network: throughput against finality latency',
          x: 'final transfers/s',
          y: 'finality latency',
        };
        writeLadder('network', labels, ladder);
      },
    },
  ];
}
