// `tally bench`: runs the benchmark harness (the same as `npm run bench`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('measure throughput and latency; writes bench/results/GROUP.json')
    .option('--only <group>', 'run one group (ledger, consensus)')
    .action((options: { only?: string }) => {
      const script = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));
      const args = ['--import', 'tsx', script, ...(options.only ? ['--only', options.only] : [])];
      const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
      process.exitCode = result.status ?? 1;
    });
}
