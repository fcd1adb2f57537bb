// What a verify worker runs. Tally runs its TypeScript through tsx, and a worker that registers tsx
// itself (verify-worker.mjs) carries tsx's loader thread, compiler and source maps. So the first
// worker of a process bundles the worker's module graph with esbuild (which tsx runs on) into one
// plain ES module, kept in memory, and every worker starts from it as a data: URL: about 10 MiB of
// resident memory a worker against 32 MiB through tsx (bench/ledger/worker-memory.ts). Where esbuild
// cannot bundle, workers register tsx as before.

import { createRequire } from 'node:module';

type Esbuild = {
  buildSync(options: Record<string, unknown>): { outputFiles: { text: string }[] };
};

export type WorkerSource = { readonly kind: 'bundle' | 'tsx'; readonly url: URL };

const entryUrl = new URL('./verify-worker.ts', import.meta.url);
const tsxShimUrl = new URL('./verify-worker.mjs', import.meta.url);

function bundle(): URL | undefined {
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
    const { outputFiles } = esbuild.buildSync({
      entryPoints: [entryUrl.pathname],
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      // A data: URL has no place to resolve packages from; the one module in the graph that asks
      // (libsodium.ts, through createRequire) gets the entry's own file URL instead.
      define: { 'import.meta.url': JSON.stringify(entryUrl.href) },
    });
    const code = outputFiles[0]?.text;
    if (code === undefined) return undefined;
    return new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  } catch {
    return undefined;
  }
}

/** Workers that register tsx themselves: the fallback. */
export const tsxWorkerSource: WorkerSource = { kind: 'tsx', url: tsxShimUrl };

let bundled: WorkerSource | null | undefined;

/** The source workers start from by default: the bundle, made on first use, or else tsx. */
export function verifyWorkerSource(): WorkerSource {
  if (bundled === undefined) {
    const url = bundle();
    bundled = url === undefined ? null : { kind: 'bundle', url };
  }
  return bundled ?? tsxWorkerSource;
}
