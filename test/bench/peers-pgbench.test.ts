// The pgbench peer's pure parts: its summary and per-transaction log, parsed from output captured
// from PostgreSQL 15's pgbench on the development machine, and where it looks for the binaries.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { findPostgresBins } from '../../bench/peers/pgbench.ts';
import { parsePgbenchLog, parsePgbenchSummary } from '../../bench/peers/pgbench-output.ts';
import { TallyError } from '../../src/util/errors.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

test('reads tps, average latency and counts from a captured pgbench summary', () => {
  assert.deepEqual(parsePgbenchSummary(fixture('pgbench-15-stdout.txt')), {
    clients: 32,
    transactions: 2140,
    failed: 0,
    latencyAverageMs: 37.94,
    tps: 843.426535,
  });
});

test('a summary without the failed line (pgbench before 15) counts no failures', () => {
  const older = fixture('pgbench-15-stdout.txt').replace(/^number of failed.*\n/m, '');
  assert.equal(parsePgbenchSummary(older).failed, 0);
});

test('error: output without a tps line is a coded error', () => {
  const cut = fixture('pgbench-15-stdout.txt').replace(/^tps = .*$/m, '');
  assert.throws(
    () => parsePgbenchSummary(cut),
    (e: unknown) =>
      e instanceof TallyError &&
      e.code === 'bench_pgbench_output' &&
      e.message === 'pgbench output has no tps',
  );
});

test('reads per-transaction latencies in ms from a captured --log file', () => {
  assert.deepEqual(
    parsePgbenchLog(fixture('pgbench-15-log.txt')),
    [58.531, 65.113, 70.855, 45.963, 44.914, 44.357],
  );
});

test('log lines of failed or skipped transactions are left out', () => {
  const text = '0 1 1500 0 1796437358 26566\n3 2 failed 0 1796437358 26600\n4 7 skipped 0 1 2\n\n';
  assert.deepEqual(parsePgbenchLog(text), [1.5]);
});

function fakeBinDir(root: string, names: readonly string[]): string {
  mkdirSync(root, { recursive: true });
  for (const name of names) {
    writeFileSync(join(root, name), '#!/bin/sh\n');
    chmodSync(join(root, name), 0o755);
  }
  return root;
}

test('finds the newest Debian version folder holding initdb, pg_ctl and pgbench', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-test-pgbins-'));
  try {
    const all = ['initdb', 'pg_ctl', 'pgbench'];
    fakeBinDir(join(dir, 'lib', '9.6', 'bin'), all);
    fakeBinDir(join(dir, 'lib', '15', 'bin'), all);
    fakeBinDir(join(dir, 'lib', '16', 'bin'), ['pgbench']); // incomplete: passed over
    const found = findPostgresBins(join(dir, 'lib'), '');
    assert.equal(found?.initdb, join(dir, 'lib', '15', 'bin', 'initdb'));
    assert.equal(found?.pgbench, join(dir, 'lib', '15', 'bin', 'pgbench'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('falls back to PATH, and finds nothing where nothing is installed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-test-pgbins-'));
  try {
    const onPath = fakeBinDir(join(dir, 'bin'), ['initdb', 'pg_ctl', 'pgbench']);
    const empty = fakeBinDir(join(dir, 'empty'), []);
    assert.equal(
      findPostgresBins(join(dir, 'none'), `${empty}${delimiter}${onPath}`)?.pgCtl,
      join(onPath, 'pg_ctl'),
    );
    assert.equal(findPostgresBins(join(dir, 'none'), empty), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
