// How many pending transactions a node accepts from its clients: a few seconds of what it commits.
// Past saturation a longer queue only adds latency, and admitting work the network cannot execute
// takes CPU from the blocks: four validators sharing two cores offered 125% of their capacity
// finalised 500 to 650 transfers/s with a 20,000-transaction pool and about 800 with a 3,000 one
// (`TALLY_BENCH_MEMPOOL_TXS`, bench/network.ts). Clients past the limit get mempool_full (HTTP 503
// with Retry-After). Peers' gossip is held to the pool's own cap only: a transaction one node took
// from its client is carried by the others.
import { assert } from '../util/assert.ts';

/** The queue clients may build: this many seconds of the recent commit rate. */
export const admissionBacklogSeconds = 4;
/** The commit rate is measured over this much recent time. */
export const admissionRateWindowMs = 10_000;

export type AdmissionLimitOptions = {
  /** Never below this (an idle or starting node): a couple of full blocks. */
  readonly floorTxs: number;
  /** Never above this: the pool's own cap (config mempool.txsMax). */
  readonly ceilingTxs: number;
};

export class AdmissionLimit {
  readonly #options: AdmissionLimitOptions;
  /** Executed blocks in the window: when, and how many transactions each committed. */
  readonly #recent: { atMs: number; txs: number }[] = [];
  #windowTxs = 0;

  constructor(options: AdmissionLimitOptions) {
    assert(
      Number.isSafeInteger(options.floorTxs) && options.floorTxs > 0,
      'admission: floorTxs is a positive integer',
    );
    assert(options.ceilingTxs >= options.floorTxs, 'admission: the ceiling is above the floor');
    this.#options = options;
  }

  /** A block this node executed at `atMs` committed `txs` transactions. */
  observe(txs: number, atMs: number): void {
    this.#recent.push({ atMs, txs });
    this.#windowTxs += txs;
    this.#expire(atMs);
  }

  /** Transactions committed per second over the window ending at `nowMs`. */
  rate(nowMs: number): number {
    this.#expire(nowMs);
    return (this.#windowTxs * 1000) / admissionRateWindowMs;
  }

  /** Pending transactions at most, for a client submission at `nowMs`. */
  limit(nowMs: number): number {
    const { floorTxs, ceilingTxs } = this.#options;
    const backlog = Math.round(this.rate(nowMs) * admissionBacklogSeconds);
    return Math.min(ceilingTxs, Math.max(floorTxs, backlog));
  }

  #expire(nowMs: number): void {
    const from = nowMs - admissionRateWindowMs;
    while (this.#recent.length > 0 && this.#recent[0]!.atMs <= from) {
      this.#windowTxs -= this.#recent.shift()!.txs;
    }
  }
}
