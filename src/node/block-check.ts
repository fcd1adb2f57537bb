// The node's verdict on a proposed block (the consensus engine's `validateBlock`), and the work done
// before it: transactions are decoded once per block and their signatures checked once per
// transaction (at mempool entry, or here for one this node never saw), off the consensus loop, so the
// synchronous check that consensus calls only looks things up (DESIGN decision 3).
import type { BlockVerdict } from '../consensus/index.ts';
import { merkleRoot } from '../crypto/merkle.ts';
import { type VerifyItem, verifyBatch } from '../crypto/verify-batch.ts';
import { type Block, type BlockHeader, hashHeader } from '../ledger/block.ts';
import { txExpiryWindowMs } from '../ledger/limits.ts';
import { decodeTransaction, type Transaction } from '../ledger/tx.ts';
import { type CarriedSignatureDeps, verifyTxSignatures } from '../mempool/index.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual, latin1FromBytes, toHex } from '../util/bytes.ts';
import { LruCache } from '../util/lru-cache.ts';
import type { EpochVerdict } from './epochs.ts';
import type { KeyRegistry } from './permissions.ts';

const sameEpoch: EpochVerdict = { kind: 'same' };

/** Signature checks remembered; a block's worth many times over. */
export const verifiedTxsCachedMax = 50_000;

export type ExecutedRoots = { readonly stateRoot: Uint8Array; readonly resultsRoot: Uint8Array };

/** Carried signatures: those of transactions first seen here, checked as the mempool does. */
export type BlockCheckDeps = CarriedSignatureDeps & {
  readonly chainId: string;
  readonly registry: KeyRegistry;
  /** The pending transaction with this id, whose signature the mempool checked. */
  readonly pending: (txId: Uint8Array) => Transaction | undefined;
  /** The roots after executing `height`, if this node has executed it. */
  readonly rootsAt: (height: number) => ExecutedRoots | undefined;
  /**
   * Is this transaction in a block this node has executed? Given its id and its expiry, which
   * bounds the blocks that can have carried it.
   */
  readonly isCommitted: (txId: Uint8Array, expiresAtMs: number) => boolean;
  readonly verify?: (items: readonly VerifyItem[]) => Promise<boolean[]>;
  /** Whether the block ends its epoch (epochs.ts); absent, the validator set never changes. */
  readonly epochOf?: (header: BlockHeader, parent: BlockHeader) => EpochVerdict;
};

type Decoded = { readonly txs: readonly Transaction[] } | { readonly error: string };

export class BlockChecker {
  readonly #deps: BlockCheckDeps;
  readonly #decoded = new WeakMap<Block, Decoded>();
  readonly #verified = new LruCache<string, true>(verifiedTxsCachedMax);
  /** Transactions the mempool already decoded, by their exact bytes: a block mostly repeats them. */
  readonly #admitted = new LruCache<string, Transaction>(verifiedTxsCachedMax);
  /** Signature checks under way, by transaction id and signature: a proposal and the gossip that
   * carried the same transactions a moment earlier share one check instead of doing it twice. */
  readonly #verifying = new Map<string, Promise<boolean>>();
  /**
   * Blocks this node accepted and has not executed, by hash: their transaction ids, so that a child
   * repeating one is refused (execution would refuse the copy as a replay, but the chain would carry
   * it twice). Executed blocks are covered by isCommitted.
   */
  readonly #accepted = new Map<string, AcceptedBlock>();

  constructor(deps: BlockCheckDeps) {
    this.#deps = deps;
  }

  /** Remembers transactions whose signatures were checked elsewhere (the mempool). */
  markVerified(txs: readonly Transaction[]): void {
    for (const tx of txs) {
      this.#verified.set(verifiedKey(tx), true);
      this.#admitted.set(bytesKey(tx.bytes), tx);
    }
  }

  /** The block's transactions, decoded once; undefined if one of them does not decode. */
  transactions(block: Block): readonly Transaction[] | undefined {
    const d = this.#decode(block);
    return 'txs' in d ? d.txs : undefined;
  }

