// The execution pipeline: committed blocks are executed and made durable strictly in height order,
// behind the consensus loop. Listeners (mempool cleanup, the API's event stream, metrics) hear of a
// block only once it is on disk, so nothing reported final can be lost by a crash.
//
// A block executes as soon as the one before it is staged, while LMDB still writes that one
// (BlockExecutor.commit), so a backlog (catching up, a burst) keeps both the main thread and the
// writer busy. Two cases wait for the block before to be durable first: a block that ends an epoch
// (the next validator set is recorded with it), and, where epochs are decided, a block whose header
// certifies a state this node has not yet written (the decision reads it from what is on record).
import type { CommitAction } from '../consensus/index.ts';
import { merkleRoot } from '../crypto/merkle.ts';
import type { BlockExecutor, CommittedBlock } from '../execution/block-executor.ts';
import type { Block } from '../ledger/block.ts';
import type { QuorumCertificate } from '../ledger/certificate.ts';
import type { EpochProof } from '../ledger/epoch-store.ts';
import { hashReceipt } from '../ledger/receipt.ts';
import type { Transaction } from '../ledger/tx.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import { hashValidatorSet } from '../ledger/validator-set.ts';
import { bytesEqual } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { ExecutedRoots } from './block-check.ts';
import type { Epochs } from './epochs.ts';

/** Roots of recent heights kept in memory for checking proposals' state roots. */
const rootsCachedMax = 4096;
/**
 * A block executes in slices of this many milliseconds, the node answering its peers between them.
 * Executed in one go, a block of remittances held each of four validators on two cores for about
 * 170 ms, and the vote, the certificate and the next proposal all waited behind it: each block's
 * interval was its execution plus the consensus round trip after it. In slices the rounds go on while
 * blocks execute (a leader still waits when more than one committed block is unexecuted). Near
 * capacity this keeps blocks small: at 400 remittances/s, five alternated runs each, finality p50
 * was 350-545 ms at 8.7-11.4 blocks/s in slices, and 308-2,506 ms (median 950) at 1.8-11.3 in one go,
 * where a backlog, once formed, grew the blocks and stayed. It adds no CPU: past capacity both fall
 * behind alike.
 */
export const executeSliceMs = 10;

export type ExecutedListener = (committed: CommittedBlock, block: Block, executeMs: number) => void;

export type CommitPipelineDeps = {
  readonly executor: BlockExecutor;
  /** The block's transactions if already decoded (when it was checked), else undefined. */
  readonly decoded: (block: Block) => readonly Transaction[] | undefined;
  /**
   * A failure to execute a committed block, or to store it (a full disk): the node must stop.
   * Called once; the blocks queued after it are dropped.
   */
  readonly onFatal: (error: unknown) => void;
  /**
   * Decides which executed block ends an epoch, and records the next set with it. Without it (tests
   * of execution alone) the validator set never changes.
   */
  readonly epochs?: Epochs;
};

/** The set after a block that ends its epoch, and the proof of the hand-over for light clients. */
type NextEpoch = { readonly set: ValidatorSet; readonly proof: EpochProof | undefined };

/** What consensus said of a block's epoch: null for no change; undefined when it did not say. */
type Announced = ValidatorSet | null | undefined;

export class CommitPipeline {
  readonly #deps: CommitPipelineDeps;
  readonly #listeners = new Set<ExecutedListener>();
  readonly #roots = new Map<number, ExecutedRoots>();
  readonly #waiters = new Set<{ height: number; resolve: (ok: boolean) => void }>();
  /** Blocks staged in height order: each link resolves once its block may be built on. */
  #staging: Promise<void> = Promise.resolve();
  /** Blocks reported (listeners told) in height order, each once durable. */
  #reporting: Promise<void> = Promise.resolve();
  /** Resolves once the last queued block is reported (or the pipeline has failed). */
  #chain: Promise<void> = Promise.resolve();
  /** The last block staged, until a later one is: its successor's parent, maybe not yet written. */
  #lastStaged: Block | undefined;
  #queued = 0;
  /** The last height whose listeners were told, and the highest height queued. */
  #reportedHeight: number;
  #queuedHeightMax: number;
  /** Set by the first failure: the node is stopping, and later blocks would build on a gap. */
  #failed = false;

