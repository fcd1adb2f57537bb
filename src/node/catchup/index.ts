// Catching up, as the node runs it: serves peers' sync requests, syncs blocks when far behind,
// prunes by setting (Catchup); and, before the node executes anything, restores a new node's state
// from a peer's snapshot (restoreState). Nothing a peer sends can stop the node: it is logged and
// dropped.
import type { Registry } from 'prom-client';
import type { BlockExecutor } from '../../execution/block-executor.ts';
import type { VerifyFn } from '../../ledger/certificate.ts';
import type { EpochRecord } from '../../ledger/epoch-store.ts';
import type { ValidatorSet } from '../../ledger/validator-set.ts';
import type { Transport } from '../../p2p/types.ts';
import type { Store } from '../../storage/index.ts';
import type { CommitPipeline } from '../commits.ts';
import type { SyncTrust } from '../sync/check.ts';
import { decodeSyncMessage, type SyncMessage } from '../sync/messages.ts';
import { decodeFrame, encodeSyncFrame, frameTypes } from '../wire.ts';
import { BlockSync, type CertifiedTip, type PeerHeight } from './block-sync.ts';
import type { CatchupLog } from './log.ts';
import { createCatchupMetrics } from './metrics.ts';
import { SnapshotPins } from './pins.ts';
import { Pruner } from './pruner.ts';
import { isSyncAnswer, SyncRequests } from './requests.ts';
import { SyncServer } from './server.ts';
import { type StateSyncResult, syncState } from './state-sync.ts';

export type { StateSyncResult } from './state-sync.ts';

export type CatchupOptions = {
  readonly chainId: string;
  /**
   * The genesis set: state sync follows the epochs from it to check a later snapshot (each
   * hand-over's proof, as a light client does); block sync uses setOfEpoch when given.
   */
  readonly validators: ValidatorSet;
  readonly verify: VerifyFn;
  /** Blocks kept; 0 keeps every block. */
  readonly pruneKeepBlocks: number;
  /** State versions kept (at most pruneKeepBlocks); 0 keeps as many as blocks. */
  readonly pruneKeepStates?: number;
  /**
   * Behind the best peer by more than this, sync blocks (default blockSyncThresholdBlocks); keep it
   * well inside the window consensus's own sync reaches.
   */
  readonly behindBlocksMax?: number;
};

export type CatchupDeps = {
  readonly store: Store;
  readonly executor: BlockExecutor;
  readonly commits: CommitPipeline;
  /** Sends a sync message body to a peer (NodeNetwork.sendSync). */
  readonly send: (nodeId: string, body: Uint8Array) => boolean;
  readonly bestPeer: () => PeerHeight | undefined;
  readonly forgetPeer: (nodeId: string) => void;
  readonly consensusHeight: () => number;
  /** Restarts consensus from a synced tip (ConsensusDriver.restart). */
  readonly rebase: (tip: CertifiedTip) => Promise<void>;
  /** The node's metrics registry: catch-up adds its own there. */
  readonly registry: Registry;
  readonly log: CatchupLog;
  /** The validator set of each epoch the node has executed into (epochs.ts). */
  readonly setOfEpoch?: (epoch: number) => ValidatorSet | undefined;
  /** Every epoch with its hand-over proof, served to a peer that restores a later snapshot. */
  readonly epochs?: () => readonly EpochRecord[];
};

export class Catchup {
  readonly #deps: CatchupDeps;
  readonly #requests: SyncRequests;
  readonly #server: SyncServer;
  readonly #blockSync: BlockSync;
  readonly #pruner: Pruner;
  #unsubscribe: (() => void) | undefined;

