// A four-validator network made for fault injection: the bank workload's keys in the genesis, an
// optional link proxy on every peer connection, the open-loop load and the checker, and a tally of
// the faults injected. Scenarios (crashes.ts, partitions.ts) drive it; run.ts and the tests start it.
import { BankWorkload, workloadId } from '../../src/cli/demo/bank-workload.ts';
import { type ByzantineBehaviour, byzantineEnvVar } from '../../src/node/byzantine/index.ts';
import type { ConsensusParams } from '../../src/node/genesis.ts';
import { TestNetwork } from '../e2e/harness.ts';
import type { Prng } from '../sim/lib/prng.ts';
import { Checker, workloadCurrencies } from './checker.ts';
import { createLoad, type Load, workloadExpiryMs } from './load.ts';
import { type LinkProxy, openLinkProxy } from './proxy.ts';

const fundingEach = 1_000_000_00n;
const currenciesDefault = [
  { code: 'HKD', decimals: 2 },
  { code: 'PHP', decimals: 2 },
] as const;
const drainTimeoutMs = 90_000;
/** Empty blocks every node executes after the pools drained, so nothing is left in the pipeline. */
const settleBlocks = 3;

export type FaultNetworkOptions = {
  readonly validators: number;
  /** Accounts per currency: the checker reads each on every node. */
  readonly accounts: number;
  readonly ratePerSec: number;
  readonly withProxy: boolean;
  /** See CheckerOptions.txGets. */
  readonly txGets: number | 'all';
  readonly prng: Prng;
  /** Makes transfer ids differ between runs (the seed serves). */
  readonly runId: number;
  /** The workload's currencies (default HKD and PHP, registered by the workload's issuer). */
  readonly currencies?: readonly { readonly code: string; readonly decimals: number }[];
  /** Consensus settings over the suite's own (round timeout 2 s, empty blocks every 200 ms). */
  readonly consensus?: Partial<ConsensusParams>;
  /** See LoadOptions.onFinality. */
  readonly onFinality?: (ms: number) => void;
  /** Top-level fields set in every node's config file before it starts (e.g. `prune`). */
  readonly nodeConfig?: Record<string, unknown>;
};

export type FaultKind =
  | 'kill'
  | 'kill_catching_up'
  | 'partition_minority'
  | 'partition_split'
  | 'delay'
  | 'byzantine';

export class FaultNetwork {
  readonly net: TestNetwork;
  readonly proxy: LinkProxy | undefined;
  readonly load: Load;
  readonly checker: Checker;
  readonly faults: Record<FaultKind, number> = {
    kill: 0,
    kill_catching_up: 0,
    partition_minority: 0,
    partition_split: 0,
    delay: 0,
    byzantine: 0,
  };
  /** Nodes this suite stopped on purpose; the load posts only to the others. */
  readonly down = new Set<number>();
  #loadRunning = false;

  private constructor(
    net: TestNetwork,
    proxy: LinkProxy | undefined,
    load: Load,
    checker: Checker,
  ) {
    this.net = net;
    this.proxy = proxy;
    this.load = load;
    this.checker = checker;
  }

  static async start(options: FaultNetworkOptions): Promise<FaultNetwork> {
    const currencies = options.currencies ?? currenciesDefault;
    const makeWorkload = (generation: number) =>
      new BankWorkload({
        chainId: 'tally-e2e',
        accounts: options.accounts,
        users: 16,
        fundingEach,
        currencies,
        seed: options.runId + generation,
        runId: (options.runId * 1000 + generation) >>> 0,
        expiresAtMs: Date.now() + workloadExpiryMs,
      });
    const workload = makeWorkload(0);
    const proxy = options.withProxy ? await openLinkProxy(options.validators) : undefined;
    const net = await TestNetwork.create(options.validators, {
      extraKeys: { orgIndex: 0, keys: [workload.issuer, ...workload.users] },
      consensus: { roundTimeoutMs: 2000, emptyBlockDelayMs: 200, ...options.consensus },
      ...(proxy === undefined ? {} : { peerAddress: (from, to) => proxy.address(from, to) }),
    });
    proxy?.setTargets(net.network.nodes.map((n) => n.config.p2p.port));
    const urls = net.nodes.map((n) => n.apiUrl);
    const key = net.clientKey(0);
    let self: FaultNetwork | undefined;
    const load = createLoad({
      urls,
      key,
      workload: (g) => (g === 0 ? workload : makeWorkload(g)),
      ratePerSec: options.ratePerSec,
      isUp: (i) => self?.down.has(i) !== true,
      ...(options.onFinality === undefined ? {} : { onFinality: options.onFinality }),
    });
    const checked = workloadCurrencies(
      workload,
      options.accounts,
      fundingEach,
      currencies.map((c) => c.code),
      (c) => workloadId(0x01, c + 1),
    );
    self = new FaultNetwork(net, proxy, load, new Checker(urls, key, checked, options));
    try {
      if (options.nodeConfig !== undefined)
        for (let i = 0; i < options.validators; i++) net.amendConfig(i, options.nodeConfig);
      net.startAll();
      await net.waitAllReady(90_000);
      await load.setup(120_000);
    } catch (error) {
      await self.close();
      throw error;
    }
    return self;
  }

