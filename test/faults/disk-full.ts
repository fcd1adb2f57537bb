// Disk scenario: one validator's data folder moves onto a small tmpfs; under load a filler file takes
// the free space down into the node's reserve until the node stops by itself; the other validators
// must go on finalising; then the filler goes, the node restarts from the same folder and must catch
// up. The checker runs after.
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { heightOf } from '../e2e/harness.ts';
import { fill, mountTmpfs, type Tmpfs } from '../storage/tmpfs.ts';
import { type FaultNetwork, sleep } from './fault-network.ts';

/** The exit code a node stops with when its disk is full (src/node/fatal.ts, README). */
export const exitCodeDiskFull = 75;
export const tmpfsBytesDefault = 64 * 1024 * 1024;
/**
 * The victim's `storage.reserveBytes`. The filler leaves half of it free: far more than a commit of
 * this load writes, so the node's reserve meets the full disk, never LMDB's page writer (see
 * src/storage/store.ts for why that matters).
 */
export const reserveBytes = 16 * 1024 * 1024;
const stopTimeoutMs = 180_000;
const refillEveryMs = 250;
/** Blocks the other validators must finalise after the victim stopped. */
const blocksAfterStop = 5;
const progressTimeoutMs = 60_000;
const catchUpTimeoutMs = 180_000;

export type DiskFullStop = {
  /** How the node's process ended: an exit code, or the signal that ended it. */
  readonly exit: string | null;
  /** The node's log lines at level fatal (pino level 60), parsed. */
  readonly fatalLines: readonly Record<string, unknown>[];
  readonly dataDir: string;
  /** Bytes the filler took. */
  readonly filledBytes: number;
  /** The other validators' lowest executed height when the node stopped, and a while later. */
  readonly othersHeightAtStop: number;
  readonly othersHeightAfter: number;
};

export type DiskFullResume = {
  /** The node's executed height once caught up, and the height the others had reached then. */
  readonly height: number;
  readonly othersHeight: number;
};

/** One validator's data folder on a tmpfs of its own; `close` unmounts it (stop the node first). */
export class DiskTrouble {
  readonly fnet: FaultNetwork;
  readonly victim: number;
  readonly tmpfs: Tmpfs;
  readonly dataDir: string;
  readonly #filler: string;

  private constructor(fnet: FaultNetwork, victim: number, tmpfs: Tmpfs, dataDir: string) {
    this.fnet = fnet;
    this.victim = victim;
    this.tmpfs = tmpfs;
    this.dataDir = dataDir;
    this.#filler = join(dataDir, 'filler');
  }

  /**
   * Stops node `victim` (SIGTERM), moves its data folder onto a fresh tmpfs mounted at the same
   * path (as an operator would move it to another disk), and starts it again from there.
   */
  static async mount(fnet: FaultNetwork, victim: number): Promise<DiskTrouble> {
    const dataDir = fnet.net.network.nodes[victim]!.config.dataDir;
    fnet.down.add(victim);
    await fnet.net.stop(victim);
    // Room for the data a long fault run has gathered, plus the reserve and as much again to run on.
    const sizeBytes = Math.max(tmpfsBytesDefault, folderBytes(dataDir) + 2 * reserveBytes);
    fnet.net.amendConfig(victim, { storage: { reserveBytes } });
    const aside = `${dataDir}.moving`;
    renameSync(dataDir, aside);
    mkdirSync(dataDir);
    let tmpfs: Tmpfs;
    try {
      tmpfs = mountTmpfs(sizeBytes, dataDir);
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      renameSync(aside, dataDir);
      throw error;
    }
    cpSync(aside, dataDir, { recursive: true });
    rmSync(aside, { recursive: true, force: true });
    const trouble = new DiskTrouble(fnet, victim, tmpfs, dataDir);
    fnet.restart(victim);
    await fnet.net.waitReady(victim, 90_000);
    return trouble;
  }

