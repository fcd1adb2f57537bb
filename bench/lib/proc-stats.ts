// CPU time and resident memory of other processes (the validators) from Linux's /proc, proc(5):
// utime and stime from /proc/PID/stat, kept apart because time in the kernel (syscalls, page
// faults, thread switches) was a fifth of four validators' CPU at light load on a two-vCPU VM;
// VmRSS, VmHWM and the resident set's parts (RssAnon: heap and other private memory; RssFile:
// mapped files such as code and LMDB's map; RssShmem) from /proc/PID/status. Elsewhere the
// figures come back as NaN rather than failing the benchmark.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** What one process used over a watched interval. */
export type ProcessUsage = {
  /** CPU time over wall time, in % of one core (a process busy on two cores shows 200). */
  readonly cpuPct: number;
  /** The part of cpuPct spent in the kernel (stime): syscalls, page faults, scheduling. */
  readonly systemPct: number;
  /** Largest resident set seen, in MiB. */
  readonly rssMaxMiB: number;
  /**
   * Largest RssAnon, RssFile and RssShmem seen, in MiB, each on its own: their peaks need not fall
   * on the same sample, so they may add up to more than rssMaxMiB. NaN where the kernel has no split.
   */
  readonly rssAnonMaxMiB: number;
  readonly rssFileMaxMiB: number;
  readonly rssShmemMaxMiB: number;
};

const statUtimeIndex = 11; // field 14 of proc(5), counted from field 3 (state), just after "(comm)"
const statStimeIndex = 12; // field 15
const sampleMsDefault = 500;

/** A process's CPU time in clock ticks: in user space and in the kernel. */
export type CpuTicks = { readonly user: number; readonly system: number };

/** User plus system CPU time of a process, in clock ticks, from the text of /proc/PID/stat. */
export function parseStatCpuTicks(text: string): number {
  const { user, system } = parseStatCpuSplit(text);
  return user + system;
}

/** User and system CPU time of a process, each in clock ticks, from the text of /proc/PID/stat. */
export function parseStatCpuSplit(text: string): CpuTicks {
  // comm may hold spaces and parentheses: the fields proper start after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new RangeError('proc stat: no ")" closing the command name');
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[statUtimeIndex]);
  const stime = Number(fields[statStimeIndex]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime))
    throw new RangeError(`proc stat: utime/stime not integers (${fields.length} fields)`);
  return { user: utime, system: stime };
}

/** Resident memory of a process from /proc/PID/status, in KiB. */
export type StatusMemoryKiB = {
  /** VmRSS: resident now. */
  readonly rssKiB: number;
  /** VmHWM: the resident peak. */
  readonly hwmKiB: number;
  /** RssAnon, RssFile, RssShmem: VmRSS's parts (Linux 4.5 on; NaN on older kernels). */
  readonly anonKiB: number;
  readonly fileKiB: number;
  readonly shmemKiB: number;
};

/** VmRSS and VmHWM (required) and VmRSS's parts, in KiB, from the text of /proc/PID/status. */
export function parseStatusMemoryKiB(text: string): StatusMemoryKiB {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match === null ? undefined : Number(match[1]);
  };
  const required = (name: string): number => {
    const kib = field(name);
    if (kib === undefined) throw new RangeError(`proc status: no ${name} line`);
    return kib;
  };
  const part = (name: string): number => field(name) ?? Number.NaN;
  return {
    rssKiB: required('VmRSS'),
    hwmKiB: required('VmHWM'),
    anonKiB: part('RssAnon'),
    fileKiB: part('RssFile'),
    shmemKiB: part('RssShmem'),
  };
}

/** CPU use in % of one core: `ticks` of CPU time over `wallMs` of wall time. */
export function cpuPercent(ticks: number, ticksPerSecond: number, wallMs: number): number {
  if (!(wallMs > 0)) throw new RangeError(`cpuPercent: wall time must be positive, got ${wallMs}`);
  if (!(ticksPerSecond > 0)) throw new RangeError('cpuPercent: ticks per second must be positive');
  return (100 * (ticks / ticksPerSecond)) / (wallMs / 1000);
}

let ticksPerSecondCached: number | undefined;

/** The kernel's USER_HZ, the unit of /proc/PID/stat times; 100 on every common Linux build. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecondCached === undefined) {
    let hz = 100;
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      // no getconf: keep Linux's usual value
    }
    ticksPerSecondCached = hz;
  }
  return ticksPerSecondCached;
}

const unreadableTicks: CpuTicks = Object.freeze({ user: Number.NaN, system: Number.NaN });

function readTicks(pid: number): CpuTicks {
  try {
    return parseStatCpuSplit(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return unreadableTicks; // gone, or not Linux
  }
}

const unreadable: StatusMemoryKiB = Object.freeze({
  rssKiB: Number.NaN,
  hwmKiB: Number.NaN,
  anonKiB: Number.NaN,
  fileKiB: Number.NaN,
  shmemKiB: Number.NaN,
});

function readMemoryKiB(pid: number): StatusMemoryKiB {
  try {
    return parseStatusMemoryKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return unreadable; // gone, or not Linux
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS, so the peak read later is this interval's. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export type ProcessWatch = { stop(): ProcessUsage[] };

/** The larger of two readings; a NaN (not read) loses to any number. */
const larger = (a: number, b: number) => (Number.isNaN(a) || b > a ? b : a);

/** The largest of each part of the resident set over the samples of one process. */
class MemoryPeaks {
  rssKiB = Number.NaN;
  anonKiB = Number.NaN;
  fileKiB = Number.NaN;
  shmemKiB = Number.NaN;

  add(m: StatusMemoryKiB): void {
    this.rssKiB = larger(this.rssKiB, m.rssKiB);
    this.anonKiB = larger(this.anonKiB, m.anonKiB);
    this.fileKiB = larger(this.fileKiB, m.fileKiB);
    this.shmemKiB = larger(this.shmemKiB, m.shmemKiB);
  }
}

/**
 * Starts watching `pids`: CPU time from now until stop(), and the largest resident set and its
 * parts, from samples every `sampleMs`. For the whole set, where the kernel lets us reset it, the
 * interval's VmHWM counts too (it also catches a peak between samples; the parts have no such mark).
 */
export function watchProcesses(
  pids: readonly number[],
  sampleMs: number = sampleMsDefault,
): ProcessWatch {
  const startedMs = performance.now();
  const ticksAtStart = pids.map(readTicks);
  const peakReset = pids.map(resetPeak);
  const peaks = pids.map(() => new MemoryPeaks());
  const sample = () => {
    pids.forEach((pid, i) => {
      peaks[i]!.add(readMemoryKiB(pid));
    });
  };
  sample();
  const timer = setInterval(sample, sampleMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const wallMs = performance.now() - startedMs;
      const hz = clockTicksPerSecond();
      return pids.map((pid, i) => {
        const now = readTicks(pid);
        const before = ticksAtStart[i]!;
        const system = now.system - before.system;
        const last = readMemoryKiB(pid);
        const peak = peaks[i]!;
        peak.add(last);
        const rssKiB = peakReset[i] ? larger(peak.rssKiB, last.hwmKiB) : peak.rssKiB;
        return {
          cpuPct: cpuPercent(now.user - before.user + system, hz, wallMs),
          systemPct: cpuPercent(system, hz, wallMs),
          rssMaxMiB: rssKiB / 1024,
          rssAnonMaxMiB: peak.anonKiB / 1024,
          rssFileMaxMiB: peak.fileKiB / 1024,
          rssShmemMaxMiB: peak.shmemKiB / 1024,
        };
      });
    },
  };
}