  constructor(deps: CommitPipelineDeps) {
    this.#deps = deps;
    this.#reportedHeight = deps.executor.height ?? -1;
    this.#queuedHeightMax = this.#reportedHeight;
    // The tip's roots are on record even where its receipts are not (a base restored by state sync).
    const tip = deps.executor.blocks.executed();
    if (tip !== undefined)
      this.#roots.set(tip.height, { stateRoot: tip.stateRoot, resultsRoot: tip.resultsRoot });
  }

  /** Blocks committed by consensus and not yet executed. */
  get queued(): number {
    return this.#queued;
  }

  get height(): number {
    return this.#deps.executor.height ?? -1;
  }

  /**
   * The last height whose listeners have run. The store can be ahead of it: LMDB makes a batch
   * readable on its write thread before this thread hears the batch is durable.
   */
  get reportedHeight(): number {
    return this.#reportedHeight;
  }

  onExecuted(listener: ExecutedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  push(commit: CommitAction): void {
    this.enqueue(commit.block, commit.qc, commit.nextValidators ?? null);
  }

  /**
   * Queues a certified block for execution; a height already executed is skipped. `announced` is
   * consensus's view of whether the block ends its epoch, checked against execution's own.
   */
  enqueue(block: Block, qc: QuorumCertificate, announced?: Announced): Promise<void> {
    this.#queued++;
    this.#queuedHeightMax = Math.max(this.#queuedHeightMax, block.header.height);
    let reported: Promise<void> | undefined;
    this.#staging = this.#staging
      .then(async () => {
        if (this.#failed) return;
        const staged = await this.#stage(block, qc, announced);
        reported = staged?.reported;
        // The next set becomes visible once this block is durable: the next block waits for it.
        if (staged?.endsEpoch === true) await staged.reported;
      })
      .catch((error: unknown) => this.#fail(error));
    this.#chain = this.#staging
      .then(() => reported)
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#queued--;
      });
    return this.#chain;
  }

  /** The first failure stops the node; later blocks are dropped (they would build on a gap). */
  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#deps.onFatal(error);
  }

  /** Resolves when every queued block is executed. */
  drained(): Promise<void> {
    return this.#chain;
  }

