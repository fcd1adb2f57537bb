// Where a worker thread starts from. Tally runs its TypeScript through tsx, and a worker that
// registers tsx itself carries tsx's loader thread, compiler and source maps. So the first worker of
// a kind in a process bundles the worker's module graph with esbuild (which tsx runs on) into one
// plain ES module, kept in memory, and each such worker starts from it as a data: URL: about 10 MiB
// of resident memory a worker against 32 MiB through tsx (bench/ledger/worker-memory.ts). Where
// esbuild cannot bundle, workers register tsx (a small .mjs shim next to the entry).
//
// A data: URL resolves no package, so packages that must load from node_modules (lmdb, with its
// native addon) are left out of the bundle and imported by their resolved file URL.
import { createRequire } from 'node:module';

type Esbuild = {
  buildSync(options: Record<string, unknown>): { outputFiles: { text: string }[] };
};

export type WorkerSource = { readonly kind: 'bundle' | 'tsx'; readonly url: URL };

export type WorkerEntry = {
  /** The worker's TypeScript module. */
  readonly entry: URL;
  /** A .mjs module that registers tsx and imports the entry: the fallback. */
  readonly tsxShim: URL;
  /** Packages imported from node_modules instead of bundled, each with its resolved module URL. */
  readonly external?: Readonly<Record<string, string>>;
};

function bundle({ entry, external = {} }: WorkerEntry): URL | undefined {
  try {
    const esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
    const names = Object.keys(external);
    const { outputFiles } = esbuild.buildSync({
      entryPoints: [entry.pathname],
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      external: names,
      // Modules that find files beside themselves (libsodium.ts, through createRequire) get the
      // entry's own file URL.
      define: { 'import.meta.url': JSON.stringify(entry.href) },
    });
    let code = outputFiles[0]?.text;
    if (code === undefined) return undefined;
    for (const name of names) {
      const bare = new RegExp(`(from\\s*|import\\s*\\(?\\s*)${JSON.stringify(name)}`, 'g');
      code = code.replace(
        bare,
        (_, before: string) => `${before}${JSON.stringify(external[name])}`,
      );
    }
    return new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  } catch {
    return undefined;
  }
}

/** Starts-from sources by entry, made on first use. */
export class WorkerSources {
  readonly #made = new Map<string, WorkerSource>();

  /** The bundle of `worker`, made on its first use in this process, or else its tsx shim. */
  get(worker: WorkerEntry): WorkerSource {
    const known = this.#made.get(worker.entry.href);
    if (known !== undefined) return known;
    const url = bundle(worker);
    const source: WorkerSource =
      url === undefined ? { kind: 'tsx', url: worker.tsxShim } : { kind: 'bundle', url };
    this.#made.set(worker.entry.href, source);
    return source;
  }
}

export const workerSources = new WorkerSources();

/**
 * The flags a worker takes from its process: only the profilers' (--cpu-prof, --heap-prof and
 * their settings), so that profiling a node profiles its workers too. Others stay out: a parent
 * started with `-e` or `--input-type` would pass them on, and the worker would fail to load its
 * file (the bundle needs no loader; the tsx shim registers its own).
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((flag) => /^--(cpu|heap)-prof/.test(flag));
}
