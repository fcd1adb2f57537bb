// The soak's timeline: every few seconds, one sample of the whole run (load counters, the interval's
// finality latency, each validator's sampleNode reading and CPU since the last sample), taken on its
// own timer so samples keep coming while a check pauses the load. It also notices a validator
// process that has exited.
import { summarizeLatencies } from '../../bench/lib/percentiles.ts';
import { clockTicksPerSecond } from '../../bench/lib/proc-stats.ts';
import type { FaultNetwork } from '../faults/fault-network.ts';
import type { Sample } from './output.ts';
import type { RemittanceStream } from './remittances.ts';
import { sampleNode } from './sampler.ts';

export type TimelineOptions = {
  readonly fnet: FaultNetwork;
  readonly remits: RemittanceStream | undefined;
  readonly sampleMs: number;
  /** Finality latencies since the last sample: the timeline empties it at each sample. */
  readonly intervalLatencies: number[];
  /** After each sample (progress display). */
  readonly onSample: (samples: readonly Sample[]) => void;
  readonly onError: (message: string) => void;
};

export class Timeline {
  readonly samples: Sample[] = [];
  /** Set once a validator process is found gone: the soak ends with it. */
  exited: string | undefined;
  readonly #options: TimelineOptions;
  readonly #ticks = clockTicksPerSecond();
  readonly #startedMs = Date.now();
  readonly #finalAtStart: number;
  readonly #postedAtStart: number;
  #checking = false;
  #checkedSinceSample = false;
  #chain = Promise.resolve();
  readonly #timer: NodeJS.Timeout;

  /** Starts sampling now; counts from the load's counters as they stand (the setup is done). */
  constructor(options: TimelineOptions) {
    this.#options = options;
    this.#finalAtStart = options.fnet.load.acknowledged.final.size;
    this.#postedAtStart = options.fnet.load.counts.posted;
    // One sample at a time: a slow scrape delays the next rather than overlapping it.
    this.#timer = setInterval(() => {
      this.#chain = this.#chain
        .then(() => this.#take())
        .catch((error: unknown) =>
          options.onError(`sampling failed: ${error instanceof Error ? error.message : error}`),
        );
    }, options.sampleMs);
  }

  get elapsedMs(): number {
    return Date.now() - this.#startedMs;
  }

  /** Marks the load as paused for a check (samples in that interval say so). */
  set checking(on: boolean) {
    this.#checking = on;
    if (on) this.#checkedSinceSample = true;
  }

  /** Stops sampling and waits for a sample in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#chain;
  }

  async #take(): Promise<void> {
    const { fnet, remits } = this.#options;
    const tMs = this.elapsedMs;
    const paused = this.#checking || this.#checkedSinceSample;
    this.#checkedSinceSample = false;
    const nodes = await Promise.all(
      fnet.net.nodes.map((n) => sampleNode(n.apiUrl, n.process?.pid)),
    );
    const before = this.samples.at(-1);
    const latency = summarizeLatencies(this.#options.intervalLatencies.splice(0));
    this.samples.push({
      tMs,
      posted: fnet.load.counts.posted - this.#postedAtStart,
      final: fnet.load.acknowledged.final.size - this.#finalAtStart,
      remittances: remits?.counts.get('completed') ?? 0,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      checking: paused,
      nodes: nodes.map((n, i) => {
        const prior = before?.nodes[i];
        if (!n.up || prior?.up !== true || before === undefined) return n;
        const seconds = (tMs - before.tMs) / 1000;
        return { ...n, cpuPct: (100 * (n.cpuTicks - prior.cpuTicks)) / this.#ticks / seconds };
      }),
    });
    fnet.net.nodes.forEach((n, i) => {
      if (n.process === null && this.exited === undefined)
        this.exited = `validator ${i} exited during the soak (${n.lastExit ?? 'unknown'})`;
    });
    this.#options.onSample(this.samples);
  }
}
