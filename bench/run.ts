// `npm run bench [-- --only GROUP]`: runs benchmark groups, prints a table per group and writes
// bench/results/GROUP.json as { machine, results: [{ name, value, unit }] }. Figures live here,
// never in tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import type { BenchResult, Report } from './lib/report.ts';

type Step = { label: string; run: (report: Report) => Promise<void> };
type Group = { name: string; steps: () => Promise<Step[]> };

const groups: Group[] = [
  { name: 'ledger', steps: async () => (await import('./ledger/index.ts')).ledgerSteps() },
  { name: 'consensus', steps: async () => (await import('./consensus-steps.ts')).consensusSteps() },
  {
    name: 'mempool',
    steps: async () => [{ label: 'admission', run: (await import('./mempool.ts')).benchMempool }],
  },
  {
    name: 'p2p',
    steps: async () => [{ label: 'mutual-TLS frames', run: (await import('./p2p.ts')).benchP2p }],
  },
  { name: 'network', steps: async () => (await import('./network.ts')).networkSteps() },
  { name: 'remittance', steps: async () => (await import('./remittance.ts')).remittanceSteps() },
];

const usage = `usage: npm run bench [-- --only GROUP]
groups: ${groups.map((g) => g.name).join(', ')}
Writes bench/results/GROUP.json and prints a table.
network: real validator processes under an open-loop load; tune with
  TALLY_BENCH_SECONDS (default 60), TALLY_BENCH_RATE_1 and TALLY_BENCH_RATE_4 (offered transfers/s
  for the 1- and 4-validator runs), TALLY_BENCH_BLOCK_TXS (default: the genesis default).
remittance: 4 validators, wallet-built sends at fixed rates; TALLY_BENCH_REMIT_RATES (default
  20,50,100,200,500 per second) and TALLY_BENCH_SECONDS (default 10, at most 30: quotes expire).`;

function machine() {
  return {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  };
}

function formatValue(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

async function runGroup(group: Group): Promise<BenchResult[]> {
  const steps = await group.steps();
  const results: BenchResult[] = [];
  const bar = new SingleBar({
    format: `${group.name} [{bar}] {value}/{total} {step}`,
    clearOnComplete: true,
    stream: process.stderr,
  });
  bar.start(steps.length, 0, { step: '' });
  for (const step of steps) {
    bar.update({ step: step.label });
    await step.run((name, value, unit) => results.push({ name, value, unit }));
    bar.increment();
  }
  bar.stop();
  return results;
}

function printTable(group: string, results: readonly BenchResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length), 10);
  console.log(`\n${group}`);
  for (const r of results)
    console.log(`  ${r.name.padEnd(width)}  ${formatValue(r.value).padStart(14)}  ${r.unit}`);
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
    const results = await runGroup(group);
    printTable(group.name, results);
    const file = join(dir, `${group.name}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ machine: machine(), date: new Date().toISOString(), results }, null, 2)}\n`,
    );
    console.log(`  -> ${relative(process.cwd(), file)}`);
  }
}

await main();
