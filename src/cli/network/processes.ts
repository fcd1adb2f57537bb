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

/** The flag that caps a node process's heap, unless the caller already passes one. */
export function nodeHeapFlags(inherited: readonly string[]): string[] {
  if (inherited.some((flag) => flag.startsWith('--max-old-space-size'))) return [];
  const env = process.env.TALLY_NODE_HEAP_MIB;
  const mib = env === undefined || env === '' ? nodeHeapMiBDefault : Number(env);
  if (!Number.isSafeInteger(mib) || mib < 0)
    throw new TallyError('config_invalid', `TALLY_NODE_HEAP_MIB: expected whole MiB, got ${env}`);
  return mib === 0 ? [] : [`--max-old-space-size=${mib}`];
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
