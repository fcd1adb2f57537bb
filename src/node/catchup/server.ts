// Answers peers' catch-up and state-sync requests from this node's block store and state tree
// (serve.ts builds the answers). A snapshot is offered only at a height this node can prove and whose
// replay window it holds; serving it pins those heights against pruning (pins.ts).
import type { BlockStore } from '../../ledger/block-store.ts';
import type { EpochRecord } from '../../ledger/epoch-store.ts';
import type { StateTree } from '../../ledger/state/index.ts';
import { readSnapshotChunk } from '../../ledger/state/snapshot.ts';
import type { Store } from '../../storage/index.ts';
import { replayWindowStartMs } from '../sync/check.ts';
import {
  encodeSyncMessage,
  type SnapshotOffer,
  type SyncMessage,
  syncEpochsMax,
} from '../sync/messages.ts';
import { collectBlocks, collectTxIdBlocks, makeSnapshotOffer } from '../sync/serve.ts';
import type { CatchupLog } from './log.ts';
import type { SnapshotPins } from './pins.ts';
import type { SyncAsk } from './requests.ts';

/** Requests served per peer in one second; more wait for the next second. */
export const serveRequestsPerPeerPerSecondMax = 100;
/** Requests of one peer waiting for the next second; more are dropped (the asker times out). */
export const serveDeferredPerPeerMax = 8;

export type SyncServerDeps = {
  readonly store: Store;
  readonly blocks: BlockStore;
  readonly state: StateTree;
  readonly pins: SnapshotPins;
  /** Every epoch this node knows, oldest first (epochs.ts); absent, it serves none. */
  readonly epochs?: () => readonly EpochRecord[];
  readonly send: (nodeId: string, body: Uint8Array) => boolean;
  readonly now: () => number;
  readonly log: CatchupLog;
};

export class SyncServer {
  readonly #deps: SyncServerDeps;
  readonly #served = new Map<string, { windowMs: number; count: number }>();
  readonly #deferred = new Map<string, SyncAsk[]>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: SyncServerDeps) {
    this.#deps = deps;
  }

  /** Answers one request, or later when the peer is over its budget for this second. */
  handle(nodeId: string, ask: SyncAsk): void {
    if (!this.#withinBudget(nodeId)) {
      this.#defer(nodeId, ask);
      return;
    }
    const answer = this.#answer(ask);
    let body: Uint8Array;
    try {
      body = encodeSyncMessage(answer);
    } catch (error) {
      this.#deps.log.warn({ peer: nodeId, err: (error as Error).message }, 'sync answer too large');
      return;
    }
    this.#deps.send(nodeId, body);
  }

  #answer(ask: SyncAsk): SyncMessage {
    const { blocks } = this.#deps;
    switch (ask.type) {
      case 'blocks-request':
        return {
          type: 'blocks-response',
          blocks: collectBlocks(blocks, ask.fromHeight, ask.toHeight),
        };
      case 'tx-ids-request':
        return { type: 'tx-ids', blocks: collectTxIdBlocks(blocks, ask.fromHeight, ask.toHeight) };
      case 'snapshot-offer-request':
        return { type: 'snapshot-offer', offer: this.#offer() ?? null };
      case 'snapshot-chunk-request':
        return { type: 'snapshot-chunk', chunk: this.#chunk(ask) ?? null };
      case 'epochs-request': {
        const all = this.#deps.epochs?.() ?? [];
        const records = all.filter((r) => r.set.epoch >= ask.fromEpoch).slice(0, syncEpochsMax);
        return { type: 'epochs', records };
      }
    }
  }

  /** The state certified by the latest executed block's header, if this node can serve it whole. */
  #offer(): SnapshotOffer | undefined {
    const { blocks } = this.#deps;
    const executed = blocks.executed()?.height;
    const tip = executed === undefined ? undefined : blocks.blockAt(executed);
    if (tip === undefined) return undefined;
    const height = tip.header.stateHeight;
    const blocksFrom = this.#servable(height);
    if (blocksFrom === undefined) return undefined;
    const offer = makeSnapshotOffer(blocks, height);
    if (offer !== undefined) this.#deps.pins.pin(height, blocksFrom);
    return offer;
  }

  #chunk(ask: Extract<SyncAsk, { type: 'snapshot-chunk-request' }>) {
    const blocksFrom = this.#servable(ask.height);
    if (blocksFrom === undefined) return undefined;
    // Pinned before reading: a prune that starts later stays above it, and one already running
    // raised the tree's oldest height first, which #servable checked.
    this.#deps.pins.pin(ask.height, blocksFrom);
    try {
      return readSnapshotChunk(this.#deps.store, ask.height, ask.index, ask.afterKeyHash);
    } catch (error) {
      this.#deps.log.warn(
        { height: ask.height, index: ask.index, err: (error as Error).message },
        'snapshot chunk not served',
      );
      return undefined;
    }
  }

  /**
   * Where the blocks a restore from `height` needs begin (the store's base), when this node holds the
   * state at `height` and the replay window before it: from genesis, or from a block older than the
   * window (block times never decrease). Undefined otherwise.
   */
  #servable(height: number): number | undefined {
    const { blocks, state } = this.#deps;
    const oldest = state.oldestHeight;
    const committed = state.committedHeight;
    if (height < 1 || oldest === undefined || committed === undefined) return undefined;
    if (height < oldest || height > committed) return undefined;
    const base = blocks.baseHeight() ?? 0;
    if (base === 0) return 0;
    if (base > height) return undefined;
    const first = blocks.blockAt(base);
    const block = blocks.blockAt(height);
    if (first === undefined || block === undefined) return undefined;
    return first.header.timeMs < replayWindowStartMs(block.header.timeMs) ? base : undefined;
  }

  /** Drops what waits for a later second. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#deferred.clear();
  }

  #defer(nodeId: string, ask: SyncAsk): void {
    const queue = this.#deferred.get(nodeId);
    if (queue !== undefined) {
      if (queue.length < serveDeferredPerPeerMax) queue.push(ask);
      return;
    }
    this.#deferred.set(nodeId, [ask]);
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        const asks = this.#deferred.get(nodeId) ?? [];
        this.#deferred.delete(nodeId);
        for (const a of asks) this.handle(nodeId, a);
      },
      1000 - (this.#deps.now() % 1000),
    );
    timer.unref();
    this.#timers.add(timer);
  }

  #withinBudget(nodeId: string): boolean {
    const windowMs = Math.floor(this.#deps.now() / 1000) * 1000;
    const served = this.#served.get(nodeId);
    if (served === undefined || served.windowMs !== windowMs) {
      this.#served.set(nodeId, { windowMs, count: 1 });
      return true;
    }
    served.count++;
    return served.count <= serveRequestsPerPeerPerSecondMax;
  }
}
