// The `peers` group: the same transfer workload against PostgreSQL's pgbench (TPC-B, durable commits)
// and Hardhat's development network (signed value transfers), then Tally's figures from the network
// group beside theirs, with the ratios. A peer that is missing or fails to start is skipped, saying
// why; it never stops the rest of the bench.
import { join } from 'node:path';
import { TallyError } from '../../src/util/errors.ts';
import { envNumber } from '../lib/load-ladder.ts';
import type { Progress, Report, Step } from '../lib/report.ts';
import { benchHardhat, type EvmOptions } from './evm.ts';
import {
  benchPgbench,
  findPostgresBins,
  type PgbenchOptions,
  type PgbenchRun,
  postgresInstallHint,
} from './pgbench.ts';
import { loadTallyFigures, ratioResults, type SystemFigure, sideBySide } from './ratios.ts';

const resultsDir = join(import.meta.dirname, '..', 'results');
const secondsDefault = 20;
const pgClientsDefault = [1, 8, 32];
const evmSendersDefault = 1000;
const evmProbeRateDefault = 2000;

/** A list of positive integers from the environment ("1,8,32"), or `fallback` when unset. */
export function envIntegers(name: string, fallback: readonly number[]): number[] {
  const value = process.env[name];
  if (value === undefined || value === '') return [...fallback];
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new RangeError(`${name}: expected positive integers separated by commas, got ${value}`);
  return list;
}

const clientsLabel = (c: number) => `${c} client${c === 1 ? '' : 's'}`;

function reportPgbench(report: Report, run: PgbenchRun, peers: SystemFigure[]): void {
  const { summary, latency } = run;
  const c = clientsLabel(summary.clients);
  report(`pgbench TPC-B tps, ${c}, durable`, summary.tps, 'tx/s');
  report(`pgbench TPC-B latency average, ${c}`, summary.latencyAverageMs, 'ms');
  report(`pgbench TPC-B latency p50, ${c}`, latency.p50, 'ms');
  report(`pgbench TPC-B latency p90, ${c}`, latency.p90, 'ms');
  report(`pgbench TPC-B latency p99, ${c}`, latency.p99, 'ms');
  report(`pgbench TPC-B latency max, ${c}`, latency.max, 'ms');
  if (summary.failed > 0) report(`pgbench TPC-B failed transactions, ${c}`, summary.failed, 'tx');
  console.log(
    `  pgbench TPC-B ${c}: ${summary.tps.toFixed(0)} tps, latency average ` +
      `${summary.latencyAverageMs.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms`,
  );
  peers.push({
    label: `pgbench ${c}`,
    perSec: summary.tps,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
  });
}

/** Runs one peer; a failure is printed with its reason and the peer is skipped. */
async function skipOnFailure(peer: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const detail = error instanceof TallyError ? `${error.code}: ${error.message}` : String(error);
    console.error(`peers: ${peer} skipped: ${detail}`);
  }
}

async function runPgbenchPeer(
  options: PgbenchOptions,
  report: Report,
  progress: Progress,
  peers: SystemFigure[],
): Promise<void> {
  const bins = findPostgresBins();
  if (bins === undefined) {
    console.error(`peers: ${postgresInstallHint}`);
    return;
  }
  report('pgbench scale factor (100,000 accounts each)', options.scale, '');
  await benchPgbench(bins, options, (run) => reportPgbench(report, run, peers), progress);
}

function reportRatios(peers: readonly SystemFigure[], report: Report): void {
  const tally = loadTallyFigures(resultsDir);
  if (tally === undefined || tally.byValidators.size === 0) {
    console.log(
      '  no Tally figures in bench/results/network.json: run `npm run bench -- --only network` ' +
        'first; ratios skipped',
    );
    return;
  }
  console.log(
    `\n  Tally's figures: bench/results/network.json, measured ${tally.date ?? 'at an unknown date'}`,
  );
  for (const [n, t] of tally.byValidators)
    report(
      `tally ${n} validator${n === 1 ? '' : 's'} final tx/s, most measured (network.json)`,
      t.perSec,
      'tx/s',
    );
  for (const r of ratioResults(tally.byValidators, peers)) report(r.name, r.value, r.unit);
  for (const line of sideBySide(tally.byValidators, peers)) console.log(`  ${line}`);
}

/** The group's steps: pgbench, hardhat, then the ratios (which use what the first two measured). */
export async function peersSteps(): Promise<Step[]> {
  const seconds = envNumber('TALLY_BENCH_SECONDS', secondsDefault);
  const clients = envIntegers('TALLY_BENCH_PG_CLIENTS', pgClientsDefault);
  // One branch per client at least: TPC-B updates a branch row in every transaction.
  const pg: PgbenchOptions = {
    clients,
    seconds,
    scale: envNumber('TALLY_BENCH_PG_SCALE', Math.max(...clients)),
  };
  const evm: EvmOptions = {
    seconds,
    senders: envNumber('TALLY_BENCH_EVM_SENDERS', evmSendersDefault),
    probeRate: envNumber('TALLY_BENCH_EVM_PROBE_RATE', evmProbeRateDefault),
    capacity: envNumber('TALLY_BENCH_EVM_CAPACITY'),
  };
  const peers: SystemFigure[] = [];
  return [
    {
      label: 'pgbench (PostgreSQL TPC-B)',
      run: (report, progress) =>
        skipOnFailure('pgbench', () => runPgbenchPeer(pg, report, progress, peers)),
    },
    {
      label: 'hardhat (signed transfers)',
      run: (report, progress) =>
        skipOnFailure('hardhat', async () => {
          peers.push(await benchHardhat(evm, report, progress));
        }),
    },
    { label: 'ratios', run: async (report) => reportRatios(peers, report) },
  ];
}
