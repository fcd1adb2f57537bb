// Block sync: a node further behind its peers than consensus's own sync reaches (docs/consensus.md,
// syncWindowBlocks) fetches the missing blocks from a peer's block store, checks each against its
// commit certificate, executes them in order, then restarts consensus from the new tip. A peer that
// does not answer, or answers with anything that fails the checks, is skipped for a while.
import type { Block, BlockHeader } from '../../ledger/block.ts';
import type { BlockStore } from '../../ledger/block-store.ts';
import type { QuorumCertificate } from '../../ledger/certificate.ts';
import type { ValidatorSet } from '../../ledger/validator-set.ts';
import { assert } from '../../util/assert.ts';
import { checkFetchedBlocks, type SyncTrust } from '../sync/check.ts';
import { type FetchedBlock, syncBlocksMax } from '../sync/messages.ts';
import type { CatchupLog } from './log.ts';
import type { SyncRequests } from './requests.ts';

/** Behind the best peer by more than this, a node syncs blocks (well inside consensus's window). */
export const blockSyncThresholdBlocks = 32;
/** Syncing stops once within this of the best peer's last reported height; consensus does the rest. */
export const blockSyncDoneBlocks = 16;
export const blockSyncCheckMs = 1000;
export const blockSyncRequestTimeoutMs = 5000;
/** A peer that failed a request is not asked again for this long. */
export const blockSyncPeerPenaltyMs = 10_000;
/** At start-up, how long to wait for a peer's height before deciding the node is not behind. */
export const blockSyncStartupWaitMs = 3000;
/** Peers considered per pick: a bound on skipping penalised ones. */
const peersPickedMax = 64;

export type PeerHeight = { readonly nodeId: string; readonly height: number };
export type CertifiedTip = { readonly block: Block; readonly qc: QuorumCertificate };

export type BlockSyncOptions = {
  readonly trust: SyncTrust;
  readonly thresholdBlocks?: number;
  readonly doneBlocks?: number;
  readonly checkMs?: number;
  readonly requestTimeoutMs?: number;
  readonly peerPenaltyMs?: number;
  readonly startupWaitMs?: number;
};

export type BlockSyncDeps = {
  readonly blocks: BlockStore;
  /** The execution pipeline: its executed height, and where certified blocks are queued. */
  readonly commits: {
    readonly height: number;
    enqueue(block: Block, qc: QuorumCertificate): Promise<void>;
  };
  readonly requests: SyncRequests;
  /** The highest height a peer reported; forgetPeer drops a peer from it until it reports again. */
  readonly bestPeer: () => PeerHeight | undefined;
  readonly forgetPeer: (nodeId: string) => void;
  /** The height consensus has committed to (its root). */
  readonly consensusHeight: () => number;
  /** Restarts consensus from an executed, certified tip. */
  readonly rebase: (tip: CertifiedTip) => Promise<void>;
  readonly now: () => number;
  readonly log: CatchupLog;
  readonly onFetched?: (blocks: number) => void;
  /**
   * The validator set of an epoch this node knows (from the blocks it executed); absent, every block
   * is checked against trust.validatorSet.
   */
  readonly setOfEpoch?: (epoch: number) => ValidatorSet | undefined;
};

