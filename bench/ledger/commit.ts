// The figure each validator must reach: signed bank transfers decoded, executed, committed to the
// authenticated state tree and made durable in LMDB, in blocks of 1,000 (one batch per block),
// each block executing while the one before is written, as the node's commit pipeline runs them.
// It runs in a child process started with the heap flags a node process gets (the young
// generation's size moves these figures by a fifth), whatever flags the bench itself runs under.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { nodeHeapFlags } from '../../src/cli/network/processes.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import type { CommittedBlock } from '../../src/execution/block-executor.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { createBankModule } from '../../src/modules/bank/index.ts';
import { openStore } from '../../src/storage/index.ts';
import { type GcUsage, watchGc } from '../lib/gc-watch.ts';
import type { BenchResult, Report } from '../lib/report.ts';

const blockTxs = 1000;
const measuredBlocks = 20;
const accountsPerCurrency = 10_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Transfers per create_transfers call in the batched run: 10 transactions make a block of 1,000. */
const transfersPerBatch = 100;

type Run = {
  /** From one block durable to the next: what a validator with a backlog sustains. */
  blockMs: number[];
  /** From a block's execution starting to its batch being durable. */
  latencyMs: number[];
  totalS: number;
  cpuS: number;
  transfers: number;
  /** Garbage collection over the whole run, warm-up blocks included. */
  gc: GcUsage;
  blocks: number;
};

/**
 * Commits `blocks` in order as the node's commit pipeline does: each block executes while the ones
 * before it are written (at most `inFlightMax` not yet durable: 1 on the main thread, where the
 * block being written is the one before; 2 with the tree worker, one being prepared there and one
 * being written). The first two warm up and are left out of the medians.
 */
async function commitBlocks(
  chain: LocalChain,
  blocks: readonly Transaction[][],
  inFlightMax = 1,
): Promise<Run> {
  const blockMs: number[] = [];
  const latencyMs: number[] = [];
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const gc = watchGc();
  let transfers = 0;
  const inFlight: { committing: Promise<CommittedBlock>; startedMs: number; i: number }[] = [];
  let lastDurableMs = performance.now();
  const settle = async ({ committing, startedMs, i }: (typeof inFlight)[number]) => {
    const committed = await committing;
    const now = performance.now();
    // create_transfers reports a failed transfer in its message: only moved money counts.
    const failed = committed.receipts.find((r) => r.code !== 'ok' || (r.message ?? '') !== '');
    if (failed !== undefined)
      throw new Error(`bench: a transfer failed: ${failed.code} ${JSON.stringify(failed.message)}`);
    if (i >= 2) {
      blockMs.push(now - lastDurableMs);
      latencyMs.push(now - startedMs);
    }
    lastDurableMs = now;
    transfers += blockTxs;
  };
  for (const [i, txs] of blocks.entries()) {
    inFlight.push({ committing: chain.commitBlock(txs), startedMs: performance.now(), i });
    if (inFlight.length > inFlightMax) await settle(inFlight.shift()!);
  }
  for (const next of inFlight.splice(0)) await settle(next);
  const cpu = process.cpuUsage(cpuStarted);
  const gcUsage = await gc.stop();
  return {
    gc: gcUsage,
    blocks: blocks.length,
    blockMs,
    latencyMs,
    totalS: (performance.now() - started) / 1000,
    cpuS: (cpu.user + cpu.system) / 1e6,
    transfers,
  };
}

/**
 * Where the run's garbage collection went, per block: the main thread's pauses, and the CPU of the
 * other threads (V8's helpers do most of each scavenge there; lmdb-js commits on libuv's pool).
 */
function reportGc(report: Report, run: Run): void {
  const { gc, blocks } = run;
  report('young-generation GC pauses per block (main thread)', gc.youngPauseMs / blocks, 'ms');
  report('young-generation collections per block', gc.youngCount / blocks, 'collections');
  report('full GC pauses per block (main thread)', gc.fullPauseMs / blocks, 'ms');
  report('CPU of the threads besides the main one, per block', gc.otherThreadsCpuMs / blocks, 'ms');
}

type BenchChain = { chain: LocalChain; close: () => Promise<void> };

function openBenchChain(treeWorker: boolean): BenchChain {
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-commit-'));
  const store = openStore({ path: dir });
  const chain = new LocalChain(
    {
      chainId,
      validator: getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(1)),
      modules: [createBankModule()],
      genesisTimeMs: 1_767_225_600_000,
      treeWorker,
    },
    { store },
  );
  const close = async () => {
    await chain.executor.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { chain, close };
}

/**
 * `setup` then `blocks` on a fresh store with the state tree on a worker thread: two blocks in
 * flight, one being prepared there while the one before is written.
 */
