// `npm run test:soak -- [--minutes N] [--rate R] ...`: a long steady run of a real four-validator
// network (no faults) under an open-loop bank-transfer load, API readers and event streams. It samples
// every validator's memory, CPU, LMDB file and height, checks every final transaction, block and
// balance on every node as it goes, and judges whether a validator's live heap keeps growing once
// its caches have filled. Writes bench/results/soak.json (with samples and charts beside it) and
// exits 1 on any violation.
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { summarizeLatencies } from '../../bench/lib/percentiles.ts';
import { printTable } from '../../bench/lib/report.ts';
import { FaultNetwork, sleep } from '../faults/fault-network.ts';
import { Prng } from '../sim/lib/prng.ts';
import { judgeGrowth } from './analysis.ts';
import { heapGrowth, nodeResults, type Result, type Sample, writeSoak } from './output.ts';
import { type Readers, startReaders } from './readers.ts';
import { type RemittanceStream, startRemittances } from './remittances.ts';
import { checkRetention } from './retention.ts';
import { Timeline } from './timeline.ts';

const resultPath = join(import.meta.dirname, '../../bench/results/soak.json');
const validators = 4;
/** The bank load's currencies: HKD and PHP belong to the remittance corridor's issuers. */
const bankCurrencies = [
  { code: 'USD', decimals: 2 },
  { code: 'SGD', decimals: 2 },
];
/** A growth verdict needs this long a run: the second half must start after the caches filled. */
const verdictRunMinMs = 20 * 60_000;

const help = `usage: npm run test:soak -- [options]

A long steady run of four validator processes on loopback under load: open-loop signed
bank transfers, API readers on every node, one event stream per node. Every final
transaction, block and balance is checked on every node as the run goes and at the end.

  --minutes N          how long the load runs (default 30; fractions allowed)
  --rate N             transfers posted per second (default 200)
  --read-rate N        API reads per second across the nodes (default 20)
  --remit-rate N       HKD-PHP remittances per second through the sending wallet's
                       node, each waited on until final (default 2; 0: none)
  --sample-seconds N   how often each validator is sampled (default 10)
  --check-minutes N    how often the load pauses for a consistency check (default 10)
  --accounts N         accounts per currency (default 50)
  --block-interval-min-ms N
                       the genesis's blockIntervalMinMs (default: the genesis default)
  --keep-states N      every node's prune.keepStates: keep only the last N state versions
                       (default 0: every version, as a node does unless configured)
  --heap-growth-max N  MiB/h a validator's live V8 heap may grow over the second half of
                       a run of 20 minutes or more (default 64)
  --seed N             the run's seed (default: random; printed for a replay)
  --out FILE           where the record goes (default bench/results/soak.json); the
                       samples and charts go beside it
  -h, --help           this text

Exits 1 on a violation: a transaction lost or changed, a fork, money not conserved,
a remittance answered completed that a node does not show completed, a node that
exited, an API answer of 5xx, or a live heap growing past the limit.`;

type Options = {
  readonly minutes: number;
  readonly rate: number;
  readonly readRate: number;
  readonly remitRate: number;
  readonly blockIntervalMinMs: number | undefined;
  readonly keepStates: number;
  readonly sampleMs: number;
  readonly checkMs: number;
  readonly accounts: number;
  readonly heapGrowthMax: number;
  readonly seed: number;
  readonly out: string;
};

function numberOption(name: string, text: string | undefined, fallback: number, min: number) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`--${name}: expected a number >= ${min}, got ${text}`);
  return n;
}

