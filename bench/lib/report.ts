// What a benchmark hands back: named figures with their unit, collected into bench/results/GROUP.json.

export type BenchResult = { name: string; value: number; unit: string };
export type Report = (name: string, value: number, unit: string) => void;
/** Tells the harness where a long step is (shown beside its progress bar), e.g. 'building: 40%'. */
export type Progress = (detail: string) => void;
/** One labelled part of a group; the harness runs a group's steps in order. */
export type Step = { label: string; run: (report: Report, progress: Progress) => Promise<void> };

/** 1,234 for large figures, three significant digits for small ones. */
export function formatValue(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

/** Prints a group's figures as the bench does: a heading, then name, value and unit a line. */
export function printTable(group: string, results: readonly BenchResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length), 10);
  console.log(`\n${group}`);
  for (const r of results)
    console.log(`  ${r.name.padEnd(width)}  ${formatValue(r.value).padStart(14)}  ${r.unit}`);
}

/** The middle sample: on a shared machine a sample now and then loses the CPU, and a mean counts it. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: no samples');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `fn` repeatedly for at least `durationMs` and returns operations per second. */
export async function measureRate(
  fn: () => unknown,
  opsPerCall: number,
  durationMs: number,
): Promise<number> {
  const started = performance.now();
  let ops = 0;
  while (performance.now() - started < durationMs) {
    await fn();
    ops += opsPerCall;
  }
  return ops / ((performance.now() - started) / 1000);
}

/** Median of `samples` timings of `fn`, in microseconds, after a warm-up. */
export function medianMicros(fn: () => unknown, samples: number): number {
  for (let i = 0; i < Math.min(samples, 100); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
