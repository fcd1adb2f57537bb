// CPU time and resident memory of other processes (the validators) from Linux's /proc, proc(5):
// utime + stime from /proc/PID/stat, VmRSS and VmHWM from /proc/PID/status. Elsewhere the figures
// come back as NaN rather than failing the benchmark.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** What one process used over a watched interval. */
export type ProcessUsage = {
  /** CPU time over wall time, in % of one core (a process busy on two cores shows 200). */
  readonly cpuPct: number;
  /** Largest resident set seen, in MiB. */
  readonly rssMaxMiB: number;
};

const statUtimeIndex = 11; // field 14 of proc(5), counted from field 3 (state), just after "(comm)"
const statStimeIndex = 12; // field 15
const sampleMsDefault = 500;

/** User plus system CPU time of a process, in clock ticks, from the text of /proc/PID/stat. */
export function parseStatCpuTicks(text: string): number {
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
  return utime + stime;
}

/** VmRSS (resident now) and VmHWM (resident peak) in KiB, from the text of /proc/PID/status. */
export function parseStatusMemoryKiB(text: string): { rssKiB: number; hwmKiB: number } {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (match === null) throw new RangeError(`proc status: no ${name} line`);
    return Number(match[1]);
  };
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
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

function readTicks(pid: number): number {
  try {
    return parseStatCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN; // gone, or not Linux
  }
}

function readMemoryKiB(pid: number): { rssKiB: number; hwmKiB: number } {
  try {
    return parseStatusMemoryKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return { rssKiB: Number.NaN, hwmKiB: Number.NaN };
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

/**
 * Starts watching `pids`: CPU time from now until stop(), and the largest resident set, from VmRSS
 * samples every `sampleMs` and, where the kernel lets us reset it, the interval's VmHWM.
 */
export function watchProcesses(
  pids: readonly number[],
  sampleMs: number = sampleMsDefault,
): ProcessWatch {
  const startedMs = performance.now();
  const ticksAtStart = pids.map(readTicks);
  const peakReset = pids.map(resetPeak);
  const rssMaxKiB = pids.map((pid) => readMemoryKiB(pid).rssKiB);
  const sample = () => {
    pids.forEach((pid, i) => {
      const { rssKiB } = readMemoryKiB(pid);
      if (rssKiB > rssMaxKiB[i]! || Number.isNaN(rssMaxKiB[i]!)) rssMaxKiB[i] = rssKiB;
    });
  };
  const timer = setInterval(sample, sampleMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const wallMs = performance.now() - startedMs;
      const hz = clockTicksPerSecond();
      return pids.map((pid, i) => {
        const ticks = readTicks(pid) - ticksAtStart[i]!;
        const { rssKiB, hwmKiB } = readMemoryKiB(pid);
        const peaks = [rssMaxKiB[i]!, rssKiB, peakReset[i] ? hwmKiB : Number.NaN];
        const known = peaks.filter((k) => !Number.isNaN(k));
        return {
          cpuPct: cpuPercent(ticks, hz, wallMs),
          rssMaxMiB: known.length === 0 ? Number.NaN : Math.max(...known) / 1024,
        };
      });
    },
  };
}
