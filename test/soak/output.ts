// What a soak run leaves behind: its figures in the benchmarks' result shape (soak.json, which
// `npm run bench:report` reads like any group), every sample (soak.samples.json) and three charts
// over time: each validator's memory (soak.svg), throughput, and finality latency.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { machineLabel, seriesColors } from '../../bench/lib/load-ladder.ts';
import { type ChartSeries, renderLineChart } from '../../bench/lib/svg-chart.ts';
import { type Growth, growth, type Point, ratesPerSecond } from './analysis.ts';
import type { NodeSample } from './sampler.ts';

export type Sample = {
  /** Since the load started. */
  readonly tMs: number;
  /** Transfers posted and transfers reported final so far (cumulative). */
  readonly posted: number;
  readonly final: number;
  /** Remittances completed so far (cumulative). */
  readonly remittances: number;
  /** Finality latency of the transfers that became final since the last sample. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The load was paused for a consistency check during this interval. */
  readonly checking: boolean;
  readonly nodes: readonly (NodeSample & { readonly cpuPct?: number })[];
};

export type Result = { readonly name: string; readonly value: number; readonly unit: string };

/** A trough window for heap figures: the heap is sampled between collections. */
export const heapWindowMs = 60_000;

const minutes = (tMs: number) => tMs / 60_000;

/** One validator's series of a sampled number (down samples left out). */
export function nodeSeries(
  samples: readonly Sample[],
  node: number,
  pick: (s: Extract<NodeSample, { up: true }>) => number,
): Point[] {
  const out: Point[] = [];
  for (const s of samples) {
    const n = s.nodes[node];
    if (n?.up === true) out.push({ tMs: s.tMs, value: pick(n) });
  }
  return out;
}

/** How one validator's live V8 heap grew: the figure reported and the one judged. */
export function heapGrowth(samples: readonly Sample[], node: number): Growth {
  return growth(
    nodeSeries(samples, node, (n) => n.heapUsedMiB),
    heapWindowMs,
  );
}

/** Per-validator figures: peak resident set, heap troughs and growth rates, LMDB file, CPU. */
export function nodeResults(samples: readonly Sample[], nodeCount: number): Result[] {
  const out: Result[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const rss = nodeSeries(samples, i, (n) => n.rssMiB);
    const heap = heapGrowth(samples, i);
    const anon = growth(
      nodeSeries(samples, i, (n) => n.anonMiB),
      heapWindowMs,
    );
    const data = nodeSeries(samples, i, (n) => n.dataMiB);
    const cpu = samples
      .map((s) => s.nodes[i]?.cpuPct)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    const v = `validator ${i}`;
    out.push(
      { name: `${v}: RSS max`, value: Math.max(...rss.map((p) => p.value)), unit: 'MiB' },
      { name: `${v}: RssAnon at the end`, value: anon.end, unit: 'MiB' },
      { name: `${v}: RssAnon growth, second half`, value: anon.perHour, unit: 'MiB/h' },
      { name: `${v}: V8 heap live at the start`, value: heap.start, unit: 'MiB' },
      { name: `${v}: V8 heap live at the end`, value: heap.end, unit: 'MiB' },
      { name: `${v}: V8 heap live growth, second half`, value: heap.perHour, unit: 'MiB/h' },
      {
        name: `${v}: V8 heap reserved at the end`,
        value: nodeSeries(samples, i, (n) => n.heapTotalMiB).at(-1)?.value ?? Number.NaN,
        unit: 'MiB',
      },
      {
        name: `${v}: external memory (Buffers) at the end`,
        value: nodeSeries(samples, i, (n) => n.externalMiB).at(-1)?.value ?? Number.NaN,
        unit: 'MiB',
      },
      { name: `${v}: LMDB file at the end`, value: data.at(-1)?.value ?? Number.NaN, unit: 'MiB' },
      {
        name: `${v}: round timeouts`,
        value: increase(nodeSeries(samples, i, (n) => n.roundTimeouts)),
        unit: 'rounds',
      },
      {
        name: `${v}: CPU, mean`,
        value: cpu.length === 0 ? Number.NaN : cpu.reduce((a, b) => a + b, 0) / cpu.length,
        unit: '% of a core',
      },
    );
  }
  return out;
}

/** How much a counter rose over the run (a restarted process would start again from 0). */
function increase(points: readonly Point[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++)
    total += Math.max(0, points[i]!.value - points[i - 1]!.value);
  return total;
}

