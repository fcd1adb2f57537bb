// The load ladder shared by the network and remittance groups: open-loop steps at fixed offered
// rates, what each step measured (bench/results/GROUP.steps.json, read by the report) and the
// throughput-latency chart (bench/results/GROUP.svg).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import type { LatencySummary } from './percentiles.ts';
import type { ProcessUsage } from './proc-stats.ts';
import { type ChartSeries, renderLineChart } from './svg-chart.ts';

/** Offered load as fractions of the expected capacity: below, at and past saturation. */
export const ladderFractions: readonly number[] = [0.25, 0.5, 0.75, 1, 1.25];
/** The first part of a step is its warm-up: final/s counts only what became final after it. */
const warmupMsMax = 5000;
const mempoolPollMs = 500;
export const seriesColors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

export const resultsDir = join(import.meta.dirname, '..', 'results');

/** One step of a ladder, as GROUP.steps.json holds it. Latencies in ms, rates per second. */
export type LadderStep = {
  readonly validators: number;
  /** Offered load as a fraction of the expected capacity (absent for fixed-rate ladders). */
  readonly load?: number;
  readonly offered: number;
  readonly final: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** Refused at admission (by the API or the mempool). */
  readonly rejected: number;
  /** Admitted but not final before the drain gave up. */
  readonly notFinal: number;
  /** The physical bound for this many validators, transfers/s (network group only). */
  readonly bound?: number;
  /** Blocks committed per second while the load was offered (first node's height). */
  readonly blocksPerS?: number;
  /**
   * Per validator and final transaction, wall microseconds spent executing blocks and committing
   * them durably (the nodes' tally_block_execute_seconds): what the rest of a validator's time is
   * measured against.
   */
  readonly executeUs?: number;
  readonly nodes: readonly ProcessUsage[];
};

/**
 * The ladder's fractions: ladderFractions, or TALLY_BENCH_LOADS (e.g. `1,1.25`) to re-measure some
 * steps alone.
 */
export function ladderFractionsFromEnv(): readonly number[] {
  const text = process.env.TALLY_BENCH_LOADS;
  if (text === undefined || text === '') return ladderFractions;
  const fractions = text.split(',').map((part) => Number(part.trim()));
  if (!fractions.every((f) => Number.isFinite(f) && f > 0 && f <= 10))
    throw new RangeError(
      `TALLY_BENCH_LOADS: expected fractions of the capacity from 0 to 10, like 0.5,1.25 (got ${text})`,
    );
  return fractions;
}

/** Offered rates, at least 1/s, for `capacity` transfers/s. */
export function ladderRates(capacity: number, fractions = ladderFractions): number[] {
  if (!(capacity > 0))
    throw new RangeError(`ladderRates: capacity must be positive, got ${capacity}`);
  return fractions.map((f) => Math.max(1, Math.round(capacity * f)));
}

/** Past the last planned step, the ladder climbs by this much of the capacity while it keeps up. */
export const ladderExtraStep = 0.25;
/** ... up to this load at most (2.5 times the expected capacity). */
export const ladderExtraLoadMax = 2.5;

/**
 * The load of one more step when the top step still kept up (`final` at least `keptUp` of what
 * was offered: the capacity was underestimated and the ladder has not reached saturation yet);
 * undefined once a step fell behind or the ladder reached ladderExtraLoadMax.
 */
export function extraLoad(
  top: Pick<LadderStep, 'load' | 'offered' | 'final'>,
  keptUp: number,
): number | undefined {
  if (top.load === undefined || top.final < top.offered * keptUp) return undefined;
  const next = Math.round((top.load + ladderExtraStep) * 100) / 100;
  return next > ladderExtraLoadMax ? undefined : next;
}

/** "75% load" */
export function loadLabel(fraction: number): string {
  return `${Math.round(fraction * 100)}% load`;
}

/** Open-loop schedule: how many of `total` are due `elapsedMs` into a run at `rate`/s. */
export function dueCount(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.min(total, Math.floor((elapsedMs / 1000) * rate));
}

/**
 * What the generator really offered, per second: `count` sent over the step, or over the time it
 * took when it fell behind. A last batch sent within one tick of its due time was on time.
 */
