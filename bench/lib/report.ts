// What a benchmark hands back: named figures with their unit, collected into bench/results/GROUP.json.

export type BenchResult = { name: string; value: number; unit: string };
export type Report = (name: string, value: number, unit: string) => void;

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