  /** Fills the tmpfs, and keeps taking what frees up, until the node stops by itself. */
  async fillUntilStopped(log?: (line: string) => void): Promise<DiskFullStop> {
    const { fnet, victim } = this;
    const node = fnet.net.nodes[victim]!;
    const others = fnet.urls.filter((_, i) => i !== victim);
    let filledBytes = 0;
    const deadline = Date.now() + stopTimeoutMs;
    while (node.process !== null) {
      if (Date.now() > deadline)
        throw new Error(`node ${victim} still runs ${stopTimeoutMs} ms after its disk filled`);
      filledBytes += fill(this.#filler, reserveBytes / 2);
      await sleep(refillEveryMs);
    }
    fnet.down.add(victim);
    log?.(`node ${victim} stopped (${node.lastExit}) after the filler took ${filledBytes} bytes`);
    const othersHeightAtStop = Math.min(...(await Promise.all(others.map(heightOf))));
    const othersHeightAfter = await waitOthers(others, othersHeightAtStop + blocksAfterStop);
    return {
      exit: node.lastExit,
      fatalLines: fatalLines(fnet.net.logOf(victim)),
      dataDir: this.dataDir,
      filledBytes,
      othersHeightAtStop,
      othersHeightAfter,
    };
  }

  /** Removes the filler, starts the node from the same folder and waits until it caught up. */
  async resume(log?: (line: string) => void): Promise<DiskFullResume> {
    const { fnet, victim } = this;
    rmSync(this.#filler, { force: true });
    fnet.restart(victim);
    await fnet.net.waitReady(victim, 90_000);
    const others = fnet.urls.filter((_, i) => i !== victim);
    const target = Math.min(...(await Promise.all(others.map(heightOf))));
    const url = fnet.urls[victim]!;
    const deadline = Date.now() + catchUpTimeoutMs;
    let height = -1;
    while (Date.now() < deadline) {
      height = await heightOf(url).catch(() => -1);
      if (height >= target) break;
      await sleep(250);
    }
    if (height < target)
      throw new Error(`node ${victim} at height ${height}, below ${target}, after catching up`);
    log?.(`node ${victim} resumed and caught up to height ${height}`);
    return { height, othersHeight: target };
  }

  /** Unmounts the tmpfs; the node must be stopped (the folder's files go with it). */
  close(): void {
    this.tmpfs.close();
  }
}

/** The bytes of the files under `dir` (LMDB's files are not sparse: they take what they say). */
function folderBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += folderBytes(path);
    else if (entry.isFile()) bytes += statSync(path).size;
  }
  return bytes;
}

async function waitOthers(urls: readonly string[], height: number): Promise<number> {
  const deadline = Date.now() + progressTimeoutMs;
  let lowest = -1;
  while (Date.now() < deadline) {
    lowest = Math.min(...(await Promise.all(urls.map((u) => heightOf(u).catch(() => -1)))));
    if (lowest >= height) return lowest;
    await sleep(250);
  }
  throw new Error(`the other validators stalled at height ${lowest}, below ${height}`);
}

function fatalLines(log: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const text of log.split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (line.level === 60) lines.push(line);
    } catch {
      // lmdb-js prints its own errors on stderr, which shares the log file
    }
  }
  return lines;
}

export type DiskFullOutcome = {
  /** The node stopped by itself with exit code 75 and one `disk full` line; the others went on. */
  readonly stops: boolean;
  /** It restarted from the same folder once space returned and caught up. */
  readonly resumed: boolean;
  readonly exit: string | null;
  readonly filledBytes: number;
  readonly caughtUpToHeight: number;
};

/** The whole scenario for `npm run test:faults -- --disk`, on validator `victim`, under load. */
export async function runDiskFull(
  fnet: FaultNetwork,
  victim: number,
  log?: (line: string) => void,
): Promise<{ outcome: DiskFullOutcome; violations: string[] }> {
  const trouble = await DiskTrouble.mount(fnet, victim);
  const violations: string[] = [];
  try {
    fnet.startLoad();
    const stop = await trouble.fillUntilStopped(log);
    const line = stop.fatalLines[0];
    const stops =
      stop.exit === String(exitCodeDiskFull) &&
      stop.fatalLines.length === 1 &&
      line?.code === 'disk_full' &&
      String(line.msg).startsWith(`disk full: ${stop.dataDir}: free space needed`) &&
      stop.othersHeightAfter > stop.othersHeightAtStop;
    if (!stops)
      violations.push(
        `disk full: node ${victim} ended ${stop.exit} with ${stop.fatalLines.length} fatal line(s): ${JSON.stringify(line?.msg)}`,
      );
    const resumed = await trouble.resume(log).then(
      (r) => r.height,
      (error: unknown) => {
        violations.push(`disk full: node ${victim} did not resume: ${String(error)}`);
        return -1;
      },
    );
    return {
      outcome: {
        stops,
        resumed: resumed >= 0,
        exit: stop.exit,
        filledBytes: stop.filledBytes,
        caughtUpToHeight: resumed,
      },
      violations,
    };
  } finally {
    // The folder must leave the tmpfs before it is unmounted: the node goes on from its old place.
    await moveBack(trouble);
  }
}

/** Stops the node, copies its folder off the tmpfs, unmounts it, and starts the node again. */
async function moveBack(trouble: DiskTrouble): Promise<void> {
  const { fnet, victim, dataDir } = trouble;
  fnet.down.add(victim);
  await fnet.net.stop(victim);
  rmSync(join(dataDir, 'filler'), { force: true });
  const aside = `${dataDir}.moving`;
  cpSync(dataDir, aside, { recursive: true });
  trouble.close();
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(aside, dataDir);
  fnet.restart(victim);
  await fnet.net.waitReady(victim, 90_000);
}