export function offeredRate(count: number, seconds: number, sendingMs: number, tickMs: number) {
  return count / (Math.max(seconds * 1000, sendingMs - tickMs) / 1000);
}

/** The part of a step whose finals count toward final/s: after the warm-up, up to the step's end. */
export function countingWindow(startMs: number, seconds: number): { fromMs: number; toMs: number } {
  const toMs = startMs + seconds * 1000;
  return { fromMs: startMs + Math.min(warmupMsMax, (seconds * 1000) / 4), toMs };
}

/** Final transactions per second over the counting window of a step started at `startMs`. */
export function finalPerSecond(
  finalAtMs: readonly number[],
  startMs: number,
  seconds: number,
): number {
  const { fromMs, toMs } = countingWindow(startMs, seconds);
  const inWindow = finalAtMs.filter((t) => t >= fromMs && t <= toMs).length;
  return inWindow / ((toMs - fromMs) / 1000);
}

/** A positive number from the environment, or `fallback` when unset. */
export function envNumber(name: string, fallback: number): number;
export function envNumber(name: string, fallback?: undefined): number | undefined;
export function envNumber(name: string, fallback?: number): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new RangeError(`${name}: expected a positive number, got ${value}`);
  return n;
}

/** Waits until every node's mempool is empty; answers false if it did not happen in time. */
export async function drainMempools(urls: readonly string[], timeoutMs: number): Promise<boolean> {
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
    if (sizes.every((n) => n === 0)) return true;
    await new Promise((r) => setTimeout(r, mempoolPollMs));
  }
  return false;
}

/** A step record from what the generator and the process watch saw. */
export function ladderStep(
  fields: Omit<LadderStep, 'p50' | 'p90' | 'p99' | 'max' | 'nodes'>,
  latency: LatencySummary,
  nodes: readonly ProcessUsage[],
): LadderStep {
  const { p50, p90, p99, max } = latency;
  return { ...fields, p50, p90, p99, max, nodes };
}

/** "2 x AMD EPYC, 24 GiB, Node v20.20.2" */
export function machineLabel(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = Math.round(totalmem() / 2 ** 30);
  return `${availableParallelism()} x ${model}, ${memoryGiB} GiB, Node ${process.version}`;
}

const fixed = (v: number, digits: number) =>
  Number.isFinite(v) ? Number(v.toFixed(digits)) : Number.NaN;

/** The step in the file's key order (the report's shape first, then the extras), rounded. */
function rounded(step: LadderStep): LadderStep {
  const { validators, p50, p90, p99, max, rejected, notFinal } = step;
  return {
    validators,
    offered: fixed(step.offered, 1),
    final: fixed(step.final, 1),
    p50,
    p90,
    p99,
    max,
    rejected,
    nodes: step.nodes.map((n) => ({
      cpuPct: fixed(n.cpuPct, 1),
      systemPct: fixed(n.systemPct, 1),
      rssMaxMiB: fixed(n.rssMaxMiB, 1),
      rssAnonMaxMiB: fixed(n.rssAnonMaxMiB, 1),
      rssFileMaxMiB: fixed(n.rssFileMaxMiB, 1),
      rssShmemMaxMiB: fixed(n.rssShmemMaxMiB, 1),
    })),
    notFinal,
    ...(step.load === undefined ? {} : { load: step.load }),
    ...(step.bound === undefined ? {} : { bound: fixed(step.bound, 1) }),
    ...(step.blocksPerS === undefined ? {} : { blocksPerS: fixed(step.blocksPerS, 1) }),
    ...(step.executeUs === undefined ? {} : { executeUs: fixed(step.executeUs, 1) }),
  };
}

/**
 * The share of all validators' CPU time spent in the kernel (syscalls, page faults, scheduling), in
 * %: what batching writes or waking fewer threads could win back.
 */
export function kernelShareOfCpu(step: LadderStep): number {
  const total = step.nodes.reduce((sum, n) => sum + n.cpuPct, 0);
  const kernel = step.nodes.reduce((sum, n) => sum + n.systemPct, 0);
  return (100 * kernel) / total;
}

/**
 * CPU time of all validators together per final transaction, in microseconds: what one transaction
 * costs the machine, the figure that decides how far a network of n validators on c cores can go.
 */