  /** Drops a block's decoded transactions once it is executed: the block itself may stay in memory. */
  forget(block: Block): void {
    const decoded = this.#decoded.get(block);
    this.#decoded.delete(block);
    // An executed transaction is not checked again (a block repeating it is refused as committed),
    // so its entries go now: kept until the caches turned over, they held a minute of transactions
    // after the mempool had let them go.
    if (decoded !== undefined && 'txs' in decoded)
      for (const tx of decoded.txs) {
        this.#admitted.delete(bytesKey(tx.bytes));
        this.#verified.delete(verifiedKey(tx));
      }
    // This height is executed: its block, and any rival of it or below it, can no longer be a parent
    // that isCommitted does not cover.
    for (const [hash, accepted] of this.#accepted)
      if (accepted.height <= block.header.height) this.#accepted.delete(hash);
  }

  /**
   * Decodes the block and checks the signatures this node has not checked yet, in parallel: those
   * of transactions it never admitted, with what they carry (which the mempool checks for the rest).
   */
  async prepare(block: Block): Promise<void> {
    const d = this.#decode(block);
    if (!('txs' in d)) return;
    const unchecked = d.txs.filter((tx) => !this.#isVerified(tx));
    if (unchecked.length === 0) return;
    const results = await verifyTxSignatures(
      unchecked,
      (items) => this.verifyShared(items),
      this.#deps,
    );
    unchecked.forEach((tx, i) => {
      if (results[i] === true) this.#verified.set(verifiedKey(tx), true);
    });
  }

  /**
   * Verifies transaction signatures (message = transaction id), joining checks already under way
   * for the same id and signature. The mempool verifies through this too.
   */
  async verifyShared(items: readonly VerifyItem[]): Promise<boolean[]> {
    const keys = items.map((item) => toHex(item.message) + toHex(item.signature));
    const fresh: number[] = [];
    keys.forEach((key, i) => {
      if (!this.#verifying.has(key)) fresh.push(i);
    });
    if (fresh.length > 0) {
      const batch = (this.#deps.verify ?? verifyBatch)(fresh.map((i) => items[i]!));
      fresh.forEach((i, k) => {
        const key = keys[i]!;
        const one = batch.then((r) => r[k] === true);
        this.#verifying.set(key, one);
        one.then(
          () => this.#verifying.delete(key),
          () => this.#verifying.delete(key),
        );
      });
    }
    const results = await Promise.all(
      keys.map((key) => this.#verifying.get(key) ?? Promise.resolve(false)),
    );
    assert(results.length === items.length, 'block check: one verdict per signature');
    return results;
  }

  /** Consensus's predicate: pure lookups over what prepare() and execution have established. */
  validate(block: Block, parent: BlockHeader): BlockVerdict {
    const h = block.header;
    if (block.txs.length !== h.txCount) return refuse('txCount does not match the transactions');
    if (h.timeMs < parent.timeMs) return refuse('block time goes back');
    if (h.stateHeight < parent.stateHeight || h.stateHeight >= h.height)
      return refuse(`stateHeight ${h.stateHeight} is outside [${parent.stateHeight}, ${h.height})`);
    const roots = this.#deps.rootsAt(h.stateHeight);
    if (roots !== undefined) {
      if (!bytesEqual(roots.stateRoot, h.stateRoot)) return refuse('stateRoot differs from ours');
      if (!bytesEqual(roots.resultsRoot, h.resultsRoot))
        return refuse('resultsRoot differs from ours');
    }
    const epoch = this.#deps.epochOf?.(h, parent) ?? sameEpoch;
    if (epoch.kind === 'unknown') return { ok: false, reason: epoch.reason, pending: true };
    const d = this.#decode(block);
    if (!('txs' in d)) return refuse(d.error);
    if (!bytesEqual(merkleRoot(d.txs.map((t) => t.id)), h.txRoot))
      return refuse('txRoot does not match the transactions');
    for (const tx of d.txs) {
      if (tx.chainId !== this.#deps.chainId) return refuse('transaction for another chain');
      // The replay set only keeps ids until expiry (pruning, state sync): a transaction valid for
      // longer than the window could be replayed later, so no block may carry one.
      if (tx.expiresAtMs > h.timeMs + txExpiryWindowMs)
        return refuse(`transaction ${tx.idHex} expires too far after the block time`);
      if (!this.#isVerified(tx)) return refuse(`bad or unchecked signature on ${tx.idHex}`);
      // Execution would refuse it as a replay, but the chain would still carry it twice.
      if (this.#deps.isCommitted(tx.id, tx.expiresAtMs))
        return refuse(`transaction ${tx.idHex} is already committed`);
      const permission = this.#deps.registry.checkProposed(tx);
      if (!permission.ok) return refuse(`${permission.code} on ${tx.idHex}`);
    }
    const ids = d.txs.map((tx) => tx.idHex);
    const repeated = this.#repeatedInAncestor(h.parentHash, ids);
    if (repeated !== undefined)
      return refuse(`transaction ${repeated.txId} is already in block ${repeated.height}`);
    if (ids.length > 0 || this.#accepted.has(toHex(h.parentHash)))
      this.#accepted.set(toHex(hashHeader(h)), {
        parentHash: toHex(h.parentHash),
        height: h.height,
        txIds: new Set(ids),
      });
    return epoch.kind === 'next' ? { ok: true, nextValidators: epoch.set } : { ok: true };
  }

  /** The first of `ids` carried by an accepted, unexecuted ancestor, walking up from `parentHash`. */
  #repeatedInAncestor(
    parentHash: Uint8Array,
    ids: readonly string[],
  ): { txId: string; height: number } | undefined {
    if (ids.length === 0) return undefined;
    let ancestor = this.#accepted.get(toHex(parentHash));
    while (ancestor !== undefined) {
      const { txIds } = ancestor;
      const txId = ids.find((id) => txIds.has(id));
      if (txId !== undefined) return { txId, height: ancestor.height };
      ancestor = this.#accepted.get(ancestor.parentHash);
    }
    return undefined;
  }

  #isVerified(tx: Transaction): boolean {
    // The id hashes the body only: a copy with another signature has the same id, so the signature
    // is part of what was checked.
    const pending = this.#deps.pending(tx.id);
    if (pending !== undefined && bytesEqual(pending.signature, tx.signature)) return true;
    return this.#verified.get(verifiedKey(tx)) !== undefined;
  }

  #decode(block: Block): Decoded {
    let d = this.#decoded.get(block);
    if (d === undefined) {
      try {
        d = {
          txs: Object.freeze(
            block.txs.map(
              (bytes) => this.#admitted.get(bytesKey(bytes)) ?? decodeTransaction(bytes),
            ),
          ),
        };
      } catch (error) {
        d = { error: `transaction does not decode: ${(error as Error).message}` };
      }
      this.#decoded.set(block, d);
    }
    return d;
  }
}

type AcceptedBlock = {
  readonly parentHash: string;
  readonly height: number;
  readonly txIds: ReadonlySet<string>;
};

function verifiedKey(tx: Transaction): string {
  return tx.idHex + toHex(tx.signature);
}

/** latin1 maps each byte to one code unit: a cheap, exact key for a byte string. */
function bytesKey(bytes: Uint8Array): string {
  return latin1FromBytes(bytes);
}

function refuse(reason: string): BlockVerdict {
  return { ok: false, reason };
}
