// Latency percentiles by the nearest-rank method (the smallest sample with at least p of all samples
// at or below it), so every figure reported is a latency some transaction really saw.

export type LatencySummary = {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
};

/** Nearest-rank percentile of ascending `sorted`, 0 < p <= 1; NaN when there are no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile: p must be in (0, 1], got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  // The tolerance keeps p * n from landing one rank high through rounding (0.07 * 100 = 7.000...01).
  const rank = Math.max(1, Math.ceil(p * sorted.length - 1e-9));
  return sorted[rank - 1]!;
}

/** p50, p90, p99 and max of `samples` (any order; not modified). */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}
