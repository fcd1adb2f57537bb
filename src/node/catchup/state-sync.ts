// State sync for a node with an empty store: take the best certified snapshot offer among peers,
// restore the state tree from chunks (each checked against the offer's root before it is applied),
// fetch the replay window's transaction ids, then install the block store's base in the same batch
// as the tree's root. Block sync takes the node from there to the chain's tip. An offer from a later
// epoch than the genesis one is checked against that epoch's set, followed from the genesis set
// through the peer's proofs of each hand-over (as a light client does); those epochs are installed
// with the base, so the node knows its validator sets and can prove them in turn.
import { epochToJson } from '../../api/routes/epochs.ts';
import { BlockStore, type ReplayBlock } from '../../ledger/block-store.ts';
import { type EpochRecord, EpochStore } from '../../ledger/epoch-store.ts';
import { restoreSnapshot, type SnapshotRestorer } from '../../ledger/state/snapshot.ts';
import { decodeTransaction } from '../../ledger/tx.ts';
import type { ValidatorSet } from '../../ledger/validator-set.ts';
import { verifyEpochChain } from '../../sdk/epochs.ts';
import type { Store } from '../../storage/index.ts';
import { TallyError } from '../../util/errors.ts';
import {
  checkSnapshotOffer,
  checkTxIdBlocks,
  replayWindowCovered,
  type SyncTrust,
  type VerifiedOffer,
} from '../sync/check.ts';
import { type SnapshotOffer, syncEpochsMax, syncTxIdBlocksMax } from '../sync/messages.ts';
import type { CatchupLog } from './log.ts';
import type { AnswerOf, SyncAsk, SyncRequests } from './requests.ts';

/** How long to look for a snapshot offer before starting from genesis instead. */
export const stateSyncOfferWaitMs = 20_000;
export const stateSyncRetryMs = 1000;
export const stateSyncRequestTimeoutMs = 10_000;
/** Whole restores tried (each with a fresh offer) before giving up. */
export const stateSyncAttemptsMax = 3;
/** Failed requests (no answer, refused chunk) tolerated in one restore, per source peer. */
const failuresPerPeerMax = 3;
/** Pages of epoch records read from one peer at most: a chain with more epochs is not followed. */
const epochPagesMax = 64;

export type StateSyncOptions = {
  readonly trust: SyncTrust;
  readonly offerWaitMs?: number;
  readonly retryMs?: number;
  readonly requestTimeoutMs?: number;
};

export type StateSyncDeps = {
  readonly store: Store;
  readonly requests: SyncRequests;
  /** Peers connected now. */
  readonly peers: () => readonly string[];
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: CatchupLog;
};

/** `height` restored, 'skipped' when the store was not empty, 'no_offer' when no peer offered one. */
export type StateSyncResult =
  | { readonly outcome: 'restored'; readonly height: number; readonly chunks: number }
  | { readonly outcome: 'skipped' | 'no_offer' };

type Source = {
  readonly offer: VerifiedOffer;
  readonly peers: readonly string[];
  /** The epochs after the genesis one up to the offer's, checked, written with the base. */
  readonly epochs: readonly EpochRecord[];
};
type CheckedOffer = { readonly offer: VerifiedOffer; readonly epochs: readonly EpochRecord[] };

/** Restores the state from peers into an empty store; throws 'state_sync_failed' after the retries. */
export async function syncState(
  options: StateSyncOptions,
  deps: StateSyncDeps,
): Promise<StateSyncResult> {
  if (new BlockStore(deps.store).latestHeight() !== undefined) return { outcome: 'skipped' };
  // Peers that failed a restore are not asked again: one that offers the highest snapshot but
  // never serves it cannot hold the node back.
  const excluded = new Set<string>();
  for (let attempt = 1; attempt <= stateSyncAttemptsMax; attempt++) {
    const source = await findOffer(options, deps, excluded);
    if (source === undefined) return { outcome: 'no_offer' };
    const { height } = source.offer;
    deps.log.info({ height, peers: source.peers, attempt }, 'restoring state from a snapshot');
    const fetcher = new Fetcher(source.peers, options, deps);
    const chunks = await restoreFrom(source, fetcher, options.trust.validatorSet, deps);
    if (chunks !== undefined) {
      deps.log.info({ height, chunks }, 'state restored');
      return { outcome: 'restored', height, chunks };
    }
    for (const peer of fetcher.failed) excluded.add(peer);
  }
  throw new TallyError(
    'state_sync_failed',
    `state sync failed ${stateSyncAttemptsMax} times; see the log for each peer's fault`,
  );
}

