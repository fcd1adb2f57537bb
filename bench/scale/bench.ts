// One size of the scale benchmark: build N funded accounts, then commit signed transfers between
// accounts drawn from the whole set, in blocks of 1,000, through the real block executor (state tree,
// LMDB, durable), as bench/ledger/commit.ts does at 10k. Reports speed, disk and memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { moduleKey } from '../../src/execution/index.ts';
import { bankKeys, createBankModule } from '../../src/modules/bank/index.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { median, type Progress, type Report } from '../lib/report.ts';
import { type DiskPart, type DiskUsage, diskParts, measureDisk } from './disk.ts';
import { buildAccounts, createSeeder, type Seeder } from './seed.ts';

const chainId = 'tally-bench-scale';
const blockTxs = 1000;
const warmUpBlocks = 2;
const measuredBlocks = 30;
const currencies = [{ code: 'HKD', decimals: 2 }];
const fundingEach = 1_000_000_00n;
const mib = 2 ** 20;

/** The highest heap and resident memory seen at the samples taken after each block. */
class MemoryPeak {
  heapBytes = 0;
  rssBytes = 0;

  sample(): void {
    const { heapUsed, rss } = process.memoryUsage();
    this.heapBytes = Math.max(this.heapBytes, heapUsed);
    this.rssBytes = Math.max(this.rssBytes, rss);
  }
}

type Setup = { chain: LocalChain; workload: BankWorkload; seeder: Seeder };

async function openChain(store: Store, accounts: number): Promise<Setup> {
  const workload = new BankWorkload({ chainId, accounts, users: 64, currencies, fundingEach });
  const seeder = createSeeder({ workload, currency: currencies[0]!.code, fundingEach });
  const validator = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(1));
  const chain = new LocalChain(
    {
      chainId,
      validator,
      modules: [createBankModule(), seeder.module],
      genesisTimeMs: 1_767_225_600_000,
    },
    { store },
  );
  // The currency goes through the bank's own register_currency; a one-account workload signs it
  // (the same issuer key and issuer account as `workload`) without signing every account's setup.
  const [registers] = new BankWorkload({
    chainId,
    accounts: 1,
    users: 1,
    currencies,
  }).setupPhases();
  await chain.commitBlock(registers!);
  return { chain, workload, seeder };
}

export async function benchScale(
  accounts: number,
  label: string,
  report: Report,
  progress: Progress,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-scale-'));
  const store = openStore({ path: dir });
  const memory = new MemoryPeak();
  const name = (what: string) => `${label} accounts: ${what}`;
  try {
    const { chain, workload, seeder } = await openChain(store, accounts);
    const buildCpu = process.cpuUsage();
    const buildS = await buildAccounts(chain, seeder, accounts, (done) => {
      memory.sample();
      progress(`${label}: building ${done.toLocaleString('en-US')} accounts`);
    });
    checkBuilt(chain, workload, accounts);
    await store.flushed();
    const built = measureDisk(store);
    report(name('build time'), buildS, 's');
    report(name('accounts built'), accounts / buildS, 'accounts/s');
    // Per CPU-second of the whole process (LMDB's writer thread included): steadier when shared.
    report(
      name('accounts built per CPU-second'),
      accounts / cpuSeconds(buildCpu),
      'accounts/cpu-s',
    );
    report(name('disk per account after build (file)'), built.fileBytes / accounts, 'bytes');
    report(
      name('state tree per account after build (pages)'),
      built.parts['state tree'] / accounts,
      'bytes',
    );
    progress(`${label}: signing transfers`);
    const blocks = Array.from({ length: warmUpBlocks + measuredBlocks }, () =>
      workload.transfers(blockTxs),
    );
    const run = await commitTransfers(chain, blocks, () => {
      memory.sample();
      progress(`${label}: committing transfers`);
    });
    await store.flushed();
    reportTransfers(name, report, run, built, measureDisk(store), blocks.length * blockTxs);
    report(name('heap used, peak'), memory.heapBytes / mib, 'MiB');
    report(name('resident memory, peak'), memory.rssBytes / mib, 'MiB');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A spot check that the build wrote what the transfers will read. */
function checkBuilt(chain: LocalChain, workload: BankWorkload, accounts: number): void {
  const last = moduleKey('bank', bankKeys.account(workload.accountId(0, accounts - 1)));
  if (chain.executor.state.get(last) === null)
    throw new Error(`scale: account ${accounts - 1} is missing after the build`);
}

type TransferRun = { blockMs: number[]; totalS: number; cpuS: number };

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function commitTransfers(
  chain: LocalChain,
  blocks: readonly ReturnType<BankWorkload['transfers']>[],
  onBlock: () => void,
): Promise<TransferRun> {
  const blockMs: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const [i, txs] of blocks.entries()) {
    const t0 = performance.now();
    const committed = await chain.commitBlock(txs);
    if (committed.receipts.some((r) => r.code !== 'ok'))
      throw new Error('scale: a transfer failed');
    if (i >= warmUpBlocks) blockMs.push(performance.now() - t0);
    onBlock();
  }
  return { blockMs, totalS: (performance.now() - started) / 1000, cpuS: cpuSeconds(cpu) };
}

function reportTransfers(
  name: (what: string) => string,
  report: Report,
  run: TransferRun,
  before: DiskUsage,
  after: DiskUsage,
  transfers: number,
): void {
  report(
    name('transfers committed, median block of 1,000'),
    blockTxs / (median(run.blockMs) / 1000),
    'transfers/s',
  );
  report(name('transfers committed, whole run'), transfers / run.totalS, 'transfers/s');
  report(name('transfers committed per CPU-second'), transfers / run.cpuS, 'transfers/cpu-s');
  report(name('block commit latency, median'), median(run.blockMs), 'ms');
  const used = (usage: DiskUsage) => Object.values(usage.parts).reduce((a, b) => a + b, 0);
  report(
    name('disk per transfer (pages in use)'),
    (used(after) - used(before)) / transfers,
    'bytes',
  );
  // The file grows less than the pages in use where the build's pruning left free pages to reuse.
  report(
    name('data file growth per transfer'),
    (after.fileBytes - before.fileBytes) / transfers,
    'bytes',
  );
  for (const part of Object.keys(diskParts) as DiskPart[]) {
    report(
      name(`disk per transfer, ${part} (pages)`),
      (after.parts[part] - before.parts[part]) / transfers,
      'bytes',
    );
  }
}
