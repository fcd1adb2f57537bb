// Resident memory a verify worker adds to its process, started from the in-memory bundle and
// through tsx (verify-worker-source.ts): each measured in a fresh child process, as the growth of
// its resident set from before the pool starts to a second after its workers are warm.
import { spawnSync } from 'node:child_process';
import type { Report } from '../lib/report.ts';

const workers = 2;
const settleMs = 1000;

function workerMiB(source: 'bundle' | 'tsx'): number {
  const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = `
    import { VerifyPool } from ${url('../../src/crypto/verify-pool.ts')};
    import { tsxWorkerSource, verifyWorkerSource } from ${url('../../src/crypto/verify-worker-source.ts')};
    const source = ${JSON.stringify(source)} === 'tsx' ? tsxWorkerSource : verifyWorkerSource();
    if (source.kind !== ${JSON.stringify(source)}) throw new Error('no ' + ${JSON.stringify(source)} + ' source here');
    const before = process.memoryUsage().rss;
    const pool = new VerifyPool(${workers}, () => source);
    await pool.warm();
    await new Promise((resolve) => setTimeout(resolve, ${settleMs}));
    console.log((process.memoryUsage().rss - before) / ${workers} / 2 ** 20);
    await pool.close();`;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (child.status !== 0) throw new Error(`bench: worker memory (${source}): ${child.stderr}`);
  return Number(child.stdout.trim());
}

export async function benchWorkerMemory(report: Report): Promise<void> {
  for (const source of ['bundle', 'tsx'] as const)
    report(
      `verify worker resident memory, started from ${source === 'bundle' ? 'the bundle' : 'tsx'}`,
      workerMiB(source),
      'MiB',
    );
}
