#!/usr/bin/env node
// Runs the whole check: formatter/linter, type check, then every test file under node:test (via tsx).
// Node 20's test runner does not expand globs, so the files are listed here.
// Flags: --only-tests (skip lint and type check), --sim (simulator tests only), a path filter.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyTests = args.includes('--only-tests') || args.includes('--sim');
const filters = args.filter((a) => !a.startsWith('--'));

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTests(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out.sort();
}

function run(cmd, cmdArgs, label) {
  const started = Date.now();
  const res = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  console.error(
    `# ${label}: ${res.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
if (!onlyTests) {
  run(bin('biome'), ['check', '.'], 'lint');
  run(bin('tsc'), ['--noEmit', '-p', '.'], 'typecheck');
  run(bin('tsc'), ['--noEmit', '-p', 'console'], 'typecheck console');
}
let files = listTests(join(root, 'test'));
if (args.includes('--sim')) files = files.filter((f) => f.startsWith('test/sim/'));
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
run(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  `${files.length} test files`,
);
