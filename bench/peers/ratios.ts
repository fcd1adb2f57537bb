// Tally beside its peers: Tally's best throughput per validator count, read from the network
// group's results, the peers' figures from this run, and the ratios between them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from '../lib/report.ts';
import { readRun } from '../lib/results.ts';

/** One system's headline: throughput and the latency seen at that throughput. */
export type SystemFigure = {
  readonly label: string;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
};

export type TallyFigures = {
  readonly date: string | undefined;
  /** By validator count. */
  readonly byValidators: ReadonlyMap<number, SystemFigure>;
};

// "4 validators: final tx/s at 75% load", "4 validators: most final tx/s on the ladder", and the
// older "4 validator(s): final transfers/s at 800/s offered".
const throughputName =
  /^((\d+) validators?(?:\(s\))?): (?:most final tx\/s on the ladder|final (?:tx|transfers)\/s (at .+))$/;

const validatorsLabel = (n: number) => `tally, ${n} validator${n === 1 ? '' : 's'}`;

/** The highest final throughput per validator count in the network group's results. */
export function tallyFiguresOf(results: readonly BenchResult[]): Map<number, SystemFigure> {
  const figureNamed = (name: string) => results.find((r) => r.name === name)?.value ?? Number.NaN;
  const best = new Map<number, { perSec: number; prefix: string; at: string | undefined }>();
  for (const r of results) {
    const match = r.unit === 'tx/s' ? throughputName.exec(r.name) : null;
    if (match === null || !Number.isFinite(r.value)) continue;
    const [, prefix, count, at] = match;
    const n = Number(count);
    const seen = best.get(n);
    // A step's own entry names where its latencies are; prefer it to the ladder's summary on a tie.
    if (seen === undefined || r.value > seen.perSec || (r.value === seen.perSec && !seen.at))
      best.set(n, { perSec: r.value, prefix: prefix!, at });
  }
  const figures = new Map<number, SystemFigure>();
  for (const [n, { perSec, prefix, at }] of [...best].sort(([a], [b]) => a - b)) {
    const latency = (p: string) =>
      at === undefined ? Number.NaN : figureNamed(`${prefix}: finality ${p} ${at}`);
    figures.set(n, {
      label: validatorsLabel(n),
      perSec,
      p50Ms: latency('p50'),
      p99Ms: latency('p99'),
    });
  }
  return figures;
}

/** Tally's figures from `dir`/network.json, or undefined when the network group has not run. */
export function loadTallyFigures(dir: string): TallyFigures | undefined {
  if (!existsSync(join(dir, 'network.json'))) return undefined;
  const run = readRun(dir, 'network.json');
  return { date: run.date, byValidators: tallyFiguresOf(run.results) };
}

/** `ratio tally N validators / PEER`: how many times the peer's throughput Tally reaches. */
export function ratioResults(
  tally: ReadonlyMap<number, SystemFigure>,
  peers: readonly SystemFigure[],
): BenchResult[] {
  const out: BenchResult[] = [];
  for (const [n, t] of tally) {
    for (const peer of peers) {
      if (!(peer.perSec > 0) || !Number.isFinite(t.perSec)) continue;
      const tallyName = validatorsLabel(n).replace(', ', ' ');
      out.push({
        name: `ratio ${tallyName} / ${peer.label}`,
        value: t.perSec / peer.perSec,
        unit: 'x',
      });
    }
  }
  return out;
}

const cell = (v: number, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';

/** The side-by-side table for the console: each system, its figures, and Tally's ratio to it. */
export function sideBySide(
  tally: ReadonlyMap<number, SystemFigure>,
  peers: readonly SystemFigure[],
): string[] {
  const tallies = [...tally.values()];
  const rows = [...tallies, ...peers];
  const width = Math.max(6, ...rows.map((r) => r.label.length));
  const ratioHeads = [...tally.keys()].map((n) => `tally ${n}v / it`.padStart(14));
  const head = `${'system'.padEnd(width)}  ${'per s'.padStart(8)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`;
  const lines = [`${head}${ratioHeads.map((h) => `  ${h}`).join('')}`];
  for (const r of rows) {
    const ratios = tallies.map((t) => {
      const ratio = peers.includes(r) ? t.perSec / r.perSec : Number.NaN;
      return `  ${(Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '').padStart(14)}`;
    });
    lines.push(
      `${r.label.padEnd(width)}  ${cell(r.perSec).padStart(8)}  ${cell(r.p50Ms, 1).padStart(8)}  ` +
        `${cell(r.p99Ms, 1).padStart(8)}${ratios.join('')}`,
    );
  }
  return lines;
}
