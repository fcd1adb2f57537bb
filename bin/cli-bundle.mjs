// The `tally` command runs from ES modules that esbuild bundles from src/ (packages stay in
// node_modules and load as usual): an entry, and chunks split off at dynamic imports. Through the
// tsx loader every process also carried tsx's loader thread, compiler and source maps: `tally
// --help` took 0.6 to 0.9 s and about 110 MiB that way, against 0.2 to 0.25 s and 62 MiB from the
// bundle (a single-file bundle, which loads every package up front: 0.55 s and 84 MiB).
//
// The bundle is cached in node_modules/.cache/tally (inside the project, so that its package
// imports resolve) and rebuilt when a file it was built from changed: the entry's last line
// records the checkout it was built from and each input's size and mtime, taken as the file was
// read. Each module's import.meta.url (and dirname, filename) is replaced by that module's own
// source location, so files found next to a source (console/dist, XSDs, FX rates, the verify
// worker) are found as they are under tsx.
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const stampPrefix = '//# tally-bundle-inputs ';
const loaders = { '.ts': 'ts', '.mts': 'ts', '.js': 'js', '.mjs': 'js', '.json': 'json' };

export const cliBundleDefaults = {
  root: projectRoot,
  entry: join(projectRoot, 'src/cli/main.ts'),
  outFile: join(projectRoot, 'node_modules/.cache/tally/cli.mjs'),
};

/**
 * The CLI bundle, built first if it is missing or stale: `{ url, built }`, or `undefined` where
 * it cannot be made (esbuild missing, a compile error, a read-only folder). The caller then runs
 * the sources through tsx, which reports any compile error in the usual way.
 */
export async function cliBundle(options = {}) {
  const { root, entry, outFile } = { ...cliBundleDefaults, ...options };
  const url = pathToFileURL(outFile);
  if (isFresh(root, outFile)) return { url, built: false };
  try {
    await buildCliBundle({ root, entry, outFile });
    return { url, built: true };
  } catch {
    return undefined;
  }
}

/** True when the bundle exists and every input it records still has the size and mtime it had. */
export function isFresh(root, outFile) {
  const stamped = readStamp(outFile);
  // Built from another checkout (one sharing this node_modules): its paths are that checkout's.
  if (stamped?.root !== resolve(root)) return false;
  const { inputs } = stamped;
  if (typeof inputs !== 'object' || inputs === null) return false;
  const builder = fileURLToPath(import.meta.url);
  if (!sameFile(builder, inputs[relative(root, builder)])) return false;
  for (const [path, seen] of Object.entries(inputs)) {
    if (!sameFile(join(root, path), seen)) return false;
  }
  return true;
}

/** The entry's last line: the checkout, inputs and files of its build; undefined if unreadable. */
function readStamp(outFile) {
  let text;
  try {
    text = readFileSync(outFile, 'utf8');
  } catch {
    return undefined;
  }
  const at = text.lastIndexOf(stampPrefix);
  if (at < 0) return undefined;
  try {
    return JSON.parse(text.slice(at + stampPrefix.length));
  } catch {
    return undefined;
  }
}

function sameFile(path, seen) {
  if (!Array.isArray(seen)) return false;
  try {
    const stat = statSync(path);
    return stat.size === seen[0] && stat.mtimeMs === seen[1];
  } catch {
    return false;
  }
}

