// `npm run test:faults -- [--iterations N] [--partitions N] [--byzantine-seconds N] [--seed S] ...`:
// the long fault run on a real four-validator network under load (kill -9 crashes, proxy partitions,
// then one Byzantine validator), checked by the checker that trusts nothing; writes
// bench/results/faults.json and exits 1 on any violation.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { Prng } from '../sim/lib/prng.ts';
import { tmpfsUnavailable } from '../storage/tmpfs.ts';
import { type ByzantineResult, runByzantine } from './byzantine.ts';
import { runCrashes } from './crashes.ts';
import { type DiskFullOutcome, runDiskFull } from './disk-full.ts';
import { FaultNetwork } from './fault-network.ts';
import { runPartitions } from './partitions.ts';

const resultPath = join(import.meta.dirname, '../../bench/results/faults.json');

function positive(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name}: expected an integer >= ${min}, got ${text}`);
  return n;
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string' },
      partitions: { type: 'string' },
      'byzantine-seconds': { type: 'string' },
      seed: { type: 'string' },
      'check-every': { type: 'string' },
      rate: { type: 'string' },
      accounts: { type: 'string' },
      out: { type: 'string' },
      'tx-gets': { type: 'string' },
      verbose: { type: 'boolean' },
      disk: { type: 'boolean' },
    },
  });
  return {
    iterations: positive('iterations', values.iterations, 100, 0),
    partitions: positive('partitions', values.partitions, 20, 0),
    byzantineSeconds: positive('byzantine-seconds', values['byzantine-seconds'], 600, 0),
    seed: positive('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0),
    checkEvery: positive('check-every', values['check-every'], 10),
    ratePerSec: positive('rate', values.rate, 50),
    accounts: positive('accounts', values.accounts, 50, 2),
    out: values.out ?? resultPath,
    txGets:
      values['tx-gets'] === 'all'
        ? ('all' as const)
        : positive('tx-gets', values['tx-gets'], 200, 0),
    verbose: values.verbose === true,
    disk: values.disk === true,
  };
}

async function main(): Promise<void> {
  const options = readOptions();
  const replay = `npm run test:faults -- --seed ${options.seed} --iterations ${options.iterations} --partitions ${options.partitions} --byzantine-seconds ${options.byzantineSeconds}${options.ratePerSec === 50 ? '' : ` --rate ${options.ratePerSec}`}${options.disk ? ' --disk' : ''}`;
  console.log(`fault suite: seed ${options.seed} (replay: ${replay})`);
  const startedMs = Date.now();
  const prng = new Prng(options.seed);
  const fnet = await FaultNetwork.start({
    validators: 4,
    accounts: options.accounts,
    ratePerSec: options.ratePerSec,
    withProxy: true,
    runId: options.seed,
    txGets: options.txGets,
    prng: prng.fork(),
  });
  const violations: string[] = [];
  console.log(`network up, accounts funded in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
  // cli-progress draws only on a terminal; piped output (CI) gets one line per step instead.
  const bar = new SingleBar({
    format: '{phase} [{bar}] {value}/{total}  violations {violations}  final txs {txs}',
    noTTYOutput: false,
    clearOnComplete: false,
  });
  const tty = process.stdout.isTTY === true;
  const elapsed = () => `${((Date.now() - startedMs) / 1000).toFixed(1)} s`;
  const log =
    options.verbose || !tty ? (line: string) => console.log(`  ${elapsed()} ${line}`) : undefined;
  const txs = () => fnet.load.acknowledged.final.size;
  let byzantine: ByzantineResult | undefined;
  let diskFull: DiskFullOutcome | { skipped: string } | null = null;
  try {
    if (options.iterations > 0) {
      if (tty) bar.start(options.iterations, 0, { phase: 'crashes', violations: 0, txs: 0 });
      const found = await runCrashes(fnet, prng, {
        iterations: options.iterations,
        checkEvery: options.checkEvery,
        onIteration: (done, v) => tty && bar.update(done, { violations: v, txs: txs() }),
        ...(log === undefined ? {} : { log }),
      });
      violations.push(...found);
      if (tty) bar.stop();
    }
    if (options.partitions > 0) {
      if (tty) bar.start(options.partitions, 0, { phase: 'partitions', violations: 0, txs: txs() });
      const found = await runPartitions(fnet, prng, {
        cycles: options.partitions,
        onCycle: (done, v) => tty && bar.update(done, { violations: v, txs: txs() }),
        ...(log === undefined ? {} : { log }),
      });
      violations.push(...found);
      if (tty) bar.stop();
    }
    if (options.disk) diskFull = await runDiskScenario(fnet, options.seed % 4, violations, log);
    if (options.byzantineSeconds > 0) {
      console.log(
        `Byzantine validator: ${options.byzantineSeconds} s honest, then as long Byzantine`,
      );
      byzantine = await runByzantine(fnet, {
        seconds: options.byzantineSeconds,
        index: prng.int(0, 3),
        log: log ?? ((line) => console.log(`  ${elapsed()} ${line}`)),
      });
      violations.push(...byzantine.violations);
    }
    log?.('final check: every transaction, block and account on every node');
    await fnet.check(true, log);
    log?.('final check done');
  } finally {
    if (tty) bar.stop();
    await fnet.close();
  }
  const totals = fnet.checker.totals;
  const allViolations = [...new Set([...violations, ...totals.violations])];
  const result = {
    machine: {
      cpus: cpus().length,
      node: process.version,
      memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    },
    date: new Date().toISOString(),
    command: replay,
    seed: options.seed,
    iterations: options.iterations,
    partitionCycles: options.partitions,
    byzantine:
      byzantine === undefined
        ? null
        : {
            seconds: byzantine.seconds,
            evidence: byzantine.evidence,
            honestTxPerSec: byzantine.honestTxPerSec,
            byzantineTxPerSec: byzantine.byzantineTxPerSec,
            ratio: byzantine.ratio,
            offeredTxPerSec: options.ratePerSec,
            behaviours: byzantine.behaviours,
            evidenceByNode: byzantine.evidenceByNode,
            byzantineBlocks: byzantine.byzantineBlocks,
          },
    diskFull,
    faults: fnet.faults,
    txsAcknowledged: fnet.load.acknowledged.final.size,
    txsFound: totals.txsFound,
    txGets: totals.txGets,
    heightChecked: fnet.checker.heightChecked,
    forks: totals.forks,
    violations: allViolations.length,
    violationList: allViolations.slice(0, 100),
    txsPosted: fnet.load.counts.posted,
    refusedAtAdmission: Object.fromEntries(fnet.load.counts.refused),
    durationS: Math.round((Date.now() - startedMs) / 1000),
  };
  writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ ...result, violationList: undefined }, null, 2));
  if (allViolations.length > 0) {
    console.error(`FAILED: ${allViolations.length} violation(s); replay with: ${replay}`);
    for (const v of allViolations.slice(0, 20)) console.error(`  ${v}`);
    process.exitCode = 1;
  }
}

/** `--disk`: one validator's disk fills under load (disk-full.ts); needs root to mount a tmpfs. */
async function runDiskScenario(
  fnet: FaultNetwork,
  victim: number,
  violations: string[],
  log: ((line: string) => void) | undefined,
): Promise<DiskFullOutcome | { skipped: string }> {
  const unavailable = tmpfsUnavailable();
  if (unavailable !== undefined) {
    console.log(`disk scenario skipped: ${unavailable}`);
    return { skipped: unavailable };
  }
  console.log(`disk scenario: node ${victim}'s data folder on a tmpfs, filled under load`);
  const run = await runDiskFull(fnet, victim, log);
  violations.push(...run.violations);
  return run.outcome;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
