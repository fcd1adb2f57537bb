// The load ladder's arithmetic, its steps file and its chart series.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { XMLValidator } from 'fast-xml-parser';
import {
  countingWindow,
  cpuUsPerFinal,
  dueCount,
  envNumber,
  extraLoad,
  finalPerSecond,
  formatStepRow,
  kernelShareOfCpu,
  type LadderStep,
  ladderChartSeries,
  ladderRates,
  ladderStep,
  loadLabel,
  offeredRate,
  writeChart,
  writeSteps,
} from '../../bench/lib/load-ladder.ts';
import { summarizeLatencies } from '../../bench/lib/percentiles.ts';
import type { ProcessUsage } from '../../bench/lib/proc-stats.ts';

/** A node's usage with the RSS split: anon + file + shmem need not equal the RSS peak. */
function usage(cpuPct: number, rssMaxMiB: number, anon = 240, file = 60, shmem = 0): ProcessUsage {
  return {
    cpuPct,
    systemPct: cpuPct / 5,
    rssMaxMiB,
    rssAnonMaxMiB: anon,
    rssFileMaxMiB: file,
    rssShmemMaxMiB: shmem,
  };
}

function step(validators: number, offered: number, final: number, p50: number, p99: number) {
  return ladderStep(
    { validators, offered, final, rejected: 0, notFinal: 0 },
    { count: 1, p50, p90: p50, p99, max: p99 },
    [usage(50, 300)],
  );
}

test('rates at 25% to 125% of the capacity', () => {
  assert.deepEqual(ladderRates(1000), [250, 500, 750, 1000, 1250]);
  assert.deepEqual(ladderRates(2), [1, 1, 2, 2, 3]);
  assert.deepEqual(ladderRates(400, [0.5]), [200]);
  assert.throws(() => ladderRates(0), /capacity must be positive, got 0/);
  assert.equal(loadLabel(0.75), '75% load');
  assert.equal(loadLabel(1.25), '125% load');
});

test('the open-loop schedule sends what is due, never more than there is', () => {
  assert.equal(dueCount(0, 500, 1000), 0);
  assert.equal(dueCount(-5, 500, 1000), 0);
  assert.equal(dueCount(999, 1, 10), 0);
  assert.equal(dueCount(1000, 1, 10), 1);
  assert.equal(dueCount(1500, 500, 1000), 750);
  assert.equal(dueCount(60_000, 500, 1000), 1000);
});

test('offered rate: on time within a tick, else over the time sending took', () => {
  assert.equal(offeredRate(615, 5, 5040, 50), 123);
  assert.equal(offeredRate(615, 5, 4000, 50), 123);
  assert.equal(offeredRate(600, 5, 6050, 50), 100);
});

test('final/s counts the window after the warm-up', () => {
  assert.deepEqual(countingWindow(1000, 30), { fromMs: 6000, toMs: 31000 });
  assert.deepEqual(countingWindow(0, 8), { fromMs: 2000, toMs: 8000 });
  const finals = [1500, 2000, 3000, 7999, 8000, 8001];
  assert.equal(finalPerSecond(finals, 0, 8), 4 / 6);
});

test('a step record carries the latency summary and the nodes', () => {
  const s = ladderStep(
    {
      validators: 4,
      offered: 100,
      final: 99,
      rejected: 3,
      notFinal: 1,
      load: 0.5,
      bound: 5000,
      blocksPerS: 2.54,
    },
    summarizeLatencies([10, 20, 30, 40]),
    [usage(75.25, 512.5, 400.4, 110.06, 2)],
  );
  assert.deepEqual(
    { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max, rejected: s.rejected },
    { p50: 20, p90: 40, p99: 40, max: 40, rejected: 3 },
  );
  assert.match(
    formatStepRow(s),
    /^offered 100\/s {2}final 99\/s {2}bound 5000\/s \(2\.0%\) {2}blocks 2\.5\/s {2}CPU 7601 us\/final {2}/,
  );
  assert.match(
    formatStepRow(s),
    /rejected 3 {2}not final 1 {2}\[v0 75% \(kernel 15%\) 513 MiB \(anon 400, file 110, shmem 2\)\]$/,
  );
});

test('CPU per final transaction sums every validator', () => {
  const s = ladderStep(
    { validators: 2, offered: 1000, final: 500, rejected: 0, notFinal: 0 },
    summarizeLatencies([10]),
    [usage(40, 300), usage(60, 300)],
  );
  // One core busy in all (40% + 60%) for 500 final a second: 2 ms of CPU each.
  assert.equal(cpuUsPerFinal(s), 2000);
  // A fifth of each node's CPU in the kernel (8% + 12% of 100%).
  assert.equal(kernelShareOfCpu(s), 20);
  assert.doesNotMatch(formatStepRow(s), /blocks/);
});

