// Nearest-rank percentiles of the benchmarks' latency samples.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { percentile, summarizeLatencies } from '../../bench/lib/percentiles.ts';

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

test('picks the nearest rank of 1..100', () => {
  assert.equal(percentile(oneToHundred, 0.5), 50);
  assert.equal(percentile(oneToHundred, 0.9), 90);
  assert.equal(percentile(oneToHundred, 0.99), 99);
  assert.equal(percentile(oneToHundred, 1), 100);
  assert.equal(percentile(oneToHundred, 0.07), 7);
});

test('rounds a rank up between samples', () => {
  assert.equal(percentile([10, 20, 30], 0.5), 20);
  assert.equal(percentile([10, 20, 30, 40], 0.5), 20);
  assert.equal(percentile([10, 20, 30, 40], 0.51), 30);
  assert.equal(percentile([7], 0.01), 7);
});

test('answers NaN without samples', () => {
  assert.ok(Number.isNaN(percentile([], 0.5)));
  const empty = summarizeLatencies([]);
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.p50) && Number.isNaN(empty.max));
});

test('error: p outside (0, 1]', () => {
  assert.throws(() => percentile([1], 0), /p must be in \(0, 1\], got 0/);
  assert.throws(() => percentile([1], 1.5), RangeError);
});

test('summarizes unsorted samples without changing them', () => {
  const samples = [300, 5, 40, 2000, 7];
  const summary = summarizeLatencies(samples);
  assert.deepEqual(samples, [300, 5, 40, 2000, 7]);
  assert.deepEqual(summary, { count: 5, p50: 40, p90: 2000, p99: 2000, max: 2000 });
});

test('percentiles are samples, ordered, and max is the largest', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1 }), (samples) => {
      const s = summarizeLatencies(samples);
      for (const v of [s.p50, s.p90, s.p99, s.max]) assert.ok(samples.includes(v));
      assert.ok(s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max);
      assert.equal(s.max, Math.max(...samples));
      const atOrBelow = samples.filter((v) => v <= s.p90).length;
      assert.ok(atOrBelow >= 0.9 * samples.length);
    }),
  );
});
