// Node processes: how the CLI launches `tally node start` as a child (same Node binary and loader
// flags as this process), pid files, liveness, and stopping (SIGTERM, then SIGKILL after a timeout).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TallyError } from '../../util/errors.ts';
import type { NetworkNode } from './network.ts';
import { keyPassphraseEnv } from './node-config.ts';

/** How long `down` and `npm start` wait after SIGTERM before they SIGKILL. */
export const stopTimeoutMsDefault = 10_000;
export const pollIntervalMs = 100;

const tallyBin = fileURLToPath(new URL('../../../bin/tally.mjs', import.meta.url));

/**
 * V8's old-generation limit for a node process, MiB. Left to itself on a large machine V8 lets
 * garbage pile up to gigabytes before it collects; one validator taking 2,000 transfers a second
 * kept about 200 MiB live, grew to 680 MiB anonymous memory uncapped and stayed near 350 MiB with a
 * 384 MiB cap at the same throughput. TALLY_NODE_HEAP_MIB overrides it; 0 leaves V8's default.
 */
export const nodeHeapMiBDefault = 512;

/**
 * V8's semi-space size for a node process, MiB (0: V8's default, 16 on 64-bit). A block of 1,000
 * transfers allocates about 45 MB and keeps most of it until the block is written, so with 16 MiB
 * semi-spaces a scavenge ran two or three times a block and copied the block's live objects each
 * time, and garbage-collection threads took as much CPU again as the main thread spent in GC. On
 * two cores, 64 MiB took CPU per final transfer from 372-417 to 297-310 us with one validator and
 * from 1,521-1,792 to 1,432-1,446 us with four, at 100-120 MiB more resident memory each (four)
 * or none (one, whose old generation grew less). TALLY_NODE_SEMI_SPACE_MIB overrides it.
 */
export const nodeSemiSpaceMiBDefault = 64;

type HeapFlag = { readonly env: string; readonly flag: string; readonly mibDefault: number };
const heapFlagsKnown: readonly HeapFlag[] = [
  { env: 'TALLY_NODE_HEAP_MIB', flag: '--max-old-space-size', mibDefault: nodeHeapMiBDefault },
  {
    env: 'TALLY_NODE_SEMI_SPACE_MIB',
    flag: '--max-semi-space-size',
    mibDefault: nodeSemiSpaceMiBDefault,
  },
];

/** The flags that size a node process's heap, but for those the caller already passes. */
export function nodeHeapFlags(inherited: readonly string[]): string[] {
  const flags: string[] = [];
  for (const { env, flag, mibDefault } of heapFlagsKnown) {
    if (inherited.some((given) => given.startsWith(flag))) continue;
    const text = process.env[env];
    const mib = text === undefined || text === '' ? mibDefault : Number(text);
    if (!Number.isSafeInteger(mib) || mib < 0)
      throw new TallyError('config_invalid', `${env}: expected whole MiB, got ${text}`);
    if (mib > 0) flags.push(`${flag}=${mib}`);
  }
  return flags;
}

/** The argv that runs `tally node start` for a node, under the loader flags this process has. */
export function nodeStartArgs(configPath: string): string[] {
  // A debugger flag would make every child fight for the same inspector port.
  const flags = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  return [
    ...flags,
    ...nodeHeapFlags(flags),
    tallyBin,
    'node',
    'start',
    '--config',
    resolve(configPath),
  ];
}

export function readPid(pidPath: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidPath, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePid(pidPath: string, pid: number): void {
  writeFileSync(pidPath, `${pid}\n`);
}

export function removePid(pidPath: string): void {
  rmSync(pidPath, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** An exited process that nobody has reaped yet (an orphan under a PID 1 that does not reap). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * True when `pid` runs this node: a pid file can outlive its process and the pid be reused, and we
 * must not signal a stranger. Where /proc is missing we can only trust the pid file.
 */
function runsNode(pid: number, configPath: string): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return process.platform !== 'linux' && isAlive(pid);
  }
  return cmdline.split('\0').includes(resolve(configPath));
}

/** The pid of the node's running process, from its pid file; undefined when it is not running. */
export function runningPid(node: NetworkNode): number | undefined {
  const pid = readPid(node.pidPath);
  if (pid === undefined || !isAlive(pid) || !runsNode(pid, node.configPath)) return undefined;
  return pid;
}

// Per-node overrides that `tally node start` reads: meant for one node, they would give every node
// of a network the same port or folder.
const perNodeEnv = ['TALLY_API_PORT', 'TALLY_API_HOST', 'TALLY_DATA_DIR'];

/** The environment a node starts with: ours, less per-node overrides; a config's passphraseFile wins. */
export function nodeEnv(node: NetworkNode): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of perNodeEnv) delete env[name];
  if (node.config.passphraseFile !== undefined) delete env[keyPassphraseEnv];
  return env;
}

/** Starts a node in the background: it outlives this process and writes to its node.log. */
export function spawnDetached(node: NetworkNode): ChildProcess {
  const log = openSync(node.logPath, 'a');
  try {
    const child = spawn(process.execPath, nodeStartArgs(node.configPath), {
      detached: true,
      env: nodeEnv(node),
      stdio: ['ignore', log, log],
    });
    if (child.pid !== undefined) writePid(node.pidPath, child.pid);
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

/** Starts a node as a child of this process, its output piped to us (for `npm start`). */
export function spawnAttached(node: NetworkNode): ChildProcess {
  const child = spawn(process.execPath, nodeStartArgs(node.configPath), {
    env: nodeEnv(node),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) writePid(node.pidPath, child.pid);
  return child;
}

export type StopResult = { readonly stopped: number[]; readonly killed: number[] };

async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter(isAlive);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(pollIntervalMs);
    left = left.filter(isAlive);
  }
  return left;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: nothing to stop.
  }
}

/** SIGTERM to every pid; after `timeoutMs` SIGKILL to whoever is left. Resolves once all are gone. */
export async function stopProcesses(
  pids: readonly number[],
  timeoutMs: number,
): Promise<StopResult> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const stragglers = await waitGone(pids, timeoutMs);
  for (const pid of stragglers) signal(pid, 'SIGKILL');
  await waitGone(stragglers, timeoutMs);
  return { stopped: pids.filter((p) => !stragglers.includes(p)), killed: stragglers };
}
