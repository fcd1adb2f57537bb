// Where a process's garbage collection time goes over a measured run: the main thread's pauses, by
// kind, from node:perf_hooks' gc entries, and the CPU of every thread but the main one from
// /proc/self/task (V8's helpers do most of a parallel scavenge there, where no pause shows it;
// libuv's pool runs lmdb-js's commits). Elsewhere than Linux the thread figure is NaN.
import { readdirSync, readFileSync } from 'node:fs';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { clockTicksPerSecond, parseStatCpuTicks } from './proc-stats.ts';

export type GcUsage = {
  /** Main-thread pauses of young-generation collections (scavenges), ms. */
  readonly youngPauseMs: number;
  readonly youngCount: number;
  /** Main-thread pauses of full collections (mark-compact, its incremental steps), ms. */
  readonly fullPauseMs: number;
  readonly fullCount: number;
  /** CPU of all threads but the main one (GC helpers, libuv's pool, workers), ms; NaN off Linux. */
  readonly otherThreadsCpuMs: number;
};

export type GcWatch = { stop(): Promise<GcUsage> };

/**
 * Starts watching this process; stop() returns what happened since. Node hands over a collection's
 * entry after the collection, from the event loop, so stop() lets one turn pass first.
 */
export function watchGc(): GcWatch {
  let youngPauseMs = 0;
  let youngCount = 0;
  let fullPauseMs = 0;
  let fullCount = 0;
  const count = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        youngPauseMs += entry.duration;
        youngCount++;
      } else if (
        kind === constants.NODE_PERFORMANCE_GC_MAJOR ||
        kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL
      ) {
        fullPauseMs += entry.duration;
        fullCount++;
      }
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const othersStarted = otherThreadsCpuMs();
  return {
    async stop() {
      const othersMs = otherThreadsCpuMs() - othersStarted;
      await new Promise((resolve) => setImmediate(resolve));
      count(observer.takeRecords());
      observer.disconnect();
      return {
        youngPauseMs,
        youngCount,
        fullPauseMs,
        fullCount,
        otherThreadsCpuMs: othersMs,
      };
    },
  };
}

/** CPU time of this process's threads but the main one, ms, from /proc/self/task; NaN off Linux. */
function otherThreadsCpuMs(): number {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return Number.NaN;
  }
  let ticks = 0;
  for (const tid of tids) {
    if (tid === String(process.pid)) continue;
    try {
      ticks += parseStatCpuTicks(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
    } catch {
      // the thread ended between the listing and the read: its time is gone with it
    }
  }
  return (1000 * ticks) / clockTicksPerSecond();
}
