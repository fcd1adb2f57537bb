// What a leader puts in its block: pending transactions not already in an uncommitted block, the
// time, and the roots of the newest state this node has executed (execution follows commit, so a
// header certifies state that was final before it was proposed).
import type { Action, Input, Payload } from '../consensus/index.ts';
import { merkleRoot } from '../crypto/merkle.ts';
import { blockBytesMax } from '../ledger/limits.ts';
import type { Transaction } from '../ledger/tx.ts';
import type { Mempool } from '../mempool/index.ts';
import { assert } from '../util/assert.ts';
import { toHex } from '../util/bytes.ts';
import type { ExecutedRoots } from './block-check.ts';

/** Room left in a block for its header, certificate and framing. */
const blockOverheadBytes = 64 * 1024;

export type PayloadDeps = {
  readonly mempool: Mempool;
  /** Height of the newest block this node has executed. */
  readonly executedHeight: () => number;
  /** The roots after executing `height` (a height this node has executed). */
  readonly rootsAt: (height: number) => ExecutedRoots | undefined;
  /** Resolves once execution reaches `height` or the wait times out (false). */
  readonly waitExecuted: (height: number, timeoutMs: number) => Promise<boolean>;
  /** Committed blocks waiting for execution on this node. */
  readonly executionBacklog: () => number;
  /** Resolves once the backlog is at most `blocksMax` (true) or after `timeoutMs` (false). */
  readonly waitBacklog: (blocksMax: number, timeoutMs: number) => Promise<boolean>;
  /** What executing one transaction has cost lately on this node (ms), once it has been measured. */
  readonly executionMsPerTx?: () => number | undefined;
  readonly now: () => number;
};

export type PayloadOptions = {
  readonly blockTxsMax: number;
  /** With nothing pending and nothing in flight, wait this long for a transaction before proposing. */
  readonly emptyBlockDelayMs: number;
  /**
   * Propose no sooner than this after the parent block's time unless a full block is waiting: under
   * a trickle of transactions, blocks of one or two cost every validator a block's fixed work each.
   */
  readonly blockIntervalMinMs?: number;
  /** Longest wait for execution to reach the parent's state height. */
  readonly executionWaitMs: number;
  /** A leader whose execution is further behind than this proposes an empty block (backpressure). */
  readonly executionBacklogMax: number;
  /**
   * How long executing one block may take: a leader fills its block only with as many transactions as
   * recent costs say fit, so that validators execute it well inside a round and never time out
   * waiting for state (costly transactions such as remittances get smaller blocks, transfers big ones).
   */
  readonly executionBudgetMs?: number;
};

/** How many recent transactions the execution cost averages over, roughly. */
export const executionCostHorizonTxs = 1000;

/** A block never shrinks below this many transactions, however costly they were. */
export const blockTxsMin = 16;

/**
 * The recent cost of executing one transaction: total time over total transactions, both decayed as
 * new blocks come so that about the last `executionCostHorizonTxs` transactions count. Every
 * transaction weighs the same, so a small block (whose cost is mostly fixed) moves the figure only
 * as much as it has transactions. An average of per-block figures instead let a node's first block,
 * one transaction with a cold start, set the cost for the next minute: the leader then packed blocks
 * of a few dozen, and small blocks moved the figure back only slowly.
 */
export class ExecutionCost {
  #ms = 0;
  #txs = 0;

  observe(executeMs: number, txs: number): void {
    if (txs === 0) return;
    // The transactions seen so far keep horizon / (horizon + n) of their weight.
    const keep = executionCostHorizonTxs / (executionCostHorizonTxs + txs);
    this.#ms = this.#ms * keep + executeMs;
    this.#txs = this.#txs * keep + txs;
  }

  get msPerTx(): number | undefined {
    return this.#txs === 0 ? undefined : this.#ms / this.#txs;
  }
}

type PayloadRequest = Extract<Action, { type: 'request-payload' }>;

/**
 * Transactions in blocks proposed but not committed yet, by id: a leader leaves them out, so one
 * transaction is not proposed twice while the pipeline carries it.
 */
export class InFlightTxs {
  readonly #heights = new Map<string, number>();

  add(txs: readonly Transaction[], height: number): void {
    for (const tx of txs) this.#heights.set(tx.idHex, height);
  }

  has(txId: Uint8Array): boolean {
    return this.#heights.has(toHex(txId));
  }

  /**
   * May a block at `height` not carry this transaction? Only when a block below that height carries
   * it: that one may be an ancestor. A block at `height` or above is a rival, never an ancestor, and
   * one that will never commit (its votes went to a leader that is down) would otherwise hold the
   * transaction back from every block built on the winning branch until that height executes, and
   * its proposer puts it in flight again at each turn.
   */
  holdsBack(tx: Transaction, height: number): boolean {
    const at = this.#heights.get(tx.idHex);
    return at !== undefined && at < height;
  }

  get size(): number {
    return this.#heights.size;
  }