async function commitOnTreeWorker(
  setup: readonly Transaction[][],
  blocks: readonly Transaction[][],
): Promise<Run> {
  const { chain, close } = openBenchChain(true);
  try {
    for (const txs of setup) await chain.commitBlock(txs);
    return await commitBlocks(chain, blocks, 2);
  } finally {
    await close();
  }
}

/** A run's transfers per second by median block, and per CPU-second of the whole process. */
function reportThroughput(report: Report, run: Run, medianName: string, perCpuName: string): void {
  report(medianName, blockTxs / (median(run.blockMs) / 1000), 'transfers/s');
  report(perCpuName, run.transfers / run.cpuS, 'transfers/cpu-s');
}

const chainId = 'tally-bench';

/** The measurements themselves, in this process (the child that benchCommit starts runs this). */
export async function measureCommit(report: Report): Promise<void> {
  const workload = new BankWorkload({ chainId, accounts: accountsPerCurrency, users: 64 });
  const setup = workload.setupBlocks(5000);
  const singles = Array.from({ length: measuredBlocks + 2 }, () => workload.transfers(blockTxs));
  // The same money in create_transfers of 100: what signing, decoding and a receipt per
  // transfer cost, against what every transfer costs anyway (its three state-tree leaves).
  const batched = Array.from({ length: measuredBlocks + 2 }, () =>
    workload.transferBatches(blockTxs / transfersPerBatch, transfersPerBatch),
  );
  const onMain = openBenchChain(false);
  try {
    const { chain } = onMain;
    for (const txs of setup) await chain.commitBlock(txs);
    const run = await commitBlocks(chain, singles);
    report(
      'transfers committed (durable, state tree), median block of 1,000',
      blockTxs / (median(run.blockMs) / 1000),
      'transfers/s',
    );
    report(
      'transfers committed, whole run incl. warm-up',
      run.transfers / run.totalS,
      'transfers/s',
    );
    // Per CPU-second of the whole process (LMDB's writer thread included): steadier on a shared machine.
    report('transfers committed per CPU-second', run.transfers / run.cpuS, 'transfers/cpu-s');
    report(
      'block commit latency, execution start to durable, median (1,000 transfers)',
      median(run.latencyMs),
      'ms',
    );
    reportGc(report, run);
    reportThroughput(
      report,
      await commitBlocks(chain, batched),
      `transfers committed (durable, state tree), create_transfers of ${transfersPerBatch}, median block of 1,000`,
      `transfers committed per CPU-second, create_transfers of ${transfersPerBatch}`,
    );
  } finally {
    await onMain.close();
  }
  // The same blocks with the state tree on a worker thread (execution.treeWorker), on a fresh store.
  // The worker thread's CPU is in the process's: more CPU in all, less on the main thread.
  reportThroughput(
    report,
    await commitOnTreeWorker(setup, singles),
    'transfers committed with the tree worker (durable, state tree), median block of 1,000',
    'transfers committed per CPU-second with the tree worker',
  );
  // Both at once: clients that batch as TigerBeetle's do, and a node that prepares its tree
  // versions on a worker. The most this machine commits in blocks of 1,000 transfers.
  reportThroughput(
    report,
    await commitOnTreeWorker(setup, batched),
    `transfers committed with the tree worker, create_transfers of ${transfersPerBatch}, median block of 1,000`,
    `transfers committed per CPU-second with the tree worker, create_transfers of ${transfersPerBatch}`,
  );
  report('accounts in state', accountsPerCurrency * 2, 'accounts');
}

/** Marks the child's result lines among anything else it prints. */
const resultPrefix = 'bench-result ';

/** Runs measureCommit in a child process under a node's heap flags and reports what it reports. */
export async function benchCommit(report: Report): Promise<void> {
  const flags = nodeHeapFlags([]);
  const module = JSON.stringify(new URL(import.meta.url).href);
  const script =
    `const { measureCommit } = await import(${module});\n` +
    `await measureCommit((name, value, unit) => console.log(${JSON.stringify(resultPrefix)} + JSON.stringify({ name, value, unit })));`;
  const child = spawn(
    process.execPath,
    [...flags, '--import', 'tsx', '--input-type=module', '-e', script],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject).on('close', resolve);
  });
  if (code !== 0) throw new Error(`bench: the commit child process exited with ${code}`);
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(resultPrefix)) continue;
    const { name, value, unit } = JSON.parse(line.slice(resultPrefix.length)) as BenchResult;
    report(name, value, unit);
  }
  // The young generation the figures above ran with (0: V8's default).
  const semi = flags.find((flag) => flag.startsWith('--max-semi-space-size='));
  report(
    'commit runs: V8 semi-space size',
    semi === undefined ? 0 : Number(semi.split('=')[1]),
    'MiB',
  );
}
