// A real consortium for end-to-end tests: `tally network init` into a temp folder on free loopback
// ports, then one `tally node start` process per node, which tests stop with SIGTERM or kill -9.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initNetwork } from '../../src/cli/network/init.ts';
import { loadNetwork, type Network } from '../../src/cli/network/network.ts';
import { planNetwork } from '../../src/cli/network/plan.ts';
import { nodeHeapFlags } from '../../src/cli/network/processes.ts';
import { loadKeyFile } from '../../src/crypto/keyfile.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import {
  type ConsensusParams,
  genesisToJson,
  loadGenesis,
  parseGenesis,
} from '../../src/node/genesis.ts';
import { toHex } from '../../src/util/bytes.ts';
import { findFreePortRun } from '../support/ports.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const cliPath = join(repoRoot, 'bin/tally.mjs');

export type NetworkOptions = {
  /** More keys to register (submit role) to the organisation at `orgIndex`, e.g. a workload's users. */
  readonly extraKeys?: { readonly orgIndex: number; readonly keys: readonly KeyPair[] };
  readonly consensus?: Partial<ConsensusParams>;
  /**
   * Where node `from` dials node `to` (indexes in genesis order), written into `from`'s own copy of
   * the genesis: a test puts a proxy it controls on each link. Nodes still listen on their own ports.
   */
  readonly peerAddress?: (from: number, to: number) => { host: string; port: number };
};

/** Rewrites the genesis and every node's copy of it, before any node has started. */
function amendGenesis(dir: string, options: NetworkOptions): void {
  const genesis = loadGenesis(join(dir, 'genesis.json'));
  const json = genesisToJson(genesis) as Record<string, unknown>;
  const extra = options.extraKeys;
  if (extra !== undefined) {
    const orgId = genesis.organizations[extra.orgIndex]!.id;
    json.keys = [
      ...(json.keys as unknown[]),
      ...extra.keys.map((k, i) => ({
        orgId,
        name: `workload-${i}`,
        suite: k.suite,
        publicKey: toHex(k.publicKey),
        roles: ['submit', 'read'],
      })),
    ];
  }
  json.consensus = { ...genesis.consensus, ...options.consensus };
  parseGenesis(json); // fail here, not in four node processes
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(join(dir, 'genesis.json'), text);
  genesis.nodes.forEach((n, from) => {
    const peerAddress = options.peerAddress;
    const own =
      peerAddress === undefined
        ? text
        : `${JSON.stringify(
            {
              ...json,
              nodes: (json.nodes as Record<string, unknown>[]).map((node, to) =>
                to === from ? node : { ...node, p2p: peerAddress(from, to) },
              ),
            },
            null,
            2,
          )}\n`;
    writeFileSync(join(dir, 'nodes', n.nodeId, 'genesis.json'), own);
  });
}

export type TestNode = {
  readonly nodeId: string;
  readonly apiUrl: string;
  process: ChildProcess | null;
  /** How the last process of this node ended: an exit code, or the signal that ended it. */
  lastExit: string | null;
  /** True while the harness is stopping or killing it: an exit then is no news. */
  stopping: boolean;
};

export class TestNetwork {
  readonly network: Network;
  readonly nodes: TestNode[];
  readonly #dir: string;
  /** Nodes whose process ended without the harness asking, and how (told at close). */
  readonly #unasked: string[] = [];

  private constructor(dir: string, network: Network) {
    this.#dir = dir;
    this.network = network;
    this.nodes = network.nodes.map((n) => ({
      nodeId: n.nodeId,
      apiUrl: n.apiUrl,
      process: null,
      lastExit: null,
      stopping: false,
    }));
  }

  static async create(orgs = 4, options: NetworkOptions = {}): Promise<TestNetwork> {
    const dir = mkdtempSync(join(tmpdir(), 'tally-e2e-'));
    // One run for both, so the API and peer ports can never overlap.
    const apiPort = await findFreePortRun(orgs * 2);
    const p2pPort = apiPort + orgs;
    const plan = planNetwork({
      orgs,
      observers: 0,
      chainId: 'tally-e2e',
      host: '127.0.0.1',
      apiPort,
      p2pPort,
    });
    initNetwork(plan, { dir, scryptN: 1024 });
    if (
      options.extraKeys !== undefined ||
      options.consensus !== undefined ||
      options.peerAddress !== undefined
    )
      amendGenesis(dir, options);
    return new TestNetwork(dir, loadNetwork(dir));
  }

  get genesis() {
    return this.network.genesis;
  }

  /** The API client key of an organisation (index in the genesis order). */
  clientKey(orgIndex: number): KeyPair {
    const client = this.network.clients[orgIndex]!;
    const passphrase = readFileSync(client.passphraseFile!, 'utf8').trim();
    return loadKeyFile(client.keyFile, passphrase);
  }