  /** Forgets every block at or below a committed height: it committed, or lost to the one that did. */
  settle(committedHeight: number): void {
    for (const [id, height] of this.#heights)
      if (height <= committedHeight) this.#heights.delete(id);
  }
}

export class PayloadBuilder {
  readonly #options: PayloadOptions;
  readonly #deps: PayloadDeps;
  readonly inFlight = new InFlightTxs();

  constructor(options: PayloadOptions, deps: PayloadDeps) {
    assert(options.blockTxsMax > 0, 'payload: blockTxsMax is positive');
    this.#options = options;
    this.#deps = deps;
  }

  async build(request: PayloadRequest): Promise<Input & { type: 'payload' }> {
    const parent = request.parent;
    if (this.#deps.executedHeight() < parent.stateHeight)
      await this.#deps.waitExecuted(parent.stateHeight, this.#options.executionWaitMs);
    await this.#gather(parent.timeMs);
    // Consensus must not run ahead of execution: the leader waits for its executor (which paces
    // block production), and if that takes too long proposes an empty block. Under overload the
    // mempool fills and refuses new transactions (mempool_full, HTTP 503) instead of blocks queueing
    // up unexecuted.
    const { executionBacklogMax, executionWaitMs } = this.#options;
    if (this.#deps.executionBacklog() > executionBacklogMax)
      await this.#deps.waitBacklog(executionBacklogMax, executionWaitMs);
    const backlogged = this.#deps.executionBacklog() > executionBacklogMax;
    const txs = backlogged
      ? []
      : this.#deps.mempool.reap(this.txLimit(), blockBytesMax - blockOverheadBytes, {
          skip: (tx) => this.inFlight.holdsBack(tx, request.height),
        });
    this.inFlight.add(txs, request.height);
    const state = this.#stateFor(request);
    const payload: Payload = {
      txs: txs.map((t) => t.bytes),
      txRoot: merkleRoot(txs.map((t) => t.id)),
      txCount: txs.length,
      timeMs: Math.max(parent.timeMs, this.#deps.now()),
      stateHeight: state.height,
      stateRoot: state.stateRoot,
      resultsRoot: state.resultsRoot,
    };
    return { type: 'payload', epoch: request.epoch, round: request.round, payload };
  }

  /** How many transactions the next block may carry: blockTxsMax, or fewer when they cost more. */
  txLimit(): number {
    const { blockTxsMax, executionBudgetMs } = this.#options;
    const msPerTx = this.#deps.executionMsPerTx?.();
    if (executionBudgetMs === undefined || msPerTx === undefined || msPerTx <= 0)
      return blockTxsMax;
    const fits = Math.floor(executionBudgetMs / msPerTx);
    return Math.max(Math.min(blockTxsMin, blockTxsMax), Math.min(blockTxsMax, fits));
  }

  /**
   * The state the header certifies. Validators committed the block three below this one when they
   * took the parent's proposal (2-chain commit), and have had a round to execute it: certifying
   * anything newer would make them wait for execution before they can vote. Never below the
   * parent's state height, which a lagging executor must not move back.
   */
  #stateFor(request: PayloadRequest): { height: number } & ExecutedRoots {
    const parent = request.parent;
    const target = Math.min(this.#deps.executedHeight(), Math.max(0, request.height - 3));
    const height = Math.max(target, parent.stateHeight);
    const roots = this.#deps.rootsAt(height);
    if (roots !== undefined) return { height, ...roots };
    return {
      height: parent.stateHeight,
      stateRoot: parent.stateRoot,
      resultsRoot: parent.resultsRoot,
    };
  }

  /**
   * Gives the block time to fill: until blockIntervalMinMs after its parent's time unless a full
   * block is already pending, then, with nothing pending or in flight at all, until a transaction
   * comes or emptyBlockDelayMs has passed. The waits overlap: the second counts from the start.
   */
  async #gather(parentTimeMs: number): Promise<void> {
    const { blockIntervalMinMs = 0, emptyBlockDelayMs } = this.#options;
    const mempool = this.#deps.mempool;
    const start = this.#deps.now();
    // The parent's proposer may keep a clock ahead of this one's: the wait never exceeds the setting.
    const intervalLeft = Math.min(blockIntervalMinMs, parentTimeMs + blockIntervalMinMs - start);
    if (intervalLeft > 0) {
      const full = this.txLimit();
      await this.#waitFor(() => mempool.size() >= full, intervalLeft);
    }
    if (mempool.size() === 0 && this.inFlight.size === 0)
      await this.#waitFor(() => mempool.size() > 0, emptyBlockDelayMs - (this.#deps.now() - start));
  }

  /** Resolves once `ready()` holds after an admission, or after `timeoutMs`. */
  #waitFor(ready: () => boolean, timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0 || ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const unsubscribe = this.#deps.mempool.onAdmitted(() => {
        if (ready()) done();
      });
    });
  }
}