function readOptions(): Options | undefined {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      rate: { type: 'string' },
      'read-rate': { type: 'string' },
      'remit-rate': { type: 'string' },
      'block-interval-min-ms': { type: 'string' },
      'keep-states': { type: 'string' },
      'sample-seconds': { type: 'string' },
      'check-minutes': { type: 'string' },
      accounts: { type: 'string' },
      'heap-growth-max': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return undefined;
  return {
    minutes: numberOption('minutes', values.minutes, 30, 0.1),
    rate: numberOption('rate', values.rate, 200, 1),
    readRate: numberOption('read-rate', values['read-rate'], 20, 0),
    remitRate: numberOption('remit-rate', values['remit-rate'], 2, 0),
    blockIntervalMinMs:
      values['block-interval-min-ms'] === undefined
        ? undefined
        : Math.floor(numberOption('block-interval-min-ms', values['block-interval-min-ms'], 0, 0)),
    keepStates: keepStatesOption(values['keep-states']),
    sampleMs: numberOption('sample-seconds', values['sample-seconds'], 10, 1) * 1000,
    checkMs: numberOption('check-minutes', values['check-minutes'], 10, 0.1) * 60_000,
    accounts: Math.floor(numberOption('accounts', values.accounts, 50, 2)),
    heapGrowthMax: numberOption('heap-growth-max', values['heap-growth-max'], 64, 0),
    seed: Math.floor(numberOption('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0)),
    out: values.out ?? resultPath,
  };
}

/** 0 (keep every version) or a window a node accepts (src/node/config.ts: at least 100). */
function keepStatesOption(text: string | undefined): number {
  const keep = Math.floor(numberOption('keep-states', text, 0, 0));
  if (keep !== 0 && keep < 100)
    throw new Error(`--keep-states: expected 0 or at least 100, got ${text}`);
  return keep;
}

function replayCommand(options: Options): string {
  const optional = [
    options.blockIntervalMinMs === undefined
      ? ''
      : ` --block-interval-min-ms ${options.blockIntervalMinMs}`,
    options.keepStates === 0 ? '' : ` --keep-states ${options.keepStates}`,
  ].join('');
  return `npm run test:soak -- --minutes ${options.minutes} --rate ${options.rate} --remit-rate ${options.remitRate}${optional} --seed ${options.seed}`;
}

async function main(): Promise<void> {
  const options = readOptions();
  if (options === undefined) {
    console.log(help);
    return;
  }
  const command = replayCommand(options);
  console.log(
    `soak: ${options.minutes} min at ${options.rate} transfers/s and ${options.remitRate} remittances/s (replay: ${command})`,
  );
  const soak = await startSoak(options);
  const violations: string[] = [];
  const tty = process.stdout.isTTY === true;
  const bar = new SingleBar({
    format:
      'soak [{bar}] {value}/{total} min  final {final}  {tps} tx/s  p99 {p99} ms  heap max {heap} MiB  violations {violations}',
  });
  if (tty) bar.start(Math.ceil(options.minutes), 0, barValues([], violations));
  const perMinute = Math.max(1, Math.round(60_000 / options.sampleMs));
  const timeline = new Timeline({
    fnet: soak.fnet,
    remits: soak.remits,
    sampleMs: options.sampleMs,
    intervalLatencies: soak.latencies.interval,
    onSample: (samples) => {
      const minute = Math.floor((samples.at(-1)?.tMs ?? 0) / 60_000);
      if (tty) bar.update(minute, barValues(samples, violations));
      else if (samples.length % perMinute === 0)
        console.log(`  ${progressLine(samples, violations)}`);
    },
    onError: (message) => violations.push(message),
  });
  const { fnet, remits, readers } = soak;
  let retained: Result[] = [];
  fnet.startLoad();
  console.log(`network up (${fnet.urls.join(', ')}); load started`);
  try {
    await runLoad(timeline, soak, options.minutes * 60_000, options.checkMs, violations);
    await fnet.stopLoad();
    await remits?.stop();
    await readers.stop();
    await timeline.stop();
    if (timeline.exited !== undefined) violations.push(timeline.exited);
    else {
      console.log(
        `${tty ? '\n' : ''}final check: every transaction, block and account on every node`,
      );
      violations.push(...(await fnet.check(true)));
      violations.push(...((await remits?.check()) ?? []));
      const retention = await checkRetention(fnet.urls, options.keepStates);
      violations.push(...retention.violations);
      retained = retention.results;
    }
  } finally {
    await timeline.stop();
    if (tty) bar.stop();
    await remits?.stop();
    await readers.stop();
    await fnet.close();
  }
  violations.push(...readers.violations.slice(0, 100), ...fnet.checker.totals.violations);
  report(soak, timeline.samples, { options, command, retained }, violations);
}

/** What runs during a soak: the network and its load, the remittances, the readers. */
type Soak = {
  readonly fnet: FaultNetwork;
  readonly remits: RemittanceStream | undefined;
  readonly readers: Readers;
  /** Finality latencies: since the last sample, of the whole run, and of remittances. */
  readonly latencies: { interval: number[]; all: number[]; remit: number[] };
};

/** Starts the network with its funded accounts, the remittance corridor, and the readers. */
async function startSoak(options: Options): Promise<Soak> {
  const latencies = { interval: [] as number[], all: [] as number[], remit: [] as number[] };
  const prng = new Prng(options.seed);
  const fnet = await FaultNetwork.start({
    validators,
    accounts: options.accounts,
    ratePerSec: options.rate,
    withProxy: false,
    runId: options.seed,
    txGets: 200,
    prng: prng.fork(),
    currencies: bankCurrencies,
    ...(options.blockIntervalMinMs === undefined
      ? {}
      : { consensus: { blockIntervalMinMs: options.blockIntervalMinMs } }),
    ...(options.keepStates === 0
      ? {}
      : { nodeConfig: { prune: { keepStates: options.keepStates } } }),
    onFinality: (ms) => {
      latencies.interval.push(ms);
      latencies.all.push(ms);
    },
  });
  let remits: RemittanceStream | undefined;
  if (options.remitRate > 0) {
    try {
      remits = await startRemittances(fnet.net, {
        ratePerSec: options.remitRate,
        onLatency: (ms) => latencies.remit.push(ms),
      });
    } catch (error) {
      await fnet.close();
      throw error;
    }
  }
  const readers = startReaders({
    urls: fnet.urls,
    key: fnet.net.clientKey(0),
    acknowledged: fnet.load.acknowledged,
    accountIds: fnet.checker.currencies.flatMap((c) => c.accountIds),
    ratePerSec: options.readRate,
    prng: prng.fork(),
  });
  return { fnet, remits, readers, latencies };
}

/** Judges the heaps, writes the record, samples and charts, prints them, and sets the exit code. */
function report(
  soak: Soak,
  samples: readonly Sample[],
  run: {
    readonly options: Options;
    readonly command: string;
    readonly retained: readonly Result[];
  },
  violations: string[],
): void {
  const { options, command } = run;
  const { fnet, remits, readers } = soak;
  const notes = judgeHeaps(samples, options.minutes * 60_000, options.heapGrowthMax, violations);
  const unique = [...new Set(violations)];
  const extra = [
    ...(remits === undefined ? [] : remitResults(remits, soak.latencies.remit)),
    ...run.retained,
  ];
  const results = summary(
    samples,
    soak.latencies.all,
    options,
    fnet,
    readers.counts,
    unique.length,
    extra,
  );
  const files = writeSoak(
    options.out,
    {
      machine: {
        cpus: cpus().length,
        node: process.version,
        memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
      },
      date: new Date().toISOString(),
      command,
      verdict: unique.length === 0 ? 'pass' : 'fail',
      results,
      violations: unique.slice(0, 100),
      notes,
      reads: Object.fromEntries([...readers.counts].sort()),
      remittances: Object.fromEntries([...(remits?.counts ?? [])].sort()),
      refusedAtAdmission: Object.fromEntries(fnet.load.counts.refused),
    },
    samples,
  );
  printTable('soak', results);
  for (const note of notes) console.log(note);
  for (const file of files) console.log(`-> ${file}`);
  if (unique.length > 0) {
    console.error(`FAILED: ${unique.length} violation(s); replay with: ${command}`);
    for (const v of unique.slice(0, 20)) console.error(`  ${v}`);
    process.exitCode = 1;
  } else console.log('soak passed: no violations');
}

/** Lets the load run for `runMs`, pausing it every `checkMs` for a check; ends early if a node died. */
async function runLoad(
  timeline: Timeline,
  soak: Soak,
  runMs: number,
  checkMs: number,
  violations: string[],
): Promise<void> {
  let nextCheckMs = checkMs;
  while (timeline.elapsedMs < runMs && timeline.exited === undefined) {
    await sleep(Math.min(1000, Math.max(0, runMs - timeline.elapsedMs)));
    if (timeline.elapsedMs < nextCheckMs || timeline.elapsedMs >= runMs) continue;
    timeline.checking = true;
    await soak.remits?.pause();
    violations.push(...(await soak.fnet.check(false)));
    violations.push(...((await soak.remits?.check()) ?? []));
    soak.remits?.resume();
    timeline.checking = false;
    nextCheckMs = timeline.elapsedMs + checkMs;
  }
}

/** Adds a violation for each validator whose live heap grew too fast; returns what was judged. */
function judgeHeaps(
  samples: readonly Sample[],
  runMs: number,
  maxPerHour: number,
  violations: string[],
): string[] {
  const notes: string[] = [];
  for (let i = 0; i < validators; i++) {
    const g = heapGrowth(samples, i);
    const verdict = judgeGrowth(g, runMs, maxPerHour, verdictRunMinMs);
    const rate = Number.isFinite(g.perHour) ? `${g.perHour.toFixed(1)} MiB/h` : 'unknown';
    if (!verdict.judged)
      notes.push(`validator ${i}: heap growth ${rate}, not judged: ${verdict.why}`);
    else if (verdict.over)
      violations.push(
        `validator ${i}: live V8 heap grew ${rate} over the second half (limit ${maxPerHour} MiB/h)`,
      );
    else notes.push(`validator ${i}: live V8 heap growth ${rate}, within ${maxPerHour} MiB/h`);
  }
  return notes;
}

function summary(
  samples: readonly Sample[],
  latencies: readonly number[],
  options: Options,
  fnet: FaultNetwork,
  reads: ReadonlyMap<string, number>,
  violationCount: number,
  extra: readonly Result[],
): Result[] {
  const lastMs = samples.at(-1)?.tMs ?? 0;
  const latency = summarizeLatencies(latencies);
  const totalReads = [...reads.values()].reduce((a, b) => a + b, 0);
  return [
    { name: 'load duration', value: lastMs / 60_000, unit: 'min' },
    { name: 'transfers offered', value: options.rate, unit: 'tx/s' },
    { name: 'transfers final under the load', value: samples.at(-1)?.final ?? 0, unit: 'tx' },
    {
      name: 'transfers final per second, whole run',
      value: lastMs > 0 ? ((samples.at(-1)?.final ?? 0) / lastMs) * 1000 : Number.NaN,
      unit: 'tx/s',
    },
    {
      name: 'transactions final, setup included',
      value: fnet.load.acknowledged.final.size,
      unit: 'tx',
    },
    {
      name: 'transactions found final on every node',
      value: fnet.checker.totals.txsFound,
      unit: 'tx',
    },
    { name: 'finality p50', value: latency.p50, unit: 'ms' },
    { name: 'finality p99', value: latency.p99, unit: 'ms' },
    { name: 'finality max', value: latency.max, unit: 'ms' },
    { name: 'API reads', value: totalReads, unit: 'requests' },
    { name: 'forks', value: fnet.checker.totals.forks, unit: 'heights' },
    { name: 'violations', value: violationCount, unit: 'violations' },
    ...extra,
    ...nodeResults(samples, validators),
  ];
}

function remitResults(remits: RemittanceStream, latencies: readonly number[]): Result[] {
  const latency = summarizeLatencies(latencies);
  const notCompleted = [...remits.counts]
    .filter(([outcome]) => outcome !== 'completed')
    .reduce((sum, [, n]) => sum + n, 0);
  return [
    { name: 'remittances completed', value: remits.counts.get('completed') ?? 0, unit: 'remit' },
    { name: 'remittances not completed', value: notCompleted, unit: 'remit' },
    { name: 'remittance, quote to final, p50', value: latency.p50, unit: 'ms' },
    { name: 'remittance, quote to final, p99', value: latency.p99, unit: 'ms' },
  ];
}

function barValues(samples: readonly Sample[], violations: readonly string[]) {
  const last = samples.at(-1);
  const prior = samples.at(-2);
  const tps =
    last !== undefined && prior !== undefined
      ? ((last.final - prior.final) / (last.tMs - prior.tMs)) * 1000
      : 0;
  const heaps = (last?.nodes ?? []).map((n) => (n.up ? n.heapUsedMiB : 0));
  return {
    final: last?.final ?? 0,
    tps: tps.toFixed(0),
    p99: Number.isFinite(last?.p99Ms) ? last!.p99Ms : '-',
    heap: Math.max(0, ...heaps).toFixed(0),
    violations: violations.length,
  };
}

function progressLine(samples: readonly Sample[], violations: readonly string[]): string {
  const v = barValues(samples, violations);
  const minute = ((samples.at(-1)?.tMs ?? 0) / 60_000).toFixed(1);
  return `${minute} min: final ${v.final}, ${v.tps} tx/s, p99 ${v.p99} ms, heap max ${v.heap} MiB, violations ${v.violations}`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