  /** Resolves true once `height` is executed, false after `timeoutMs`. */
  waitExecuted(height: number, timeoutMs: number): Promise<boolean> {
    if (this.height >= height) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        height,
        resolve: (ok: boolean) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Resolves true once at most `blocksMax` committed blocks wait for execution, false after `timeoutMs`. */
  waitBacklog(blocksMax: number, timeoutMs: number): Promise<boolean> {
    const excess = this.#queued - blocksMax;
    if (excess <= 0) return Promise.resolve(true);
    // The queued blocks are the ones after the last reported, which the height on record may run
    // ahead of by the blocks being written: counted from it, the wait named a height nobody had
    // proposed yet, and a leader sat out its whole timeout (2 s stalls in a soak). Never past the
    // last queued height either (a height queued twice counts twice).
    const target = Math.min(this.#reportedHeight + excess, this.#queuedHeightMax);
    return this.waitExecuted(target, timeoutMs);
  }

  /** The roots after executing `height`, if executed (recent heights from memory, older from disk). */
  rootsAt(height: number): ExecutedRoots | undefined {
    if (height > this.height) return undefined;
    const cached = this.#roots.get(height);
    if (cached !== undefined) return cached;
    const { blocks, state } = this.#deps.executor;
    const stored = blocks.executedAt(height);
    if (stored !== undefined)
      return { stateRoot: stored.stateRoot, resultsRoot: stored.resultsRoot };
    // A block executed before the store kept each block's roots: from the state and the receipts.
    if (!state.holds(height)) return undefined; // pruned
    const resultsRoot = merkleRoot(blocks.receiptsAt(height).map(hashReceipt));
    return { stateRoot: state.root(height), resultsRoot };
  }

  /**
   * Executes `block` and stages its write; resolves once the next block may execute, with the
   * promise of this one's report (undefined when the height is already executed).
   */
  async #stage(
    block: Block,
    qc: QuorumCertificate,
    announced: Announced,
  ): Promise<{ reported: Promise<void>; endsEpoch: boolean } | undefined> {
    const height = block.header.height;
    if (height <= this.height || height <= (this.#lastStaged?.header.height ?? -1))
      return undefined;
    // Epoch decisions need the certified state on record (executedHeight); payloads certify three
    // blocks down, so a node's own blocks never wait here.
    if (this.#deps.epochs !== undefined && block.header.stateHeight > this.height)
      await this.#reporting;
    const startMs = performance.now();
    const next = this.#nextSet(block, qc, announced);
    let recorded = () => {};
    const { durable } = await this.#deps.executor.commitInSlices(
      block,
      executeSliceMs,
      qc,
      this.#deps.decoded(block),
      next === undefined
        ? undefined
        : (batch) => {
            recorded = this.#deps.epochs!.recordNext(batch, next.set, height + 1, next.proof);
          },
    );
    // Timed to this block's own durability, not to its turn in the reports: the figure sizes
    // blocks (executionCost), and a wait behind the block before is not this block's cost.
    const committing = durable.then((committed) => ({
      committed,
      executeMs: performance.now() - startMs,
    }));
    // Its failure is met in the reports below, unless an earlier one failed first (and stopped them).
    committing.catch(() => {});
    this.#lastStaged = block;
    // Reports go out in height order, whatever order lmdb-js settles the batches in.
    this.#reporting = this.#reporting.then(async () => {
      const { committed, executeMs } = await committing;
      recorded();
      this.#report(block, committed, executeMs);
    });
    return { reported: this.#reporting, endsEpoch: next !== undefined };
  }

  #report(block: Block, committed: CommittedBlock, executeMs: number): void {
    const height = block.header.height;
    this.#reportedHeight = height;
    this.#roots.set(height, { stateRoot: committed.stateRoot, resultsRoot: committed.resultsRoot });
    this.#roots.delete(height - rootsCachedMax);
    for (const waiter of this.#waiters) if (waiter.height <= height) waiter.resolve(true);
    for (const listener of this.#listeners) listener(committed, block, executeMs);
  }

  /**
   * The set after `block` if it ends its epoch. Its parent is executed, so the state it certifies is
   * here and the verdict is never unknown; consensus must have come to the same one.
   */
  #nextSet(block: Block, qc: QuorumCertificate, announced: Announced): NextEpoch | undefined {
    const epochs = this.#deps.epochs;
    if (epochs === undefined) return undefined;
    const staged = this.#lastStaged;
    const parent =
      staged?.header.height === block.header.height - 1
        ? staged.header
        : this.#deps.executor.blocks.blockAt(block.header.height - 1)?.header;
    if (parent === undefined) return undefined;
    const verdict = epochs.decide(block.header, parent);
    if (verdict.kind === 'unknown')
      throw new TallyError(
        'epoch_unknown',
        `cannot tell whether block ${block.header.height} changes the validator set: ${verdict.reason}`,
      );
    const next = verdict.kind === 'next' ? verdict.set : undefined;
    if (announced !== undefined && !sameSet(announced ?? undefined, next))
      throw new TallyError(
        'epoch_mismatch',
        `consensus and execution disagree on whether block ${block.header.height} changes the validator set`,
      );
    if (next === undefined) return undefined;
    // The parent is executed, so the state `block` certifies is here to prove (unless pruned).
    return { set: next, proof: epochs.proveHandOver(block.header, qc, parent) };
  }
}

function sameSet(a: ValidatorSet | undefined, b: ValidatorSet | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.epoch === b.epoch && bytesEqual(hashValidatorSet(a), hashValidatorSet(b));
}