  start(index: number): void {
    const node = this.nodes[index]!;
    if (node.process !== null) throw new Error(`${node.nodeId} is already running`);
    const n = this.network.nodes[index]!;
    const log = createWriteStream(join(this.#dir, `${n.nodeId}.log`), { flags: 'a' });
    // TALLY_E2E_NODE_FLAGS passes Node flags to every node process (e.g. --cpu-prof for profiling).
    const flags = process.env.TALLY_E2E_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(
      process.execPath,
      // The heap cap `tally network up` and `npm start` give their nodes.
      [...flags, ...nodeHeapFlags(flags), cliPath, 'node', 'start', '--config', n.configPath],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TALLY_LOG_LEVEL: process.env.TALLY_E2E_LOG_LEVEL ?? 'info' },
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.once('exit', (code, signal) => {
      if (node.process === child) node.process = null;
      node.lastExit = signal ?? String(code);
      if (!node.stopping) this.#unasked.push(`${node.nodeId} (${node.lastExit})`);
    });
    node.process = child;
    node.lastExit = null;
  }

  startAll(): void {
    for (let i = 0; i < this.nodes.length; i++) this.start(i);
  }

  /** kill -9: no chance to flush or close anything. */
  async kill(index: number): Promise<void> {
    await this.#stop(index, 'SIGKILL');
  }

  async stop(index: number): Promise<number | null> {
    return this.#stop(index, 'SIGTERM');
  }

  async #stop(index: number, signal: NodeJS.Signals): Promise<number | null> {
    const node = this.nodes[index]!;
    const child = node.process;
    if (child === null) return null;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    node.stopping = true;
    child.kill(signal);
    const code = await exited;
    node.stopping = false;
    node.process = null;
    return code;
  }

  async close(): Promise<void> {
    // TALLY_E2E_GRACEFUL=1 stops nodes with SIGTERM, so that --cpu-prof (TALLY_E2E_NODE_FLAGS) can
    // write its profile; by default they are killed, which is faster.
    const graceful = process.env.TALLY_E2E_GRACEFUL === '1';
    await Promise.all(this.nodes.map((_, i) => (graceful ? this.stop(i) : this.kill(i))));
    // A node that exited by itself is the first thing to know when a test or bench then failed
    // with a refused connection; its log goes with the folder unless TALLY_E2E_KEEP=1.
    if (this.#unasked.length > 0)
      console.error(
        `network ${this.#dir}: exited without being stopped: ${this.#unasked.join(', ')}`,
      );
    // TALLY_E2E_KEEP=1 keeps the network folder (logs, data) for a post-mortem.
    if (process.env.TALLY_E2E_KEEP === '1') console.error(`kept ${this.#dir}`);
    else rmSync(this.#dir, { recursive: true, force: true });
  }

  /**
   * Waits until the node answers /ready. A node process that exits first fails the wait at once,
   * with the end of its log, rather than after the whole timeout with only "fetch failed".
   */
  async waitReady(index: number, timeoutMs = 60_000): Promise<void> {
    const node = this.nodes[index]!;
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      if (node.process === null) {
        const tail = this.logOf(index).split('\n').slice(-15).join('\n');
        throw new Error(`${node.nodeId} exited (${node.lastExit}) before it was ready:\n${tail}`);
      }
      try {
        if ((await fetch(`${node.apiUrl}/ready`)).status === 200) return;
      } catch (error) {
        last = error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const tail = this.logOf(index).split('\n').slice(-15).join('\n');
    throw new Error(`${node.nodeId} not ready after ${timeoutMs} ms (${String(last)}):\n${tail}`);
  }

  async waitAllReady(timeoutMs = 60_000): Promise<void> {
    await Promise.all(this.nodes.map((_, i) => this.waitReady(i, timeoutMs)));
  }

  logOf(index: number): string {
    return readFileSync(join(this.#dir, `${this.nodes[index]!.nodeId}.log`), 'utf8');
  }

  /** Sets top-level fields of node `index`'s config file; it takes them at its next start. */
  amendConfig(index: number, patch: Record<string, unknown>): void {
    const path = this.network.nodes[index]!.configPath;
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, `${JSON.stringify({ ...doc, ...patch }, null, 2)}\n`);
  }

  /** Deletes a stopped node's data folder: it starts again as a new node would. */
  wipe(index: number): void {
    if (this.nodes[index]!.process !== null)
      throw new Error(`${this.nodes[index]!.nodeId} is running`);
    rmSync(this.network.nodes[index]!.config.dataDir, { recursive: true, force: true });
  }
}

export async function getJson(
  url: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls until `check` returns a value, or fails with the last error after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}

/** A metric's value in a node's Prometheus text (its first series); 0 when it is not there. */
export async function metric(apiUrl: string, name: string): Promise<number> {
  return (await metricValues(apiUrl, [name]))[0]!;
}

/** The first sample of each named metric in one scrape of /metrics, in order (0 when absent). */
export async function metricValues(apiUrl: string, names: readonly string[]): Promise<number[]> {
  const lines = (await (await fetch(`${apiUrl}/metrics`)).text()).split('\n');
  return names.map((name) => {
    const line = lines.find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  });
}

export async function heightOf(apiUrl: string): Promise<number> {
  const { body } = await getJson(`${apiUrl}/v1/status`);
  return body.executedHeight as number;
}

export async function waitHeight(
  apiUrl: string,
  height: number,
  timeoutMs = 30_000,
): Promise<number> {
  return eventually(
    async () => {
      const h = await heightOf(apiUrl);
      return h >= height ? h : undefined;
    },
    timeoutMs,
    `${apiUrl} to reach height ${height}`,
  );
}
