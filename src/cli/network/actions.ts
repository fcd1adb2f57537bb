// What `tally network init/up/down` do, shared with `tally start`: each prints its progress and
// throws a TallyError whose message says what to do next.
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Genesis } from '../../node/genesis.ts';
import { TallyError } from '../../util/errors.ts';
import { countInitSteps, hasNetwork, initNetwork, removeNetwork } from './init.ts';
import { createLogPrefix, formatLogLine } from './log-format.ts';
import { loadNetwork, type Network, type NetworkNode } from './network.ts';
import { keyPassphraseEnv } from './node-config.ts';
import { readKeyPassphrase, readScryptN } from './options.ts';
import type { NetworkPlan } from './plan.ts';
import { waitReady } from './probe.ts';
import { removePid, runningPid, spawnDetached, stopProcesses } from './processes.ts';

function createBar(format: string, total: number): SingleBar {
  // cli-progress draws only on a terminal; piped output (tests, CI) stays free of control codes.
  const bar = new SingleBar({ format, stream: process.stderr, hideCursor: true });
  bar.start(total, 0, { step: '' });
  return bar;
}

/**
 * Refuses early when this build has no `tally node start` (the nodes would all exit at once with
 * "unknown command"): `command` is any command of the program.
 */
export function requireNodeStart(command: Command): void {
  let root = command;
  while (root.parent !== null) root = root.parent;
  const node = root.commands.find((c) => c.name() === 'node');
  if (node?.commands.some((c) => c.name() === 'start') !== true) {
    throw new TallyError(
      'node_unavailable',
      "this build of tally has no 'tally node start' command, so it cannot run nodes yet; update tally.",
    );
  }
}

/** The nodes of a network that run now (from their pid files), with their pids. */
export function runningNodes(network: Network): { node: NetworkNode; pid: number }[] {
  return network.nodes.flatMap((node) => {
    const pid = runningPid(node);
    return pid === undefined ? [] : [{ node, pid }];
  });
}

/** Refuses while any node of the network in `dir` runs; a damaged network counts as stopped. */
export function refuseWhileRunning(dir: string): void {
  let network: Network;
  try {
    network = loadNetwork(dir);
  } catch {
    return; // a partial or damaged network has no nodes we could have started
  }
  const running = runningNodes(network);
  if (running.length > 0) {
    throw new TallyError(
      'network_running',
      `${running.map((r) => r.node.nodeId).join(', ')} still running from ${dir}: stop them with 'tally network down --dir ${dir}' first.`,
    );
  }
}

export type InitNetworkOptions = { readonly dir: string; readonly force: boolean };

/** Creates a network in `dir` (replacing one only with `force`), with a progress bar. */
export function initWithProgress(plan: NetworkPlan, options: InitNetworkOptions): Genesis {
  const { dir } = options;
  if (options.force && hasNetwork(dir)) {
    refuseWhileRunning(dir);
    removeNetwork(dir);
  }
  const scryptN = readScryptN();
  const passphrase = readKeyPassphrase();
  const bar = createBar('generating keys [{bar}] {value}/{total} {step}', countInitSteps(plan));
  try {
    return initNetwork(plan, {
      dir,
      ...(scryptN === undefined ? {} : { scryptN }),
      ...(passphrase === undefined ? {} : { passphrase }),
      onStep: (step) => bar.increment({ step }),
    });
  } finally {
    bar.stop();
  }
}

export function printInitSummary(network: Network, usedPassphraseEnv: boolean): void {
  console.log(`network ${network.genesis.chainId} written to ${network.dir}`);
  for (const node of network.nodes)
    console.log(
      `  ${node.nodeId.padEnd(24)} ${node.kind.padEnd(9)} api ${node.apiUrl}  p2p ${node.config.p2p.host}:${node.config.p2p.port}`,
    );
  console.log(
    `organisation CA keys and API client keys: ${network.dir}/orgs (keep them off the nodes)`,
  );
  console.log(
    usedPassphraseEnv
      ? `key files are encrypted with ${keyPassphraseEnv}: set it wherever a node starts`
      : `key passphrases: orgs/<org>/passphrase and nodes/<node>/passphrase (demo only)`,
  );
}

/** Refuses to start nodes whose key passphrase would be missing (they would exit at once). */
export function checkPassphrases(network: Network): void {
  const needEnv = network.nodes.filter((n) => n.config.passphraseFile === undefined);
  if (needEnv.length > 0 && readKeyPassphrase() === undefined) {
    throw new TallyError(
      'passphrase_missing',
      `${needEnv.map((n) => n.nodeId).join(', ')} read their key passphrase from ${keyPassphraseEnv}: set it and try again.`,
    );
  }
}

/** Starts every node that is not running yet in the background; waits until all are ready. */
export async function upNetwork(dir: string, readyTimeoutMs: number): Promise<Network> {
  const network = loadNetwork(dir);
  checkPassphrases(network);
  const running = new Set(runningNodes(network).map((r) => r.node.nodeId));
  const exited = new Map<string, NetworkNode>();
  for (const node of network.nodes) {
    if (running.has(node.nodeId)) {
      console.log(`${node.nodeId} already running`);
      continue;
    }
    spawnDetached(node).on('exit', () => exited.set(node.nodeId, node));
  }
  const bar = createBar('starting nodes [{bar}] {value}/{total} ready', network.nodes.length);
  try {
    await waitReady(network.nodes, {
      timeoutMs: readyTimeoutMs,
      onReady: () => bar.increment(),
      exitedNode: () => exited.values().next().value,
    });
  } catch (error) {
    bar.stop();
    throw explainUpFailure(error, network, exited);
  }
  bar.stop();
  return network;
}

const logTailLines = 5;

/** Adds what an operator needs after a failed `up`: the end of the failed node's log, how to clean up. */
function explainUpFailure(
  error: unknown,
  network: Network,
  exited: ReadonlyMap<string, NetworkNode>,
): unknown {
  if (!(error instanceof TallyError)) return error;
  for (const node of exited.values()) {
    const tail = readLogTail(node.logPath, logTailLines);
    const prefix = createLogPrefix(node.nodeId, 0, false);
    for (const line of tail) console.error(formatLogLine(prefix, line));
  }
  return new TallyError(
    error.code,
    `${error.message} Nodes that started keep running: 'tally network down --dir ${network.dir}' stops them.`,
    { details: error.details, cause: error },
  );
}

function readLogTail(path: string, count: number): string[] {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-count);
  } catch {
    return [];
  }
}

export function printApiUrls(network: Network): void {
  for (const node of network.nodes) console.log(`  ${node.nodeId.padEnd(24)} ${node.apiUrl}`);
  const first = network.nodes[0];
  if (first !== undefined)
    console.log(`API docs (OpenAPI): ${first.apiUrl}/docs   metrics: ${first.apiUrl}/metrics`);
}

/** Stops every running node of the folder: SIGTERM, then SIGKILL after `timeoutMs`. */
export async function downNetwork(dir: string, timeoutMs: number): Promise<void> {
  const network = loadNetwork(dir);
  const running = runningNodes(network);
  if (running.length === 0) console.log('no node of this network is running');
  const result = await stopProcesses(
    running.map((r) => r.pid),
    timeoutMs,
  );
  for (const { node, pid } of running)
    console.log(
      `${node.nodeId} ${result.killed.includes(pid) ? 'killed (did not stop in time)' : 'stopped'}`,
    );
  for (const node of network.nodes) removePid(node.pidPath);
}
