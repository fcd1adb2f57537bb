// The mempool's public types: the component's interface, admission options and the gossip batch.

import type { Transaction } from '../ledger/tx.ts';
import type { AdmitResult } from './results.ts';

export type AdmitOptions = {
  /** Where the batch came from (a peer's id, 'api'); handed to listeners so gossip skips the sender. */
  readonly origin?: string;
  /**
   * Refuse with mempool_full once this many transactions are pending, if below the pool's txsMax:
   * the node holds its clients to a few seconds of what it commits (src/node/admission.ts).
   */
  readonly txsMax?: number;
};

export type AdmittedBatch = {
  /** Newly admitted transactions of one admit call, in arrival order; never empty. */
  readonly txs: readonly Transaction[];
  readonly origin?: string;
};

export type AdmittedListener = (batch: AdmittedBatch) => void;

export type ReapOptions = {
  /** Leaves out transactions already in uncommitted blocks (pipelined proposals). */
  readonly skip?: (tx: Transaction) => boolean;
};

export type Mempool = {
  /** Admits a batch; one result per input, in order. Rejects only on a bug (a throwing dependency). */
  admit(txBytesList: readonly Uint8Array[], options?: AdmitOptions): Promise<AdmitResult[]>;
  /** Pending, unexpired transactions in arrival order, up to the limits; does not remove them. */
  reap(txsMax: number, bytesMax: number, options?: ReapOptions): Transaction[];
  /** Drops committed transactions (update the replay set first); returns how many were pending. */
  removeCommitted(txIds: Iterable<Uint8Array>): number;
  /** Drops transactions with expiresAtMs <= nowMs; returns how many. */
  evictExpired(nowMs: number): number;
  has(txId: Uint8Array): boolean;
  get(txId: Uint8Array): Transaction | undefined;
  /** Pending transactions in arrival order. */
  txs(): IterableIterator<Transaction>;
  size(): number;
  bytes(): number;
  /** Called once per admit call that admitted anything; listeners must not throw. Returns unsubscribe. */
  onAdmitted(listener: AdmittedListener): () => void;
};
