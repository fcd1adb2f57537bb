#!/usr/bin/env node
// Builds the web console (vite, into console/dist) when the build is missing or older than its
// sources: npm start and npm test run it first. Flags: --if-stale (skip a fresh build), --keep-going
// (report a failed build and exit 0, so npm start still runs the nodes, which then say "not built").
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
export const consoleDistIndex = join(root, 'console/dist/index.html');
/** What the bundle is made of: the app, and the browser-safe layers the SDK reaches. */
const sourceRoots = [
  'console/index.html',
  'console/vite.config.ts',
  'console/src',
  'src/sdk',
  'src/util',
  'src/codec',
  'src/crypto',
  'src/ledger',
  'src/modules',
  'src/apps',
  'package-lock.json',
];

function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

/** True when console/dist is missing or any source is newer than it. */
export function isConsoleBuildStale() {
  if (!existsSync(consoleDistIndex)) return true;
  const built = statSync(consoleDistIndex).mtimeMs;
  return sourceRoots.some((p) => newestMtimeMs(join(root, p)) > built);
}

/** Runs vite build; returns whether it succeeded. Output goes to this process's stderr. */
export function buildConsole() {
  const vite = join(root, 'node_modules/.bin/vite');
  if (!existsSync(vite)) {
    console.error('console: vite is not installed; run npm install, then npm run build:console');
    return false;
  }
  const started = Date.now();
  const res = spawnSync(
    vite,
    ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(`# console build: ${res.status === 0 ? 'ok' : 'FAILED'} in ${seconds} s`);
  return res.status === 0;
}

/** Builds when stale; true when a usable build is there afterwards. */
export function ensureConsoleBuilt() {
  return isConsoleBuildStale() ? buildConsole() : true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const ok = args.includes('--if-stale') ? ensureConsoleBuilt() : buildConsole();
  if (!ok && !args.includes('--keep-going')) process.exit(1);
}