test('writes GROUP.steps.json in the shape the report reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ladder-'));
  try {
    const steps: LadderStep[] = [
      { ...step(1, 250.04, 249.96, 40, 120), load: 0.25, blocksPerS: 3.04 },
      ladderStep(
        { validators: 4, offered: 100, final: 0, rejected: 100, notFinal: 0 },
        summarizeLatencies([]),
        [usage(Number.NaN, 12, Number.NaN, 2.04, 0)],
      ),
    ];
    const file = writeSteps('network', steps, dir);
    assert.equal(file, join(dir, 'network.steps.json'));
    const json = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(Object.keys(json), ['steps']);
    assert.deepEqual(json.steps[0], {
      validators: 1,
      offered: 250,
      final: 250,
      p50: 40,
      p90: 40,
      p99: 120,
      max: 120,
      rejected: 0,
      nodes: [
        {
          cpuPct: 50,
          systemPct: 10,
          rssMaxMiB: 300,
          rssAnonMaxMiB: 240,
          rssFileMaxMiB: 60,
          rssShmemMaxMiB: 0,
        },
      ],
      notFinal: 0,
      load: 0.25,
      blocksPerS: 3,
    });
    assert.deepEqual(Object.keys(json.steps[0]).slice(0, 9), [
      'validators',
      'offered',
      'final',
      'p50',
      'p90',
      'p99',
      'max',
      'rejected',
      'nodes',
    ]);
    assert.equal(json.steps[1].p50, null);
    assert.deepEqual(json.steps[1].nodes, [
      {
        cpuPct: null,
        systemPct: null,
        rssMaxMiB: 12,
        rssAnonMaxMiB: null,
        rssFileMaxMiB: 2,
        rssShmemMaxMiB: 0,
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('charts p50 and p99 per validator count, in order of offered load', () => {
  const steps = [
    step(4, 500, 480, 200, 900),
    step(1, 250, 250, 40, 120),
    step(4, 250, 250, 150, 400),
  ];
  const series = ladderChartSeries(steps);
  assert.deepEqual(
    series.map((s) => [s.label, s.dashed === true]),
    [
      ['1 validator, p50', false],
      ['1 validator, p99', true],
      ['4 validators, p50', false],
      ['4 validators, p99', true],
    ],
  );
  assert.deepEqual(series[3]!.points, [
    { x: 250, y: 400 },
    { x: 480, y: 900 },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'tally-ladder-'));
  try {
    const svg = readFileSync(
      writeChart('network', { title: 'Tally network', x: 'final/s', y: 'latency' }, steps, dir),
      'utf8',
    );
    assert.equal(XMLValidator.validate(svg), true);
    assert.match(svg, /Node v\d+/); // the machine is in the subtitle
    assert.match(svg, /\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reads positive numbers from the environment', () => {
  const name = 'TALLY_TEST_LADDER_NUMBER';
  delete process.env[name];
  assert.equal(envNumber(name, 30), 30);
  assert.equal(envNumber(name), undefined);
  process.env[name] = '12.5';
  assert.equal(envNumber(name, 30), 12.5);
  process.env[name] = 'fast';
  assert.throws(
    () => envNumber(name, 30),
    /TALLY_TEST_LADDER_NUMBER: expected a positive number, got fast/,
  );
  delete process.env[name];
});

test('past the planned ladder: one more step while the top keeps up, up to 250% load', () => {
  const top = (load: number, offered: number, final: number) => ({ load, offered, final });
  assert.equal(extraLoad(top(1.25, 4125, 3888), 0.9), 1.5, 'kept up: 94% of what was offered');
  assert.equal(extraLoad(top(1.5, 4950, 4455), 0.9), 1.75, 'exactly 90% still counts');
  assert.equal(extraLoad(top(1.25, 6000, 3985), 0.9), undefined, 'fell behind: saturated');
  assert.equal(extraLoad(top(2.25, 7000, 7000), 0.9), 2.5);
  assert.equal(extraLoad(top(2.5, 8000, 8000), 0.9), undefined, 'no step past 250%');
  assert.equal(extraLoad({ offered: 500, final: 500 }, 0.9), undefined, 'fixed-rate ladders stop');
});
