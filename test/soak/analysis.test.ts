import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  growth,
  judgeGrowth,
  type Point,
  ratesPerSecond,
  secondHalf,
  slopePerHour,
  windowMinima,
} from './analysis.ts';

const minute = 60_000;
const hour = 60 * minute;

/** A heap that holds `live(t)` and piles up garbage until a collection every 4 samples. */
function sawtooth(count: number, stepMs: number, live: (tMs: number) => number): Point[] {
  return Array.from({ length: count }, (_, i) => ({
    tMs: i * stepMs,
    value: live(i * stepMs) + (i % 4) * 10,
  }));
}

describe('soak analysis', () => {
  it('takes the lowest point of each window, counted from the first point', () => {
    const points: Point[] = [
      { tMs: 1000, value: 5 },
      { tMs: 1500, value: 3 },
      { tMs: 2000, value: 4 }, // second window [2000, 3000)
      { tMs: 2999, value: 7 },
      { tMs: 3000, value: Number.NaN }, // unread samples are skipped
      { tMs: 3100, value: 9 },
    ];
    assert.deepEqual(windowMinima(points, 1000), [
      { tMs: 1500, value: 3 },
      { tMs: 2000, value: 4 },
      { tMs: 3100, value: 9 },
    ]);
    assert.deepEqual(windowMinima([], 1000), []);
    assert.throws(() => windowMinima(points, 0), /window must be positive/);
  });

  it('fits the slope of a line exactly, per hour, whatever the time origin', () => {
    const line = (t0: number) =>
      Array.from({ length: 7 }, (_, i) => ({ tMs: t0 + i * minute, value: 100 + i * 0.5 }));
    assert.ok(Math.abs(slopePerHour(line(0)) - 30) < 1e-9);
    assert.ok(Math.abs(slopePerHour(line(1_765_000_000_000)) - 30) < 1e-6);
    assert.ok(Number.isNaN(slopePerHour([{ tMs: 0, value: 1 }])));
    assert.ok(
      Number.isNaN(
        slopePerHour([
          { tMs: 5, value: 1 },
          { tMs: 5, value: 2 },
        ]),
      ),
    );
  });

  it('keeps the second half of a run by time, not by count', () => {
    const points = [0, 1, 2, 10].map((t) => ({ tMs: t * minute, value: t }));
    assert.deepEqual(
      secondHalf(points).map((p) => p.value),
      [10],
    );
  });

  it('reads growth from the troughs: a flat live heap under garbage is flat, a leak is not', () => {
    const flat = growth(
      sawtooth(240, 15_000, () => 50),
      minute,
    );
    assert.equal(flat.start, 50);
    assert.equal(flat.end, 50);
    assert.equal(flat.perHour, 0);
    // 48 MiB an hour of live growth under the same garbage.
    const leak = growth(
      sawtooth(240, 15_000, (t) => 50 + (48 * t) / hour),
      minute,
    );
    assert.ok(Math.abs(leak.perHour - 48) < 1, `leak measured at ${leak.perHour} MiB/h`);
    // The raw samples' own slope would be off by the sawtooth; the troughs are not.
    assert.ok(leak.end > leak.start);
  });

  it('judges growth only on a run long enough, and only over the limit', () => {
    const g = { start: 50, end: 90, perHour: 80 };
    assert.deepEqual(judgeGrowth(g, 30 * minute, 64, 20 * minute), { judged: true, over: true });
    assert.deepEqual(judgeGrowth(g, 30 * minute, 96, 20 * minute), { judged: true, over: false });
    const short = judgeGrowth(g, 5 * minute, 64, 20 * minute);
    assert.equal(short.judged, false);
    assert.match(!short.judged ? short.why : '', /run of 5\.0 min, shorter than the 20 min/);
    const unknown = judgeGrowth({ ...g, perHour: Number.NaN }, hour, 64, 20 * minute);
    assert.deepEqual(unknown, { judged: false, why: 'too few samples' });
  });

  it('turns cumulative counts into a rate per interval', () => {
    const counts = [
      { tMs: 0, value: 0 },
      { tMs: 2000, value: 400 },
      { tMs: 2000, value: 500 }, // no time passed: no rate
      { tMs: 6000, value: 900 },
    ];
    assert.deepEqual(ratesPerSecond(counts), [
      { tMs: 2000, value: 200 },
      { tMs: 6000, value: 100 },
    ]);
  });
});