  constructor(options: CatchupOptions, deps: CatchupDeps) {
    this.#deps = deps;
    const { executor, commits, log } = deps;
    const metrics = createCatchupMetrics(deps.registry, () => this.syncing);
    const pins = new SnapshotPins({ now: Date.now });
    this.#requests = new SyncRequests({ send: deps.send });
    this.#server = new SyncServer({
      store: deps.store,
      blocks: executor.blocks,
      state: executor.state,
      pins,
      ...(deps.epochs === undefined ? {} : { epochs: deps.epochs }),
      send: deps.send,
      now: Date.now,
      log,
    });
    this.#blockSync = new BlockSync(
      {
        trust: toTrust(options),
        ...(options.behindBlocksMax === undefined
          ? {}
          : {
              thresholdBlocks: options.behindBlocksMax,
              doneBlocks: Math.floor(options.behindBlocksMax / 2),
            }),
      },
      {
        blocks: executor.blocks,
        commits,
        requests: this.#requests,
        bestPeer: deps.bestPeer,
        forgetPeer: deps.forgetPeer,
        consensusHeight: deps.consensusHeight,
        rebase: deps.rebase,
        now: Date.now,
        log,
        onFetched: (n) => metrics.fetched.inc(n),
        ...(deps.setOfEpoch === undefined ? {} : { setOfEpoch: deps.setOfEpoch }),
      },
    );
    this.#pruner = new Pruner(
      { keepBlocks: options.pruneKeepBlocks, keepStates: options.pruneKeepStates ?? 0 },
      {
        blocks: executor.blocks,
        state: executor.state,
        floor: () => pins.floor(),
        log,
        onPruned: (n) => metrics.pruned.inc(n),
      },
    );
  }

  /** True while catching up (and at start-up until the node knows whether it is behind). */
  get syncing(): boolean {
    return this.#blockSync.syncing;
  }

  start(): void {
    this.#blockSync.start();
    this.#unsubscribe = this.#deps.commits.onExecuted((committed) =>
      this.#pruner.onExecuted(committed.height),
    );
  }

  /** A sync frame's body from a peer: a request is served, an answer goes to who asked. */
  onSync(nodeId: string, body: Uint8Array): void {
    const message = decodeOrLog(nodeId, body, this.#deps.log);
    if (message === undefined) return;
    if (isSyncAnswer(message)) {
      this.#requests.deliver(nodeId, message);
      return;
    }
    try {
      this.#server.handle(nodeId, message);
    } catch (error) {
      this.#deps.log.error({ err: error, peer: nodeId, type: message.type }, 'sync request failed');
    }
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#requests.close();
    this.#server.close();
    await this.#blockSync.close();
    await this.#pruner.close();
  }
}

export type RestoreStateOptions = Pick<CatchupOptions, 'chainId' | 'validators' | 'verify'> & {
  readonly offerWaitMs?: number;
};

/**
 * State sync for a node whose store is empty, over the started transport, before anything else
 * listens to it. Resolves once the state is restored, or when no peer offered a snapshot (the node
 * then starts from genesis); does nothing for a store that holds blocks.
 */
export async function restoreState(
  options: RestoreStateOptions,
  deps: { readonly store: Store; readonly transport: Transport; readonly log: CatchupLog },
): Promise<StateSyncResult> {
  const { transport, log } = deps;
  const requests = new SyncRequests({
    send: (nodeId, body) => transport.send(nodeId, encodeSyncFrame(body)),
  });
  const unsubscribe = transport.onMessage((nodeId, bytes) => {
    // Only sync frames matter here; the rest are dropped undecoded (consensus is not running yet).
    if (bytes[0] !== frameTypes.sync) return;
    const frame = decodeFrame(bytes);
    if (frame.type !== 'sync') return;
    const message = decodeOrLog(nodeId, frame.body, log);
    if (message !== undefined && isSyncAnswer(message)) requests.deliver(nodeId, message);
  });
  try {
    const result = await syncState(
      {
        trust: toTrust(options),
        ...(options.offerWaitMs === undefined ? {} : { offerWaitMs: options.offerWaitMs }),
      },
      {
        store: deps.store,
        requests,
        peers: () => transport.peers().map((p) => p.nodeId),
        now: Date.now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log,
      },
    );
    if (result.outcome === 'no_offer')
      log.warn({}, 'state sync: no peer offered a snapshot; starting from genesis');
    return result;
  } finally {
    unsubscribe();
    requests.close();
  }
}

function toTrust(options: Pick<CatchupOptions, 'chainId' | 'validators' | 'verify'>): SyncTrust {
  return { chainId: options.chainId, validatorSet: options.validators, verify: options.verify };
}

function decodeOrLog(nodeId: string, body: Uint8Array, log: CatchupLog): SyncMessage | undefined {
  try {
    return decodeSyncMessage(body);
  } catch (error) {
    log.warn({ peer: nodeId, err: (error as Error).message }, 'malformed sync message');
    return undefined;
  }
}
