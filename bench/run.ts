// `npm run bench [-- --only GROUP]`: runs benchmark groups, prints a table per group and writes
// bench/results/GROUP.json as { machine, date, env, results: [{ name, value, unit }] }, keeping the
// run before as GROUP.previous.json for `npm run bench:report`. Figures live here, never in tests.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { benchGroups } from './lib/render-report.ts';
import { type BenchResult, type Progress, printTable, type Step } from './lib/report.ts';

type Group = { name: string; steps: () => Promise<Step[]> };

const groups: Group[] = [
  { name: 'ledger', steps: async () => (await import('./ledger/index.ts')).ledgerSteps() },
  { name: 'consensus', steps: async () => (await import('./consensus-steps.ts')).consensusSteps() },
  {
    name: 'mempool',
    steps: async () => [{ label: 'admission', run: (await import('./mempool.ts')).benchMempool }],
  },
  {
    name: 'events',
    steps: async () => [{ label: 'event stream', run: (await import('./events.ts')).benchEvents }],
  },
  {
    name: 'p2p',
    steps: async () => [{ label: 'mutual-TLS frames', run: (await import('./p2p.ts')).benchP2p }],
  },
  { name: 'network', steps: async () => (await import('./network.ts')).networkSteps() },
  { name: 'peers', steps: async () => (await import('./peers/index.ts')).peersSteps() },
  { name: 'remittance', steps: async () => (await import('./remittance.ts')).remittanceSteps() },
  { name: 'scale', steps: async () => (await import('./scale/index.ts')).scaleSteps() },
];
// The report lists the same groups in the same order (a group it does not know is never reported).
if (groups.map((g) => g.name).join() !== benchGroups.join())
  throw new Error('bench/run.ts and bench/lib/render-report.ts list different groups');

const usage = `usage: npm run bench [-- --only GROUP]
groups: ${groups.map((g) => g.name).join(', ')}
Writes bench/results/GROUP.json (the run before becomes GROUP.previous.json) and prints a table;
\`npm run bench:report\` turns the results into bench/REPORT.md.
scale: transfers committed with 10k, 1M and 10M accounts in state, and bytes on disk per account and
  per transfer; TALLY_BENCH_SCALE picks the sizes (default 10k,1M,10M; 10M builds for roughly ten
  times as long as 1M and needs about 8 GB free in the temporary folder).
peers: the same transfer workload against other systems, side by side (skipped where missing).
events: the WebSocket event stream of a real API server and LMDB chain: messages/s to one
  subscriber and CPU per message.
network: the physical bound (all-core Ed25519 verifies/s, divided by the validators), then for 1
  and 4 validator processes an open-loop ladder at 25/50/75/100/125% of the expected capacity:
  final transfers/s beside the bound, finality p50/p90/p99/max, rejections, CPU and RSS (with
  its RssAnon, RssFile and RssShmem parts) per validator; also writes bench/results/network.steps.json and network.svg. Tune with
  TALLY_BENCH_SECONDS (each step, default 30), TALLY_BENCH_CAPACITY_1 and TALLY_BENCH_CAPACITY_4
  (expected capacity in transfers/s; unset: a probe of at most 10 s measures it),
  TALLY_BENCH_RATE_1 and TALLY_BENCH_RATE_4 (the probe's offered rate, default 2500 and 800,
  doubled while the network keeps up), TALLY_BENCH_BLOCK_TXS (default: the genesis default).
remittance: 4 validators, wallet-built sends at fixed rates; TALLY_BENCH_REMIT_RATES (default
  20,50,100,200,500 per second) and TALLY_BENCH_SECONDS (default 10, at most 30: quotes expire);
  the same per-rate figures, remittance.steps.json and remittance.svg.`;

function machine() {
  return {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  };
}

/** Where a non-terminal run (a log file, CI) hears of a long step's progress: every so often. */
const progressLogIntervalMs = 10_000;

async function runGroup(group: Group, steps: readonly Step[]): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const bar = new SingleBar({
    format: `${group.name} [{bar}] {value}/{total} {step}{detail}`,
    clearOnComplete: true,
    stream: process.stderr,
  });
  let loggedAt = 0;
  const progress: Progress = (detail) => {
    bar.update({ detail: ` - ${detail}` });
    if (process.stderr.isTTY || performance.now() - loggedAt < progressLogIntervalMs) return;
    loggedAt = performance.now();
    console.error(`${group.name}: ${detail}`);
  };
  bar.start(steps.length, 0, { step: '', detail: '' });
  for (const step of steps) {
    bar.update({ step: step.label, detail: '' });
    await step.run((name, value, unit) => results.push({ name, value, unit }), progress);
    bar.increment();
  }
  bar.stop();
  return results;
}

/** A group whose module is not there (yet) is skipped with a line saying so, not a crash. */
async function loadSteps(group: Group): Promise<Step[] | undefined> {
  try {
    return await group.steps();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    const why = (error as Error).message.split('\n')[0]!.replaceAll(`${process.cwd()}/`, '');
    console.error(`${group.name}: group not available (${why})`);
    return undefined;
  }
}

/** The TALLY_BENCH_* settings of this run, so the report can print the command that repeats it. */
function benchEnv(): Record<string, string> {
  const entries = Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[0].startsWith('TALLY_BENCH_') && entry[1] !== undefined,
  );
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Writes GROUP.json, first keeping the last run as GROUP.previous.json. */
function saveResults(dir: string, group: string, results: readonly BenchResult[]): string {
  const file = join(dir, `${group}.json`);
  if (existsSync(file)) renameSync(file, join(dir, `${group}.previous.json`));
  const run = { machine: machine(), date: new Date().toISOString(), env: benchEnv(), results };
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const chosen = values.only === undefined ? groups : groups.filter((g) => g.name === values.only);
  if (chosen.length === 0) {
    console.error(`unknown group '${values.only}'\n${usage}`);
    process.exit(2);
  }
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  for (const group of chosen) {
    const steps = await loadSteps(group);
    if (steps === undefined) continue;
    const results = await runGroup(group, steps);
    printTable(group.name, results);
    const file = saveResults(dir, group.name, results);
    console.log(`  -> ${relative(process.cwd(), file)}`);
  }
}

await main();
