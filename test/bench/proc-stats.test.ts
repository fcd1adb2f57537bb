// /proc parsing for the benchmarks' per-validator CPU and memory, on samples captured from a Node
// process on the development machine, and on this test's own process.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cpuPercent,
  parseStatCpuSplit,
  parseStatCpuTicks,
  parseStatusMemoryKiB,
  watchProcesses,
} from '../../bench/lib/proc-stats.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const onLinux = process.platform === 'linux';

test('reads utime + stime from a captured /proc/PID/stat', () => {
  // utime 108, stime 60 in that sample
  assert.equal(parseStatCpuTicks(fixture('node-proc-stat.txt')), 168);
  assert.deepEqual(parseStatCpuSplit(fixture('node-proc-stat.txt')), { user: 108, system: 60 });
});

test('reads the fields after a command name holding spaces and parentheses', () => {
  const sample = fixture('node-proc-stat.txt').replace('(node)', '(a b) (c)');
  assert.equal(parseStatCpuTicks(sample), 168);
});

test('error: a stat line cut short', () => {
  assert.throws(() => parseStatCpuTicks('11304 (node) S 1 2 3'), /utime\/stime not integers/);
  assert.throws(() => parseStatCpuTicks('garbage'), /no "\)" closing the command name/);
});

test('reads VmRSS, VmHWM and the RssAnon, RssFile, RssShmem split from a captured /proc/PID/status', () => {
  const memory = parseStatusMemoryKiB(fixture('node-proc-status.txt'));
  assert.deepEqual(memory, {
    rssKiB: 207608,
    hwmKiB: 207608,
    anonKiB: 169536,
    fileKiB: 38072,
    shmemKiB: 0,
  });
  // The kernel's VmRSS is the sum of its parts; a parser reading the wrong lines would break it.
  assert.equal(memory.anonKiB + memory.fileKiB + memory.shmemKiB, memory.rssKiB);
});

test('a status without the split (a kernel before 4.5) reads its parts as NaN', () => {
  const text = fixture('node-proc-status.txt').replace(/^Rss(?:Anon|File|Shmem):.*$/gm, '');
  const memory = parseStatusMemoryKiB(text);
  assert.equal(memory.rssKiB, 207608);
  assert.ok(Number.isNaN(memory.anonKiB));
  assert.ok(Number.isNaN(memory.fileKiB));
  assert.ok(Number.isNaN(memory.shmemKiB));
});

test('error: a status without VmRSS', () => {
  const text = fixture('node-proc-status.txt').replace(/^VmRSS:.*$/m, '');
  assert.throws(() => parseStatusMemoryKiB(text), /no VmRSS line/);
});

test('cpu percent is CPU time over wall time, per core', () => {
  assert.equal(cpuPercent(100, 100, 1000), 100);
  assert.equal(cpuPercent(300, 100, 2000), 150);
  assert.equal(cpuPercent(0, 100, 5000), 0);
  assert.throws(() => cpuPercent(1, 100, 0), /wall time must be positive/);
});

test('watches a live process: some CPU time and a resident set', { skip: !onLinux }, async () => {
  const watch = watchProcesses([process.pid], 10);
  const until = performance.now() + 200;
  let spin = 0;
  while (performance.now() < until) spin++;
  await new Promise((r) => setTimeout(r, 30));
  const [usage] = watch.stop();
  assert.ok(spin > 0);
  assert.ok(usage !== undefined && usage.cpuPct > 0);
  // Spinning is user time: the kernel's part is some of the CPU time, never more.
  assert.ok(usage.systemPct >= 0 && usage.systemPct < usage.cpuPct, `${usage.systemPct}`);
  assert.ok(usage.rssMaxMiB > 1);
  // A Node process has a heap (anonymous) and its mapped executable (file-backed) resident.
  assert.ok(usage.rssAnonMaxMiB > 0);
  assert.ok(usage.rssFileMaxMiB > 0);
  assert.ok(usage.rssShmemMaxMiB >= 0);
});

test('a process that is gone reads as NaN, not a failure', () => {
  const [usage] = watchProcesses([2 ** 22 + 1]).stop();
  assert.ok(Number.isNaN(usage!.cpuPct));
  assert.ok(Number.isNaN(usage!.systemPct));
  assert.ok(Number.isNaN(usage!.rssMaxMiB));
  assert.ok(Number.isNaN(usage!.rssAnonMaxMiB));
  assert.ok(Number.isNaN(usage!.rssFileMaxMiB));
  assert.ok(Number.isNaN(usage!.rssShmemMaxMiB));
});