/** Asks every connected peer for an offer until one passes the checks; the highest wins. */
async function findOffer(
  options: StateSyncOptions,
  deps: StateSyncDeps,
  excluded: ReadonlySet<string>,
): Promise<Source | undefined> {
  const deadline = deps.now() + (options.offerWaitMs ?? stateSyncOfferWaitMs);
  const timeoutMs = options.requestTimeoutMs ?? stateSyncRequestTimeoutMs;
  for (;;) {
    const peers = deps.peers().filter((peer) => !excluded.has(peer));
    const answers = await Promise.all(
      peers.map((peer) =>
        deps.requests.request(
          peer,
          { type: 'snapshot-offer-request' },
          'snapshot-offer',
          timeoutMs,
        ),
      ),
    );
    const checked = await Promise.all(
      answers.map((answer, i) =>
        answer?.offer == null
          ? undefined
          : checkOfferOf(peers[i]!, answer.offer, options, deps).then((c) =>
              c === undefined ? undefined : { peer: peers[i]!, ...c },
            ),
      ),
    );
    const valid = checked.filter(
      (c): c is CheckedOffer & { peer: string } => c !== undefined && c.offer.height > 0,
    );
    const best = valid.reduce<(typeof valid)[number] | undefined>(
      (a, b) => (a === undefined || b.offer.height > a.offer.height ? b : a),
      undefined,
    );
    if (best !== undefined) {
      const sameHeight = valid.filter((v) => v.offer.height === best.offer.height);
      return { offer: best.offer, peers: sameHeight.map((v) => v.peer), epochs: best.epochs };
    }
    if (deps.now() >= deadline) return undefined;
    await deps.sleep(options.retryMs ?? stateSyncRetryMs);
  }
}

/**
 * `peer`'s offer checked against the sets of its blocks' epochs: the genesis set, or one followed
 * from it through the peer's epoch records. Undefined (and logged) when refused.
 */
async function checkOfferOf(
  peer: string,
  offer: SnapshotOffer,
  options: StateSyncOptions,
  deps: StateSyncDeps,
): Promise<CheckedOffer | undefined> {
  const { trust } = options;
  const genesisSet = trust.validatorSet;
  const newest = Math.max(offer.block.header.epoch, offer.headers.at(-1)?.epoch ?? 0);
  let epochs: readonly EpochRecord[] = [];
  const sets = new Map<number, ValidatorSet>([[genesisSet.epoch, genesisSet]]);
  if (newest > genesisSet.epoch) {
    // The records the base needs: every epoch that starts at or below the block after it.
    const fetched = await fetchEpochs(peer, genesisSet.epoch + 1, offer.height + 1, options, deps);
    if (fetched === undefined) return undefined;
    try {
      const verified = verifyEpochChain({
        chainId: trust.chainId,
        genesisSet,
        epochs: fetched.map(epochToJson),
      });
      for (const e of verified) sets.set(e.epoch, e.validatorSet);
    } catch (error) {
      const { code, message } = error as TallyError;
      deps.log.warn({ peer, code, reason: message }, 'snapshot offer refused: its epochs');
      return undefined;
    }
    epochs = fetched;
  }
  const verdict = checkSnapshotOffer(offer, trust, (epoch) => sets.get(epoch));
  if (!verdict.ok) {
    deps.log.warn({ peer, code: verdict.code, reason: verdict.reason }, 'snapshot offer refused');
    return undefined;
  }
  return { offer: verdict.value, epochs };
}

/**
 * The peer's epoch records from `fromEpoch` on, oldest first, up to the last that starts at or
 * below `throughHeight`; undefined (logged) when the peer does not answer or answers out of order.
 */
async function fetchEpochs(
  peer: string,
  fromEpoch: number,
  throughHeight: number,
  options: StateSyncOptions,
  deps: StateSyncDeps,
): Promise<EpochRecord[] | undefined> {
  const records: EpochRecord[] = [];
  const timeoutMs = options.requestTimeoutMs ?? stateSyncRequestTimeoutMs;
  for (let page = 0; page < epochPagesMax; page++) {
    const next = fromEpoch + records.length;
    const answer = await deps.requests.request(
      peer,
      { type: 'epochs-request', fromEpoch: next },
      'epochs',
      timeoutMs,
      (a) => a.records.length === 0 || a.records[0]!.set.epoch === next,
    );
    if (answer === undefined) {
      deps.log.warn({ peer, fromEpoch: next }, 'snapshot offer refused: no epochs from its peer');
      return undefined;
    }
    for (const record of answer.records) {
      if (record.startHeight > throughHeight) return records;
      records.push(record);
    }
    if (answer.records.length < syncEpochsMax) return records;
  }
  deps.log.warn({ peer, pages: epochPagesMax }, 'snapshot offer refused: too many epochs');
  return undefined;
}

