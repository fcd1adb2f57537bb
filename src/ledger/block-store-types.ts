// What the block store takes and gives (block-store.ts): kept apart so that the store's file holds
// its behaviour.
import type { Block } from './block.ts';
import type { QuorumCertificate } from './certificate.ts';

export type TxLocation = { readonly height: number; readonly index: number };

export type ExecutedInfo = {
  readonly height: number;
  readonly stateRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
};

/** Ids committed before a base block, in one block: all of its transaction ids, in order. */
export type ReplayBlock = {
  readonly height: number;
  /** The block's time: its ids are kept until txExpiryWindowMs (plus the margin) after it. */
  readonly timeMs: number;
  readonly txIds: readonly Uint8Array[];
};

/** The first block a store holds when it starts from a state snapshot instead of genesis. */
export type BlockStoreBase = {
  readonly block: Block;
  /** Its transaction ids, in order. */
  readonly txIds: readonly Uint8Array[];
  /** The QC certifying `block`. */
  readonly qc: QuorumCertificate;
  /** The state after executing `block` (the snapshot's root) and its receipts' root. */
  readonly executed: ExecutedInfo;
  /** The blocks before it whose transactions may not have expired, in ascending height. */
  readonly replay: readonly ReplayBlock[];
};

export type BlockPruneResult = {
  readonly blocksRemoved: number;
  readonly receiptsRemoved: number;
  readonly certificatesRemoved: number;
  /** Ids whose transactions had expired: replays of them are refused by expiry now. */
  readonly txIdsRemoved: number;
  /** Ids of pruned blocks kept (with their expiry) because their transactions may still be replayed. */
  readonly txIdsKept: number;
  readonly baseHeight: number | undefined;
};