/** Builds the bundle; throws what esbuild or the file system reported. */
export async function buildCliBundle(options = {}) {
  const { root, entry, outFile } = { ...cliBundleDefaults, ...options };
  const esbuild = createRequire(import.meta.url)('esbuild');
  const builder = fileURLToPath(import.meta.url);
  const inputs = { [relative(root, builder)]: stamp(statSync(builder)) };
  const outDir = dirname(outFile);
  let result;
  try {
    result = await esbuild.build({
      entryPoints: { [basename(outFile, '.mjs')]: entry },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      // Split at dynamic imports: what only `node start` reaches (fastify, prom-client, pino and
      // the API) loads only there, so other commands start in about half the time.
      splitting: true,
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      sourcemap: 'linked',
      write: false,
      logLevel: 'silent',
      plugins: [ownLocationPlugin(root, inputs)],
    });
  } finally {
    // esbuild's service process would otherwise live as long as this one.
    esbuild.stop();
  }
  const code = result.outputFiles.find((f) => f.path === outFile);
  if (code === undefined) throw new Error('cli bundle: esbuild wrote no entry module');
  mkdirSync(outDir, { recursive: true });
  // Several processes may build at once (tests, `network up`): each writes its own files and
  // renames them into place. Chunks are named by their content, so one already there is the same;
  // the entry goes last, so a reader sees a whole bundle, with the inputs it was built from.
  const entryMap = `${outFile}.map`;
  const written = new Set([outFile]);
  for (const file of result.outputFiles) {
    written.add(file.path);
    if (file === code) continue;
    if (file.path === entryMap || !existsSync(file.path)) writeAtomically(file.path, file.contents);
  }
  const files = [...written].map((path) => basename(path));
  const stamped = { root: resolve(root), inputs, files };
  markSuperseded(outDir, outFile, written);
  writeAtomically(outFile, `${code.text}${stampPrefix}${JSON.stringify(stamped)}\n`);
  removeOldChunks(outDir, written);
}

/**
 * The files of the entry about to be replaced get the time of its replacement as their mtime: a
 * process that read that entry just before may still import its chunks, and removeOldChunks keeps
 * them for an hour from now.
 */
function markSuperseded(outDir, outFile, keep) {
  const previous = readStamp(outFile)?.files;
  if (!Array.isArray(previous)) return;
  const now = new Date();
  for (const name of previous) {
    const path = join(outDir, String(name));
    if (keep.has(path)) continue;
    try {
      utimesSync(path, now, now);
    } catch {
      // Gone already.
    }
  }
}

/**
 * Chunks of earlier builds go once an hour has passed since they were written or their entry was
 * replaced. A process imports its chunks within moments of reading its entry, so none still needs
 * them by then.
 */
const oldChunkMs = 60 * 60 * 1000;

function removeOldChunks(outDir, keep) {
  const now = Date.now();
  for (const name of readdirSync(outDir)) {
    const path = join(outDir, name);
    if (keep.has(path) || !/\.mjs(\.map)?$/.test(name)) continue;
    try {
      if (now - statSync(path).mtimeMs > oldChunkMs) rmSync(path, { force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

/** Loads the project's own files, replacing import.meta's location fields by the file's own. */
function ownLocationPlugin(root, inputs) {
  const base = root.endsWith(sep) ? root : `${root}${sep}`;
  const own = (path) =>
    path.startsWith(base) && !path.slice(base.length).startsWith(`node_modules${sep}`);
  return {
    name: 'tally-own-location',
    setup(builder) {
      builder.onLoad({ filter: /\.(ts|mts|js|mjs|json)$/ }, (args) => {
        if (!own(args.path)) return undefined;
        const { text, stat: seen } = readWithStat(args.path);
        inputs[relative(root, args.path)] = stamp(seen);
        return { contents: withOwnLocation(text, args.path), loader: loaders[extname(args.path)] };
      });
    },
  };
}

function withOwnLocation(text, path) {
  const replaced = text
    .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href))
    .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)))
    .replaceAll('import.meta.filename', JSON.stringify(path));
  // Anything else on import.meta would describe the bundle, not this file.
  if (/\bimport\.meta\b/.test(replaced)) throw new Error(`${path}: import.meta cannot be bundled`);
  return replaced;
}

/** The file's text and the stat of the very version read (a later edit changes the mtime). */
function readWithStat(path) {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    return { text: readFileSync(fd, 'utf8'), stat };
  } finally {
    closeSync(fd);
  }
}

function stamp(stat) {
  return [stat.size, stat.mtimeMs];
}

function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}