export type SoakRecord = {
  readonly machine: Record<string, unknown>;
  readonly date: string;
  readonly command: string;
  readonly verdict: 'pass' | 'fail';
  readonly results: readonly Result[];
  readonly violations: readonly string[];
  readonly notes: readonly string[];
  readonly reads: Record<string, number>;
  /** Remittances by outcome: `completed`, or the code or status the gateway answered. */
  readonly remittances: Record<string, number>;
  readonly refusedAtAdmission: Record<string, number>;
};

/** Writes the record, its samples and the charts next to `out`; returns the files written. */
export function writeSoak(out: string, record: SoakRecord, samples: readonly Sample[]): string[] {
  const dir = dirname(out);
  const stem = basename(out).replace(/\.json$/, '');
  mkdirSync(dir, { recursive: true });
  // A figure the run could not measure (a growth rate from too few samples) is left out, as the
  // report reads finite values only.
  const record3 = {
    ...record,
    results: record.results
      .filter((r) => Number.isFinite(r.value))
      .map((r) => ({ ...r, value: Number(r.value.toFixed(3)) })),
  };
  const files = [out, join(dir, `${stem}.samples.json`)];
  writeFileSync(out, `${JSON.stringify(record3, null, 2)}\n`);
  // One sample a line: a long run's samples stay readable in a diff.
  const lines = samples.map((sample) => JSON.stringify(sample)).join(',\n');
  writeFileSync(files[1]!, `{"samples": [\n${lines}\n]}\n`);
  const subtitle = `${machineLabel()}; ${record.date.slice(0, 16).replace('T', ' ')} UTC`;
  const charts: [string, Parameters<typeof renderLineChart>[0]][] = [
    [
      `${stem}.svg`,
      {
        title:
          "Soak: each validator's anonymous memory and V8 heap over time (LMDB's map left out)",
        subtitle,
        xLabel: 'minutes since the load started',
        yLabel: 'MiB',
        series: memorySeries(samples),
      },
    ],
    [
      `${stem}.throughput.svg`,
      {
        title: 'Soak: transfers per second over time',
        subtitle,
        xLabel: 'minutes since the load started',
        yLabel: 'transfers/s',
        series: throughputSeries(samples),
      },
    ],
    [
      `${stem}.latency.svg`,
      {
        title: 'Soak: finality latency over time',
        subtitle,
        xLabel: 'minutes since the load started',
        yLabel: 'ms from post to final (log scale)',
        yLog: true,
        series: latencySeries(samples),
      },
    ],
  ];
  for (const [file, chart] of charts) {
    writeFileSync(join(dir, file), renderLineChart(chart));
    files.push(join(dir, file));
  }
  return files;
}

function memorySeries(samples: readonly Sample[]): ChartSeries[] {
  const count = Math.max(0, ...samples.map((s) => s.nodes.length));
  return Array.from({ length: count }, (_, i) => {
    const color = seriesColors[i % seriesColors.length]!;
    const toChart = (points: Point[]) => points.map((p) => ({ x: minutes(p.tMs), y: p.value }));
    return [
      { label: `v${i} RssAnon`, color, points: toChart(nodeSeries(samples, i, (n) => n.anonMiB)) },
      {
        label: `v${i} V8 heap`,
        color,
        dashed: true,
        points: toChart(nodeSeries(samples, i, (n) => n.heapUsedMiB)),
      },
    ];
  }).flat();
}

function throughputSeries(samples: readonly Sample[]): ChartSeries[] {
  const rate = (pick: (s: Sample) => number) =>
    ratesPerSecond(samples.map((s) => ({ tMs: s.tMs, value: pick(s) }))).map((p) => ({
      x: minutes(p.tMs),
      y: p.value,
    }));
  return [
    { label: 'final', color: seriesColors[0]!, points: rate((s) => s.final) },
    { label: 'posted', color: seriesColors[1]!, dashed: true, points: rate((s) => s.posted) },
  ];
}

function latencySeries(samples: readonly Sample[]): ChartSeries[] {
  const points = (pick: (s: Sample) => number) =>
    samples
      .filter((s) => Number.isFinite(pick(s)) && pick(s) > 0)
      .map((s) => ({ x: minutes(s.tMs), y: pick(s) }));
  return [
    { label: 'p50', color: seriesColors[0]!, points: points((s) => s.p50Ms) },
    { label: 'p99', color: seriesColors[0]!, dashed: true, points: points((s) => s.p99Ms) },
  ];
}
