// Bloom filters over the ids of transactions a block store added, for the replay checks that run
// before execution: admission asks twice per transaction and the block check once whether its id
// is committed, and nearly every answer is no. Each no cost a walk of LMDB's transaction index, a
// B-tree that gains a key per transfer (about 2.6% of four validators' CPU at 975 transfers/s,
// perf); a probe here costs a few array reads. A "maybe" still goes to LMDB, so a false positive
// costs only the lookup the caller made before.
//
// Why a no is exact: a block may only carry a transaction that expires at most txExpiryWindowMs
// after the block's time (the block check refuses others), so a transaction expiring at E can only
// have been committed by a block timed at or after E - txExpiryWindowMs. The filter holds every id
// of every block added since the store was opened, and knows from which block time on it has all
// of them (covers): blocks from before it was opened are no later than the first it added, since
// block times never go back.
import { assert } from '../util/assert.ts';

/** Bits per generation: 1 MiB each. */
const generationBitsLog2 = 23;
const generationMask = (1 << generationBitsLog2) - 1;
/** Ids per generation: about 2% false positives at this many with four probes. */
export const generationIdsMax = 1_000_000;
/** Probes per id, each 23 bits of the id (a SHA-256 digest, so uniform). */
const probes = 4;

/** The ids of blocks timed firstTimeMs to lastTimeMs (blocks without ids leave no trace). */
type Generation = {
  readonly bits: Uint32Array;
  ids: number;
  readonly firstTimeMs: number;
  lastTimeMs: number;
};

export type RecentTxFilterOptions = {
  /** A generation takes blocks for at most this long (their times), then the next one starts. */
  readonly generationSpanMs: number;
  /** Generations whose last block is older than the newest block by more than this are dropped. */
  readonly retainMs: number;
};

export class RecentTxFilter {
  readonly #options: RecentTxFilterOptions;
  /** Oldest first. */
  readonly #generations: Generation[] = [];
  /** Every id of every block timed at or after this is in the filter; undefined before a block. */
  #coveredFromMs: number | undefined;
  #lastBlockTimeMs = Number.NEGATIVE_INFINITY;

  constructor(options: RecentTxFilterOptions) {
    assert(options.generationSpanMs > 0, 'recent tx filter: generation span');
    assert(options.retainMs >= options.generationSpanMs, 'recent tx filter: retention');
    this.#options = options;
  }

  /**
   * Adds the ids of the next block, timed `blockTimeMs` (block times never go back); `first` says
   * that no block came before it (the chain's first block, in an empty store).
   */
  addBlock(blockTimeMs: number, ids: readonly Uint8Array[], first = false): void {
    if (blockTimeMs < this.#lastBlockTimeMs) {
      // The block check refuses such a block; one that got here anyway (a chain built without block
      // checks) breaks the reasoning above, so from now on the filter vouches for nothing.
      this.#coveredFromMs = Number.POSITIVE_INFINITY;
      return;
    }
    this.#lastBlockTimeMs = blockTimeMs;
    // Blocks from before the filter existed are timed no later than this one: the ids it can vouch
    // for start just after it (this block's own ids are added, but so might an earlier block's at
    // the same millisecond have been). After a restart it so answers nothing for one expiry window.
    this.#coveredFromMs ??= first ? Number.NEGATIVE_INFINITY : blockTimeMs + 1;
    let current = this.#generations.at(-1);
    for (const id of ids) {
      if (
        current === undefined ||
        current.ids >= generationIdsMax ||
        blockTimeMs - current.firstTimeMs >= this.#options.generationSpanMs
      )
        current = this.#open(blockTimeMs);
      current.lastTimeMs = blockTimeMs;
      current.ids++;
      setBits(current.bits, id);
    }
    this.#dropOlderThan(blockTimeMs - this.#options.retainMs);
  }

  /** Whether every id of every block timed at or after `sinceMs` is in the filter. */
  covers(sinceMs: number): boolean {
    return this.#coveredFromMs !== undefined && sinceMs >= this.#coveredFromMs;
  }

  /** False when no block this filter holds carried `id`; true when one may have. */
  mayContain(id: Uint8Array): boolean {
    if (id.length < probes * 4) return true;
    for (let g = this.#generations.length - 1; g >= 0; g--)
      if (hasBits(this.#generations[g]!.bits, id)) return true;
    return false;
  }

  /** Memory held by the bit arrays (for tests). */
  get bytes(): number {
    return (this.#generations.length * (1 << generationBitsLog2)) / 8;
  }

  #open(blockTimeMs: number): Generation {
    const generation: Generation = {
      bits: new Uint32Array(1 << (generationBitsLog2 - 5)),
      ids: 0,
      firstTimeMs: blockTimeMs,
      lastTimeMs: blockTimeMs,
    };
    this.#generations.push(generation);
    return generation;
  }

  #dropOlderThan(cutoffMs: number): void {
    while (this.#generations.length > 1 && this.#generations[0]!.lastTimeMs < cutoffMs) {
      const dropped = this.#generations.shift()!;
      // Its ids are gone, and a later generation may start at its last millisecond.
      this.#coveredFromMs = Math.max(this.#coveredFromMs ?? -Infinity, dropped.lastTimeMs + 1);
    }
  }
}

/** The `p`-th probe of an id: 23 bits of its `p`-th little-endian 32-bit word. */
function probe(id: Uint8Array, p: number): number {
  const at = p * 4;
  return (
    (id[at]! | (id[at + 1]! << 8) | (id[at + 2]! << 16) | (id[at + 3]! << 24)) & generationMask
  );
}

function setBits(bits: Uint32Array, id: Uint8Array): void {
  assert(id.length >= probes * 4, 'recent tx filter: a transaction id has 32 bytes');
  for (let p = 0; p < probes; p++) {
    const bit = probe(id, p);
    bits[bit >>> 5]! |= 1 << (bit & 31);
  }
}

function hasBits(bits: Uint32Array, id: Uint8Array): boolean {
  for (let p = 0; p < probes; p++) {
    const bit = probe(id, p);
    if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
  }
  return true;
}