  get urls(): string[] {
    return this.net.nodes.map((n) => n.apiUrl);
  }

  startLoad(): void {
    if (this.#loadRunning) return;
    this.#loadRunning = true;
    this.load.start();
  }

  async stopLoad(): Promise<void> {
    if (!this.#loadRunning) return;
    this.#loadRunning = false;
    await this.load.stop();
  }

  async kill(index: number, kind: 'kill' | 'kill_catching_up' = 'kill'): Promise<void> {
    this.down.add(index);
    this.faults[kind]++;
    await this.net.kill(index);
  }

  restart(index: number): void {
    this.net.start(index);
    this.down.delete(index);
  }

  /**
   * Restarts node `index` (SIGTERM, same data) as a Byzantine validator with these behaviours, or
   * as an honest one again with none. The environment switch is set for that one process only.
   */
  async setByzantine(
    index: number,
    behaviours: readonly ByzantineBehaviour[],
    floodFramesPerSecond?: number,
  ): Promise<void> {
    this.down.add(index);
    await this.net.stop(index);
    // An honest node gets no `testing` field: JSON leaves an undefined one out.
    const testing =
      behaviours.length > 0
        ? { byzantine: behaviours, ...(floodFramesPerSecond ? { floodFramesPerSecond } : {}) }
        : undefined;
    this.net.amendConfig(index, { testing });
    if (behaviours.length > 0) this.faults.byzantine++;
    process.env[byzantineEnvVar] = '1';
    try {
      this.net.start(index);
    } finally {
      delete process.env[byzantineEnvVar];
    }
    await this.net.waitReady(index, 90_000);
    this.down.delete(index);
  }

  /**
   * Pauses the load, lets every pool drain and every node execute a few blocks more, then runs the
   * checker (`full`: everything from height 1). The load resumes if it was running.
   */
  async check(full = false, log?: (line: string) => void): Promise<string[]> {
    const wasRunning = this.#loadRunning;
    await this.stopLoad();
    const found = await this.#quiesce();
    log?.('quiet; checking');
    found.push(...(await this.checker.check(this.load.acknowledged, full)));
    log?.(`checked to height ${this.checker.heightChecked}`);
    if (wasRunning) this.startLoad();
    return found;
  }

  async #quiesce(): Promise<string[]> {
    const deadline = Date.now() + drainTimeoutMs;
    let last: Status[] = [];
    while (Date.now() < deadline) {
      last = await Promise.all(this.urls.map(status));
      if (last.every((s) => s.mempoolTxs === 0)) {
        const target = Math.max(...last.map((s) => s.height)) + settleBlocks;
        while (Date.now() < deadline) {
          const now = await Promise.all(this.urls.map(status));
          if (now.every((s) => s.executedHeight >= target)) return [];
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return [
      `not quiet after ${drainTimeoutMs} ms: ${last.map((s) => `h${s.executedHeight}/pool ${s.mempoolTxs}`).join(', ')}`,
    ];
  }

  async close(): Promise<void> {
    await this.stopLoad();
    this.load.close();
    await this.net.close();
    await this.proxy?.close();
  }
}

type Status = { height: number; executedHeight: number; mempoolTxs: number };

async function status(url: string): Promise<Status> {
  try {
    const body = (await (await fetch(`${url}/v1/status`)).json()) as {
      height: number;
      executedHeight: number;
      mempool: { txs: number };
    };
    return {
      height: body.height,
      executedHeight: body.executedHeight,
      mempoolTxs: body.mempool.txs,
    };
  } catch {
    return { height: -1, executedHeight: -1, mempoolTxs: -1 };
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
