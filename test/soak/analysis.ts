// The soak run's arithmetic over its samples: a garbage-collected heap's live size read from the
// troughs of its sampled size, the growth rate of a series over the run's settled part, and the
// verdict on growth. Pure functions, tested on their own (analysis.test.ts).

export type Point = { readonly tMs: number; readonly value: number };

const msPerHour = 3_600_000;

/**
 * The lowest point in each consecutive window of `windowMs`, counted from the first point. A heap
 * sampled at random moments between collections reads high; its troughs follow what is live.
 */
export function windowMinima(points: readonly Point[], windowMs: number): Point[] {
  if (!(windowMs > 0))
    throw new RangeError(`windowMinima: window must be positive, got ${windowMs}`);
  const out: Point[] = [];
  if (points.length === 0) return out;
  const startMs = points[0]!.tMs;
  let window = -1;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const w = Math.floor((p.tMs - startMs) / windowMs);
    if (w !== window) {
      out.push(p);
      window = w;
    } else if (p.value < out[out.length - 1]!.value) out[out.length - 1] = p;
  }
  return out;
}

/** The least-squares slope of value over time, per hour; NaN with fewer than two distinct times. */
export function slopePerHour(points: readonly Point[]): number {
  const finite = points.filter((p) => Number.isFinite(p.value));
  const n = finite.length;
  if (n < 2) return Number.NaN;
  // Times relative to the first point keep the sums small enough for doubles.
  const t0 = finite[0]!.tMs;
  let st = 0;
  let sv = 0;
  for (const p of finite) {
    st += p.tMs - t0;
    sv += p.value;
  }
  const meanT = st / n;
  const meanV = sv / n;
  let num = 0;
  let den = 0;
  for (const p of finite) {
    const dt = p.tMs - t0 - meanT;
    num += dt * (p.value - meanV);
    den += dt * dt;
  }
  return den === 0 ? Number.NaN : (num / den) * msPerHour;
}

/** The points from the middle of the run on: caches and the heap have filled by then. */
export function secondHalf(points: readonly Point[]): Point[] {
  if (points.length === 0) return [];
  const from = (points[0]!.tMs + points[points.length - 1]!.tMs) / 2;
  return points.filter((p) => p.tMs >= from);
}

export type Growth = {
  /** The series' first and last trough values. */
  readonly start: number;
  readonly end: number;
  /** Growth per hour over the second half of the run, from its troughs (NaN if too few). */
  readonly perHour: number;
};

/** How a sampled series grew: troughs per `windowMs`, and the slope of the second half's troughs. */
export function growth(points: readonly Point[], windowMs: number): Growth {
  const troughs = windowMinima(points, windowMs);
  if (troughs.length === 0) return { start: Number.NaN, end: Number.NaN, perHour: Number.NaN };
  return {
    start: troughs[0]!.value,
    end: troughs[troughs.length - 1]!.value,
    perHour: slopePerHour(secondHalf(troughs)),
  };
}

export type GrowthVerdict =
  | { readonly judged: false; readonly why: string }
  | { readonly judged: true; readonly over: boolean };

/**
 * Whether a live heap grew faster than `maxPerHour` over the run's second half. A run shorter than
 * `minRunMs` is not judged: bounded caches are still filling, and that growth is not a leak.
 */
export function judgeGrowth(
  g: Growth,
  runMs: number,
  maxPerHour: number,
  minRunMs: number,
): GrowthVerdict {
  if (runMs < minRunMs)
    return {
      judged: false,
      why: `run of ${(runMs / 60_000).toFixed(1)} min, shorter than the ${(minRunMs / 60_000).toFixed(0)} min a verdict needs`,
    };
  if (!Number.isFinite(g.perHour)) return { judged: false, why: 'too few samples' };
  return { judged: true, over: g.perHour > maxPerHour };
}

/** Events per second between consecutive cumulative counts (one value per interval). */
export function ratesPerSecond(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const seconds = (b.tMs - a.tMs) / 1000;
    if (seconds > 0) out.push({ tMs: b.tMs, value: (b.value - a.value) / seconds });
  }
  return out;
}
