// The `tally` command runs from one ES module that esbuild bundles from src/ (packages stay in
// node_modules and load as usual). Through the tsx loader every process also carried tsx's loader
// thread, compiler and source maps: `tally --help` took 0.9 s and 110 MiB that way against 0.55 s
// and 84 MiB from the bundle, and an idle node 15 to 18 MiB more.
//
// The bundle is cached in node_modules/.cache/tally (inside the project, so that its package
// imports resolve) and rebuilt when a file it was built from changed: its last line records the
// checkout it was built from and each input's size and mtime, taken as the file was read. Each module's import.meta.url (and dirname,
// filename) is replaced by that module's own source location, so files found next to a source
// (console/dist, XSDs, FX rates, the verify worker) are found as they are under tsx.
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
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
  let text;
  try {
    text = readFileSync(outFile, 'utf8');
  } catch {
    return false;
  }
  const at = text.lastIndexOf(stampPrefix);
  if (at < 0) return false;
  let stamped;
  try {
    stamped = JSON.parse(text.slice(at + stampPrefix.length));
  } catch {
    return false;
  }
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
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outfile: outFile,
      sourcemap: 'linked',
      write: false,
      logLevel: 'silent',
      plugins: [ownLocationPlugin(root, inputs)],
    });
  } finally {
    // esbuild's service process would otherwise live as long as this one.
    esbuild.stop();
  }
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  const code = result.outputFiles.find((f) => !f.path.endsWith('.map'));
  if (code === undefined) throw new Error('cli bundle: esbuild wrote no module');
  mkdirSync(dirname(outFile), { recursive: true });
  // Several processes may build at once (tests, `network up`): each writes its own file and
  // renames it into place, so a reader sees one whole bundle, with the inputs it was built from.
  if (map !== undefined) writeAtomically(`${outFile}.map`, map.contents);
  const stamped = { root: resolve(root), inputs };
  writeAtomically(outFile, `${code.text}${stampPrefix}${JSON.stringify(stamped)}\n`);
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