export function cpuUsPerFinal(step: LadderStep): number {
  const cores = step.nodes.reduce((sum, n) => sum + n.cpuPct / 100, 0);
  return (cores / step.final) * 1e6;
}

/** Writes bench/results/GROUP.steps.json ({ steps }); NaN (nothing measured) becomes null. */
export function writeSteps(group: string, steps: readonly LadderStep[], dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${group}.steps.json`);
  writeFileSync(file, `${JSON.stringify({ steps: steps.map(rounded) }, null, 2)}\n`);
  return file;
}

/** The throughput-latency curve: x final/s, y p50 (solid) and p99 (dashed), a colour per validator count. */
export function ladderChartSeries(steps: readonly LadderStep[]): ChartSeries[] {
  const counts = [...new Set(steps.map((s) => s.validators))].sort((a, b) => a - b);
  return counts.flatMap((n, i) => {
    const own = steps.filter((s) => s.validators === n).sort((a, b) => a.offered - b.offered);
    const color = seriesColors[i % seriesColors.length]!;
    const name = `${n} validator${n === 1 ? '' : 's'}`;
    return [
      { label: `${name}, p50`, color, points: own.map((s) => ({ x: s.final, y: s.p50 })) },
      {
        label: `${name}, p99`,
        color,
        dashed: true,
        points: own.map((s) => ({ x: s.final, y: s.p99 })),
      },
    ];
  });
}

/** What a ladder chart says: its title, and what its axes measure (y is latency in ms, log scale). */
export type ChartLabels = { readonly title: string; readonly x: string; readonly y: string };

/** Writes bench/results/GROUP.svg; the subtitle carries the machine and the date of the run. */
export function writeChart(
  group: string,
  labels: ChartLabels,
  steps: readonly LadderStep[],
  dir = resultsDir,
): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${group}.svg`);
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const svg = renderLineChart({
    title: labels.title,
    subtitle: `${machineLabel()}; ${date} UTC`,
    xLabel: labels.x,
    yLabel: `${labels.y}, ms (log scale)`,
    yLog: true,
    series: ladderChartSeries(steps),
  });
  writeFileSync(file, svg);
  return file;
}

/** Writes GROUP.steps.json and GROUP.svg into `dir` and says where they went. */
export function writeLadder(
  group: string,
  labels: ChartLabels,
  steps: readonly LadderStep[],
  dir = resultsDir,
): void {
  const files = [writeSteps(group, steps, dir), writeChart(group, labels, steps, dir)];
  for (const file of files) console.log(`  -> ${relative(process.cwd(), file)}`);
}

const cell = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** "513 MiB (anon 400, file 110, shmem 0)": the largest RSS, then the largest of each part. */
function formatRss(n: ProcessUsage): string {
  const parts = `anon ${cell(n.rssAnonMaxMiB)}, file ${cell(n.rssFileMaxMiB)}, shmem ${cell(n.rssShmemMaxMiB)}`;
  return `${cell(n.rssMaxMiB)} MiB (${parts})`;
}

/** One line per step for the console: rates, latencies, bound, and each node's CPU and RSS. */
export function formatStepRow(step: LadderStep): string {
  const bound =
    step.bound === undefined
      ? ''
      : `  bound ${cell(step.bound)}/s (${cell((100 * step.final) / step.bound, 1)}%)`;
  const nodes = step.nodes
    .map((n, i) => `v${i} ${cell(n.cpuPct)}% (kernel ${cell(n.systemPct)}%) ${formatRss(n)}`)
    .join(', ');
  const blocks = step.blocksPerS === undefined ? '' : `  blocks ${cell(step.blocksPerS, 1)}/s`;
  const execute =
    step.executeUs === undefined ? '' : ` (execute+commit ${cell(step.executeUs)} us a validator)`;
  const cpu = `  CPU ${cell(cpuUsPerFinal(step))} us/final${execute}`;
  return (
    `offered ${cell(step.offered)}/s  final ${cell(step.final)}/s${bound}${blocks}${cpu}  ` +
    `p50/p90/p99/max ${cell(step.p50)}/${cell(step.p90)}/${cell(step.p99)}/${cell(step.max)} ms  ` +
    `rejected ${step.rejected}  not final ${step.notFinal}  [${nodes}]`
  );
}