export class BlockSync {
  readonly #options: Required<BlockSyncOptions>;
  readonly #deps: BlockSyncDeps;
  readonly #penalised = new Map<string, number>();
  #startedMs: number | undefined;
  /** True until the first look at peers' heights (or the start-up wait) has passed. */
  #starting = true;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: BlockSyncOptions, deps: BlockSyncDeps) {
    this.#options = {
      thresholdBlocks: blockSyncThresholdBlocks,
      doneBlocks: blockSyncDoneBlocks,
      checkMs: blockSyncCheckMs,
      requestTimeoutMs: blockSyncRequestTimeoutMs,
      peerPenaltyMs: blockSyncPeerPenaltyMs,
      startupWaitMs: blockSyncStartupWaitMs,
      ...options,
    };
    assert(
      this.#options.doneBlocks < this.#options.thresholdBlocks,
      'block sync: done below threshold',
    );
    this.#deps = deps;
  }

  /** True while catching up, and at start-up until the node knows whether it is behind. */
  get syncing(): boolean {
    return this.#starting || this.#running !== undefined;
  }

  /** Starts looking at peers' heights every checkMs. */
  start(): void {
    assert(this.#startedMs === undefined, 'block sync: start once');
    this.#startedMs = this.#deps.now();
    this.#timer = setInterval(() => {
      // Nothing a peer sends gets here (fetches answer undefined); this is a restart that failed.
      this.check().catch((error: unknown) =>
        this.#deps.log.error({ err: error }, 'block sync failed'),
      );
    }, this.#options.checkMs);
    this.#timer.unref();
  }

  /** One look at the best peer: starts a sync when too far behind. Resolves when that sync ends. */
  check(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#running !== undefined) return this.#running;
    const best = this.#pickPeer();
    if (this.#starting) {
      const waited = this.#deps.now() - (this.#startedMs ?? this.#deps.now());
      if (best === undefined && waited < this.#options.startupWaitMs) return Promise.resolve();
      this.#starting = false;
    }
    if (best === undefined) return Promise.resolve();
    // Consensus ahead of execution is not behind: the pipeline already holds those blocks.
    const height = Math.max(this.#deps.commits.height, this.#deps.consensusHeight());
    if (best.height - height <= this.#options.thresholdBlocks) return Promise.resolve();
    const running = this.#run(best).finally(() => {
      this.#running = undefined;
    });
    this.#running = running;
    return running;
  }

  /** Stops: a sync in progress ends after its current step, without restarting consensus. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#starting = false;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #run(first: PeerHeight): Promise<void> {
    const { blocks, commits, log } = this.#deps;
    const startHeight = commits.height;
    let tip = blocks.blockAt(startHeight)?.header;
    assert(tip !== undefined, 'block sync: the executed tip is held');
    log.info(
      { height: startHeight, peer: first.nodeId, peerHeight: first.height },
      'syncing blocks',
    );
    let executing: Promise<void> = Promise.resolve();
    let fetched = 0;
    while (!this.#closed) {
      const peer = this.#pickPeer();
      if (peer === undefined || peer.height - tip.height <= this.#options.doneBlocks) break;
      const got = await this.#fetch(peer, tip, () => executing);
      if (got === undefined) {
        this.#penalise(peer.nodeId);
        continue;
      }
      // One batch executes while the next is fetched: the pipeline never holds more than two.
      await executing;
      for (const { block, qc } of got) executing = commits.enqueue(block, qc);
      tip = got[got.length - 1]!.block.header;
      fetched += got.length;
      this.#deps.onFetched?.(got.length);
    }
    await executing;
    log.info({ from: startHeight, to: commits.height, fetched }, 'block sync done');
    if (!this.#closed) await this.#rebase();
  }

  /** Blocks after `tip` from `peer`, checked; undefined when it gave nothing usable. */
  async #fetch(
    peer: PeerHeight,
    tip: BlockHeader,
    executed: () => Promise<void>,
  ): Promise<FetchedBlock[] | undefined> {
    const fromHeight = tip.height + 1;
    const toHeight = Math.min(fromHeight + syncBlocksMax - 1, peer.height);
    const answer = await this.#deps.requests.request(
      peer.nodeId,
      { type: 'blocks-request', fromHeight, toHeight },
      'blocks-response',
      this.#options.requestTimeoutMs,
      (a) => a.blocks.length === 0 || a.blocks[0]!.block.header.height === fromHeight,
    );
    const log = this.#deps.log;
    if (answer === undefined) {
      log.warn({ peer: peer.nodeId, fromHeight }, 'no blocks from peer; trying another');
      return undefined;
    }
    if (answer.blocks.length === 0 || answer.blocks.length > toHeight - fromHeight + 1) {
      log.warn(
        { peer: peer.nodeId, fromHeight, count: answer.blocks.length },
        'peer sent no usable blocks',
      );
      return undefined;
    }
    // An epoch change ends a fetch: the blocks of the first block's epoch, checked against its set.
    const epoch = answer.blocks[0]!.block.header.epoch;
    const end = answer.blocks.findIndex((f) => f.block.header.epoch !== epoch);
    const got = end < 0 ? [...answer.blocks] : answer.blocks.slice(0, end);
    const validatorSet = await this.#setOfEpoch(epoch, executed);
    if (validatorSet === undefined) {
      log.warn({ peer: peer.nodeId, fromHeight, epoch }, 'fetched blocks of an unknown epoch');
      return undefined;
    }
    const verdict = checkFetchedBlocks(
      tip,
      got.map((f) => f.block),
      got.map((f) => f.qc),
      { ...this.#options.trust, validatorSet },
    );
    if (!verdict.ok) {
      log.warn(
        { peer: peer.nodeId, fromHeight, code: verdict.code, reason: verdict.reason },
        'fetched blocks refused',
      );
      return undefined;
    }
    return got;
  }

  /**
   * The set of `epoch`. A block that started it may still be executing here (its record is written
   * with it), so an unknown epoch is looked up again once everything queued has executed.
   */
  async #setOfEpoch(
    epoch: number,
    executed: () => Promise<void>,
  ): Promise<ValidatorSet | undefined> {
    const setOf = this.#deps.setOfEpoch;
    if (setOf === undefined)
      return epoch === this.#options.trust.validatorSet.epoch
        ? this.#options.trust.validatorSet
        : undefined;
    const known = setOf(epoch);
    if (known !== undefined) return known;
    await executed();
    return setOf(epoch);
  }

  /** Restarts consensus from the executed tip, unless consensus is already there. */
  async #rebase(): Promise<void> {
    const { blocks, commits, log } = this.#deps;
    const height = commits.height;
    if (this.#deps.consensusHeight() >= height) return;
    const block = blocks.blockAt(height);
    const qc = blocks.certificateAt(height);
    if (block === undefined || qc === undefined) {
      log.warn({ height }, 'no certified block at the executed tip; consensus not restarted');
      return;
    }
    await this.#deps.rebase({ block, qc });
    log.info({ height }, 'consensus restarted from the synced tip');
  }

  #pickPeer(): PeerHeight | undefined {
    const now = this.#deps.now();
    for (let i = 0; i < peersPickedMax; i++) {
      const best = this.#deps.bestPeer();
      if (best === undefined) return undefined;
      const until = this.#penalised.get(best.nodeId);
      if (until === undefined || until <= now) {
        this.#penalised.delete(best.nodeId);
        return best;
      }
      this.#deps.forgetPeer(best.nodeId);
    }
    return undefined;
  }

  #penalise(nodeId: string): void {
    this.#penalised.set(nodeId, this.#deps.now() + this.#options.peerPenaltyMs);
    this.#deps.forgetPeer(nodeId);
  }
}
