// The figure each validator must reach: signed bank transfers decoded, executed, committed to the
// authenticated state tree and made durable in LMDB, in blocks of 1,000 (one batch per block).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { createBankModule } from '../../src/modules/bank/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Report } from '../lib/report.ts';

const blockTxs = 1000;
const measuredBlocks = 20;
const accountsPerCurrency = 10_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchCommit(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-commit-'));
  const store = openStore({ path: dir });
  try {
    const chainId = 'tally-bench';
    const validator = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(1));
    const chain = new LocalChain(
      { chainId, validator, modules: [createBankModule()], genesisTimeMs: 1_767_225_600_000 },
      { store },
    );
    const workload = new BankWorkload({ chainId, accounts: accountsPerCurrency, users: 64 });
    for (const txs of workload.setupBlocks(5000)) await chain.commitBlock(txs);
    const blocks = Array.from({ length: measuredBlocks + 2 }, () => workload.transfers(blockTxs));
    const times: number[] = [];
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const [i, txs] of blocks.entries()) {
      const t0 = performance.now();
      const committed = await chain.commitBlock(txs);
      if (committed.receipts.some((r) => r.code !== 'ok'))
        throw new Error('bench: a transfer failed');
      if (i >= 2) times.push(performance.now() - t0);
    }
    const totalS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    report(
      'transfers committed (durable, state tree), median block of 1,000',
      blockTxs / (median(times) / 1000),
      'transfers/s',
    );
    report(
      'transfers committed, whole run incl. warm-up',
      (blocks.length * blockTxs) / totalS,
      'transfers/s',
    );
    // Per CPU-second of the whole process (LMDB's writer thread included): steadier on a shared machine.
    report(
      'transfers committed per CPU-second',
      (blocks.length * blockTxs) / cpuS,
      'transfers/cpu-s',
    );
    report('block commit latency, median (1,000 transfers)', median(times), 'ms');
    report('accounts in state', accountsPerCurrency * 2, 'accounts');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
