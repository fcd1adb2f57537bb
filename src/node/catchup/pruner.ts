// Pruning by setting (prune.keepBlocks, prune.keepStates): every pruneEveryBlocks executed blocks,
// drops blocks older than the last keepBlocks and state versions older than the last keepStates (by
// default as many as blocks), in the background and in steps of a bounded number of heights, so
// execution never waits long behind it; never below what a served snapshot needs.
import type { BlockStore } from '../../ledger/block-store.ts';
import type { StateTree } from '../../ledger/state/index.ts';
import { assert } from '../../util/assert.ts';
import type { CatchupLog } from './log.ts';
import type { PruneFloor } from './pins.ts';

/** How often (in executed blocks) the pruner runs. */
export const pruneEveryBlocks = 32;
/** Heights dropped per step; the loop yields between steps. */
export const pruneStepBlocks = 256;

export type PrunerOptions = {
  /** Blocks kept below the executed tip; 0 keeps every block. */
  readonly keepBlocks: number;
  /** State versions kept below the executed tip; 0 (the default) keeps as many as blocks. */
  readonly keepStates?: number;
  readonly everyBlocks?: number;
  readonly stepBlocks?: number;
};

export type PrunerDeps = {
  readonly blocks: BlockStore;
  readonly state: StateTree;
  /** What snapshots being served still need, if any. */
  readonly floor: () => PruneFloor | undefined;
  readonly log: CatchupLog;
  readonly onPruned?: (blocks: number) => void;
};

export class Pruner {
  readonly #keepBlocks: number;
  readonly #keepStates: number;
  readonly #everyBlocks: number;
  readonly #stepBlocks: number;
  readonly #deps: PrunerDeps;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: PrunerOptions, deps: PrunerDeps) {
    const { keepBlocks, keepStates = 0 } = options;
    const { everyBlocks = pruneEveryBlocks, stepBlocks = pruneStepBlocks } = options;
    assert(Number.isSafeInteger(keepBlocks) && keepBlocks >= 0, 'pruner: keepBlocks is a count');
    assert(Number.isSafeInteger(keepStates) && keepStates >= 0, 'pruner: keepStates is a count');
    // A state version is proven against the certificate of a block that certifies it: keeping
    // states longer than their blocks would keep what nobody can prove (the config refuses it).
    assert(keepBlocks === 0 || keepStates <= keepBlocks, 'pruner: states outlive their blocks');
    assert(everyBlocks > 0 && stepBlocks > 0, 'pruner: positive intervals');
    this.#keepBlocks = keepBlocks;
    this.#keepStates = keepStates === 0 ? keepBlocks : keepStates;
    this.#everyBlocks = everyBlocks;
    this.#stepBlocks = stepBlocks;
    this.#deps = deps;
  }

  /** Called after each executed block; starts a prune in the background when one is due. */
  onExecuted(height: number): void {
    if (this.#keepStates === 0 || this.#closed || this.#running !== undefined) return;
    if (height % this.#everyBlocks !== 0) return;
    this.#running = this.prune(height)
      .then(() => undefined)
      .catch((error: unknown) => this.#deps.log.error({ err: error, height }, 'prune failed'))
      .finally(() => {
        this.#running = undefined;
      });
  }

  /**
   * Prunes blocks below `executed - keepBlocks` and state below `executed - keepStates`, neither
   * below the floor; resolves with the blocks removed.
   */
  async prune(executed: number): Promise<number> {
    if (this.#keepStates === 0) return 0;
    const floor = this.#deps.floor();
    const blocksTarget = this.#keepBlocks === 0 ? 0 : executed - this.#keepBlocks;
    const stateTarget = executed - this.#keepStates;
    const blocksTo = Math.min(blocksTarget, floor?.blockHeight ?? blocksTarget);
    const stateTo = Math.min(stateTarget, floor?.stateHeight ?? stateTarget);
    const removed = blocksTo > 0 ? await this.#pruneBlocks(blocksTo) : 0;
    const oldest = this.#deps.state.oldestHeight;
    if (stateTo > 0) await this.#pruneState(stateTo);
    if (removed > 0 || this.#deps.state.oldestHeight !== oldest)
      this.#deps.log.info({ blocksBelow: blocksTo, stateBelow: stateTo, removed }, 'pruned');
    return removed;
  }

  /** Resolves once no prune runs. */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** Stops a prune in progress after its current step, and starts no more. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
  }

  async #pruneBlocks(keepFrom: number): Promise<number> {
    const { blocks } = this.#deps;
    let removed = 0;
    let base = blocks.baseHeight() ?? keepFrom;
    while (!this.#closed && base < keepFrom) {
      const next = Math.min(keepFrom, base + this.#stepBlocks);
      const result = await blocks.prune(next);
      assert(result.baseHeight === next, 'pruner: the base moves to the prune height');
      removed += result.blocksRemoved;
      this.#deps.onPruned?.(result.blocksRemoved);
      base = next;
      await yieldToLoop();
    }
    return removed;
  }

  async #pruneState(below: number): Promise<void> {
    const { state } = this.#deps;
    let oldest = state.oldestHeight ?? below;
    while (!this.#closed && oldest < below) {
      const next = Math.min(below, oldest + this.#stepBlocks);
      await state.prune(next);
      oldest = next;
      await yieldToLoop();
    }
  }
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
