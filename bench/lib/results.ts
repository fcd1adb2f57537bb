// Reads bench/results/: each group's last run (GROUP.json), the run before it (GROUP.previous.json),
// the load ladder's steps (GROUP.steps.json) and a chart (GROUP.svg or .png), checked as they load.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TallyError } from '../../src/util/errors.ts';
import type { BenchResult } from './report.ts';

export type Machine = { cpus?: number; model?: string; node?: string; memory?: string };

export type BenchRun = {
  machine: Machine;
  date: string | undefined;
  /** The TALLY_BENCH_* settings the run was made with. */
  env: Record<string, string>;
  /** The command that made it, when the file says (files not written by `npm run bench`). */
  command: string | undefined;
  results: BenchResult[];
};

export type LadderStep = {
  validators: number;
  offered: number;
  final: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  rejected: number;
  /** The RSS parts and the kernel's share are absent from steps files older than their measuring. */
  nodes: {
    cpuPct: number;
    systemPct?: number | null;
    rssMaxMiB: number;
    rssAnonMaxMiB?: number | null;
    rssFileMaxMiB?: number | null;
    rssShmemMaxMiB?: number | null;
  }[];
};

export type GroupResults = {
  name: string;
  run: BenchRun;
  previous: BenchRun | undefined;
  steps: LadderStep[] | undefined;
  /** File name of the group's chart inside the results folder. */
  chart: string | undefined;
  /** What the chart shows: an SVG chart's own <title>, when it has one. */
  chartTitle: string | undefined;
};

type Json = Record<string, unknown>;

function invalid(file: string, why: string): TallyError {
  return new TallyError('bench_results_invalid', `${file}: ${why}`, { details: { file } });
}

function readJson(dir: string, file: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (error) {
    throw new TallyError('bench_results_invalid', `${file}: not valid JSON`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(file, 'expected an object');
  return value as Json;
}

function readResult(file: string, value: unknown, i: number): BenchResult {
  const r = value as Partial<BenchResult> | null;
  if (
    typeof r?.name !== 'string' ||
    typeof r.value !== 'number' ||
    !Number.isFinite(r.value) ||
    typeof r.unit !== 'string'
  )
    throw invalid(file, `results[${i}]: expected { name, value, unit } with a finite value`);
  return { name: r.name, value: r.value, unit: r.unit };
}

/** Files without a results list (the fault runner's) show their top-level numbers instead. */
function topLevelNumbers(json: Json): BenchResult[] {
  return Object.entries(json)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, value]) => ({ name, value, unit: '' }));
}

function stringsOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function readRun(dir: string, file: string): BenchRun {
  const json = readJson(dir, file);
  const { results } = json;
  if (results !== undefined && !Array.isArray(results))
    throw invalid(file, 'results: expected an array');
  const machine = (
    typeof json.machine === 'object' && json.machine !== null ? json.machine : {}
  ) as Machine;
  return {
    machine,
    date: typeof json.date === 'string' ? json.date : undefined,
    env: stringsOf(json.env),
    command: typeof json.command === 'string' ? json.command : undefined,
    results:
      results === undefined ? topLevelNumbers(json) : results.map((r, i) => readResult(file, r, i)),
  };
}

const ladderNumbers = ['validators', 'offered', 'final', 'p50', 'p90', 'p99', 'max', 'rejected'];

function readSteps(dir: string, file: string): LadderStep[] {
  const { steps } = readJson(dir, file);
  if (!Array.isArray(steps)) throw invalid(file, 'steps: expected an array');
  steps.forEach((step: Json, i) => {
    for (const key of ladderNumbers) {
      if (typeof step?.[key] !== 'number')
        throw invalid(file, `steps[${i}].${key}: expected a number`);
    }
    if (!Array.isArray(step.nodes)) throw invalid(file, `steps[${i}].nodes: expected an array`);
  });
  return steps as LadderStep[];
}

/** The text of an SVG file's first <title>, unescaped, or undefined. */
function svgTitle(file: string): string | undefined {
  const match = /<title>([^<]*)<\/title>/.exec(readFileSync(file, 'utf8'));
  if (match === null) return undefined;
  return match[1]!
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** Every group with a GROUP.json in `dir`, by name. */
export function readResultsDir(dir: string): Map<string, GroupResults> {
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  const has = (file: string) => files.includes(file);
  const groups = new Map<string, GroupResults>();
  for (const file of files) {
    const match = /^([a-z0-9-]+)\.json$/.exec(file);
    if (match === null) continue;
    const name = match[1]!;
    groups.set(name, {
      name,
      run: readRun(dir, file),
      previous: has(`${name}.previous.json`) ? readRun(dir, `${name}.previous.json`) : undefined,
      steps: has(`${name}.steps.json`) ? readSteps(dir, `${name}.steps.json`) : undefined,
      chart: [`${name}.svg`, `${name}.png`].find(has),
      chartTitle: has(`${name}.svg`) ? svgTitle(join(dir, `${name}.svg`)) : undefined,
    });
  }
  return groups;
}
