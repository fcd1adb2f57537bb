// Heights a snapshot being served to a peer still needs: its state version, and the blocks from the
// store's base (the restoring peer fetches the replay window's transaction ids from them). The pruner
// stays above the lowest pin; a pin lapses when its peer has asked for nothing for a while.
import { assert } from '../../util/assert.ts';

/** A snapshot pin lapses this long after its last offer or chunk request. */
export const snapshotPinIdleMs = 60_000;
/** Distinct snapshot heights pinned at once; an older pin gives way to a newer one past this. */
export const snapshotPinsMax = 8;

export type PruneFloor = {
  /** Blocks at and above this height must stay. */
  readonly blockHeight: number;
  /** The state version at this height, and those above it, must stay. */
  readonly stateHeight: number;
};

type Pin = { readonly blocksFrom: number; touchedMs: number };

export class SnapshotPins {
  readonly #now: () => number;
  readonly #pins = new Map<number, Pin>();

  constructor(deps: { readonly now: () => number }) {
    this.#now = deps.now;
  }

  /** Keeps the state at `height` and the blocks from `blocksFrom` while the snapshot is served. */
  pin(height: number, blocksFrom: number): void {
    assert(blocksFrom <= height, 'snapshot pin: the replay blocks lie below the snapshot');
    const held = this.#pins.get(height);
    if (held !== undefined) {
      held.touchedMs = this.#now();
      return;
    }
    if (this.#pins.size >= snapshotPinsMax) this.#dropOldest();
    this.#pins.set(height, { blocksFrom, touchedMs: this.#now() });
    assert(this.#pins.size <= snapshotPinsMax, 'snapshot pins: bounded');
  }

  /** The lowest heights a pin needs, or undefined when nothing is pinned. */
  floor(): PruneFloor | undefined {
    this.#expire();
    let floor: PruneFloor | undefined;
    for (const [height, pin] of this.#pins) {
      floor = {
        blockHeight: Math.min(floor?.blockHeight ?? pin.blocksFrom, pin.blocksFrom),
        stateHeight: Math.min(floor?.stateHeight ?? height, height),
      };
    }
    return floor;
  }

  #expire(): void {
    const now = this.#now();
    for (const [height, pin] of this.#pins)
      if (now - pin.touchedMs > snapshotPinIdleMs) this.#pins.delete(height);
  }

  #dropOldest(): void {
    let oldest: number | undefined;
    for (const [height, pin] of this.#pins)
      if (oldest === undefined || pin.touchedMs < this.#pins.get(oldest)!.touchedMs)
        oldest = height;
    if (oldest !== undefined) this.#pins.delete(oldest);
  }
}