/** One restore of `source`; the number of chunks applied, or undefined when it failed. */
async function restoreFrom(
  source: Source,
  fetcher: Fetcher,
  genesisSet: ValidatorSet,
  deps: StateSyncDeps,
): Promise<number | undefined> {
  const { offer } = source;
  const restorer = await restoreSnapshot(deps.store, offer.height, offer.stateRoot);
  const done = (await fetchChunks(restorer, fetcher)) && (await fetchReplay(offer, fetcher));
  if (done === false) {
    await restorer.abort();
    return undefined;
  }
  const batch = deps.store.writeBatch();
  new BlockStore(deps.store).installBase(batch, {
    block: offer.block,
    txIds: offer.block.txs.map((bytes) => decodeTransaction(bytes).id),
    qc: offer.qc,
    executed: { height: offer.height, stateRoot: offer.stateRoot, resultsRoot: offer.resultsRoot },
    replay: done,
  });
  // The node reads its sets from here once it opens (the store is empty, so this starts at genesis).
  const epochStore = new EpochStore(deps.store, genesisSet);
  for (const record of source.epochs)
    epochStore.add(batch, record.set, record.startHeight, record.proof)();
  try {
    await restorer.finish(batch);
  } catch (error) {
    deps.log.warn({ err: (error as Error).message }, 'restored state refused');
    return undefined;
  }
  await batch.commit();
  return restorer.nextIndex;
}

async function fetchChunks(restorer: SnapshotRestorer, fetcher: Fetcher): Promise<boolean> {
  while (!restorer.complete) {
    const { height, nextIndex: index, lastKeyHash: afterKeyHash } = restorer;
    const answer = await fetcher.ask(
      { type: 'snapshot-chunk-request', height, index, afterKeyHash },
      'snapshot-chunk',
      (a) => a.chunk === null || (a.chunk.height === height && a.chunk.index === index),
    );
    if (answer === undefined) return false;
    if (answer.chunk === null) {
      fetcher.fail('no such chunk', { index });
      continue;
    }
    try {
      await restorer.add(answer.chunk);
    } catch (error) {
      if (!(error instanceof TallyError) || error.code !== 'snapshot_chunk_invalid') throw error;
      fetcher.fail(error.message, { index });
    }
  }
  return true;
}

/** Ids of the blocks before the base back past the replay window, checked; false on failure. */
async function fetchReplay(offer: VerifiedOffer, fetcher: Fetcher): Promise<ReplayBlock[] | false> {
  const base = offer.block.header;
  let replay: ReplayBlock[] = [];
  let next = base;
  while (!replayWindowCovered(replay, base.height, base.timeMs)) {
    const toHeight = next.height - 1;
    const fromHeight = Math.max(0, toHeight - syncTxIdBlocksMax + 1);
    const answer = await fetcher.ask(
      { type: 'tx-ids-request', fromHeight, toHeight },
      'tx-ids',
      (a) => a.blocks.length === 0 || a.blocks[0]!.header.height === fromHeight,
    );
    if (answer === undefined) return false;
    if (answer.blocks.length !== toHeight - fromHeight + 1) {
      fetcher.fail('incomplete transaction ids', { fromHeight, count: answer.blocks.length });
      continue;
    }
    const checked = checkTxIdBlocks(next, answer.blocks);
    if (!checked.ok) {
      fetcher.fail(checked.reason, { fromHeight });
      continue;
    }
    replay = [...checked.value, ...replay];
    next = answer.blocks[0]!.header;
  }
  return replay;
}

/** Sends a restore's requests to its source peers in turn, moving on after each failure. */
class Fetcher {
  readonly #peers: readonly string[];
  readonly #options: StateSyncOptions;
  readonly #deps: StateSyncDeps;
  #turn = 0;
  #failures = 0;
  /** Peers that failed at least one request. */
  readonly failed = new Set<string>();

  constructor(peers: readonly string[], options: StateSyncOptions, deps: StateSyncDeps) {
    this.#peers = peers;
    this.#options = options;
    this.#deps = deps;
  }

  get #peer(): string {
    return this.#peers[this.#turn % this.#peers.length]!;
  }

  /** The answer, or undefined once too many requests have failed. */
  async ask<T extends 'snapshot-chunk' | 'tx-ids'>(
    ask: SyncAsk,
    type: T,
    matches: (answer: AnswerOf<T>) => boolean,
  ): Promise<AnswerOf<T> | undefined> {
    while (this.#failures < failuresPerPeerMax * this.#peers.length) {
      const timeoutMs = this.#options.requestTimeoutMs ?? stateSyncRequestTimeoutMs;
      const answer = await this.#deps.requests.request(this.#peer, ask, type, timeoutMs, matches);
      if (answer !== undefined) return answer;
      this.fail('no answer', { type: ask.type });
    }
    return undefined;
  }

  /** Counts a failure of the current peer and moves to the next. */
  fail(reason: string, fields: Record<string, unknown>): void {
    this.#deps.log.warn({ peer: this.#peer, ...fields, reason }, 'state sync request failed');
    this.failed.add(this.#peer);
    this.#failures++;
    this.#turn++;
  }
}
