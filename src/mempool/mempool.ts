// The mempool: admission of transactions (client submissions and peer gossip alike) and the bounded
// pool of pending ones that block proposals reap. DESIGN decision 3: signatures are verified once, in
// parallel, here, and never again on the critical path.
//
// Admission checks run in this order; the first that fails gives the code:
//   1 size: tx_too_large           2 decode: tx_malformed         3 chain id: wrong_chain
//   4 expiry: tx_expired, tx_expiry_too_far
//   5 replay: tx_already_committed; an id already pending (or being verified) is a duplicate
//   6 capacity: mempool_full, signer_quota_exceeded
//   7 signature: bad_signature     8 permission: the injected check's own code
// Capacity comes before the signature so that an overloaded node spends no CPU on what it will refuse.
// A duplicate answers status 'admitted' with code 'tx_duplicate': a client retrying a submission learns
// that its transaction is pending (retries are harmless), and gossip is not sent on again.

import { CodecError } from '../codec/index.ts';
import { txBytesMax } from '../ledger/limits.ts';
import { decodeTransaction, type Transaction } from '../ledger/tx.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';
import { checkBatch, checkLimit, checkTxId, keyOf } from './checks.ts';
import { ExpiryQueue } from './expiry-queue.ts';
import { expiryQueueSlackEntries, mempoolListenersMax } from './limits.ts';
import {
  type MempoolDeps,
  type MempoolOptions,
  type ResolvedOptions,
  resolveOptions,
  resolveVerify,
  type VerifyFunction,
} from './options.ts';
import { type AdmitResult, admitted, duplicate, messages, rejected } from './results.ts';
import { verifyTxSignatures } from './signatures.ts';
import type {
  AdmitOptions,
  AdmittedBatch,
  AdmittedListener,
  Mempool,
  ReapOptions,
} from './types.ts';

const snakeCase = /^[a-z][a-z0-9_]*$/;

type Entry = {
  readonly tx: Transaction;
  readonly key: string;
  readonly signerKey: string;
  readonly expiresAtMs: number;
  readonly seq: number;
};

/** A transaction that holds a reservation of space while its signature is verified. */
type Candidate = {
  readonly tx: Transaction;
  readonly key: string;
  readonly signerKey: string;
  readonly result: Promise<AdmitResult>;
  readonly resolve: (result: AdmitResult) => void;
  readonly reject: (error: unknown) => void;
  settled: boolean;
};

export function createMempool(options: MempoolOptions, deps: MempoolDeps): Mempool {
  return new Pool(resolveOptions(options), deps, resolveVerify(deps));
}

class Pool implements Mempool {
  private readonly options: ResolvedOptions;
  private readonly deps: MempoolDeps;
  private readonly verify: VerifyFunction;
  /** Pending transactions; Map iteration order is insertion order, which is arrival order. */
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Candidate>();
  /** Pending plus reserved transactions per signer; absent at zero. */
  private readonly signerTxs = new Map<string, number>();
  private readonly expiries = new ExpiryQueue();
  private readonly listeners = new Set<AdmittedListener>();
  private bytesTotal = 0;
  private reservedTxs = 0;
  private reservedBytes = 0;
  private seq = 0;

  constructor(options: ResolvedOptions, deps: MempoolDeps, verify: VerifyFunction) {
    this.options = options;
    this.deps = deps;
    this.verify = verify;
  }

  async admit(
    txBytesList: readonly Uint8Array[],
    options: AdmitOptions = {},
  ): Promise<AdmitResult[]> {
    checkBatch(txBytesList);
    const { txsMax } = options;
    if (txsMax !== undefined && !(Number.isSafeInteger(txsMax) && txsMax > 0))
      throw new RangeError(`admit.txsMax: expected a positive integer, got ${String(txsMax)}`);
    const nowMs = this.now();
    const results: Array<AdmitResult | Promise<AdmitResult>> = [];
    const candidates: Candidate[] = [];
    try {
      for (const bytes of txBytesList) results.push(this.screen(bytes, nowMs, candidates, options));
      const verdicts = await this.verifyCandidates(candidates);
      this.notify(this.settle(candidates, verdicts), options.origin);
    } catch (error) {
      this.abandon(candidates, error);
      // Duplicates waiting on an abandoned candidate now reject too; nobody will await them here.
      for (const result of results) if (result instanceof Promise) result.catch(() => {});
      throw error;
    }
    return Promise.all(results);
  }

  /** Checks 1 to 6; a survivor reserves space, joins `candidates` and answers once verified. */
  private screen(
    bytes: Uint8Array,
    nowMs: number,
    candidates: Candidate[],
    options: AdmitOptions,
  ): AdmitResult | Promise<AdmitResult> {
    if (bytes.length > txBytesMax)
      return rejected('tx_too_large', messages.tooLarge(bytes.length, txBytesMax));
    let tx: Transaction;
    try {
      tx = decodeTransaction(bytes);
    } catch (error) {
      if (error instanceof CodecError) return rejected('tx_malformed', error.message);
      throw error;
    }
    const { chainId } = this.options;
    if (tx.chainId !== chainId)
      return rejected('wrong_chain', messages.wrongChain(tx.chainId, chainId), tx.id);
    const refusal = this.checkExpiry(tx, nowMs) ?? this.checkCommitted(tx);
    if (refusal !== undefined) return refusal;
    const key = keyOf(tx.id);
    if (this.entries.has(key)) return duplicate(tx.id);
    const first = this.inFlight.get(key);
    if (first !== undefined)
      return first.result.then((result) => this.answerDuplicate(result, first.tx, tx, options));
    return this.reserve(tx, key, candidates, options.txsMax);
  }

  private checkExpiry(tx: Transaction, nowMs: number): AdmitResult | undefined {
    if (tx.expiresAtMs <= nowMs)
      return rejected('tx_expired', messages.expired(tx.expiresAtMs, nowMs), tx.id);
    const { expiryWindowMs } = this.options;
    if (tx.expiresAtMs - nowMs > expiryWindowMs)
      return rejected(
        'tx_expiry_too_far',
        messages.expiryTooFar(tx.expiresAtMs - nowMs, expiryWindowMs),
        tx.id,
      );
    return undefined;
  }

  private checkCommitted(tx: Transaction): AdmitResult | undefined {
    if (!this.deps.isCommitted(tx.id, tx.expiresAtMs)) return undefined;
    return rejected('tx_already_committed', messages.alreadyCommitted(), tx.id);
  }

  /**
   * The same id arrived while its first copy was being verified. The id covers the body only, so the
   * copies can differ in their signature: only then, and only if the first's failed, check this one.
   */
  private answerDuplicate(
    first: AdmitResult,
    firstTx: Transaction,
    tx: Transaction,
    options: AdmitOptions,
  ): AdmitResult | Promise<AdmitResult> {
    if (first.status === 'admitted') return duplicate(tx.id);
    if (first.code !== 'bad_signature' || bytesEqual(firstTx.signature, tx.signature)) return first;
    return this.admit([tx.bytes], options).then((results) => results[0]!);
  }

  private reserve(
    tx: Transaction,
    key: string,
    candidates: Candidate[],
    callerTxsMax: number | undefined,
  ): AdmitResult | Promise<AdmitResult> {
    const { bytesMax, perSignerTxsMax, retryAfterMs } = this.options;
    const txsMax = Math.min(this.options.txsMax, callerTxsMax ?? Number.POSITIVE_INFINITY);
    const size = tx.bytes.length;
    if (
      this.entries.size + this.reservedTxs >= txsMax ||
      this.bytesTotal + this.reservedBytes + size > bytesMax
    )
      return rejected(
        'mempool_full',
        messages.full(txsMax, bytesMax, retryAfterMs),
        tx.id,
        retryAfterMs,
      );
    const signerKey = `${tx.suite}:${keyOf(tx.signer)}`;
    const signerTxs = this.signerTxs.get(signerKey) ?? 0;
    if (signerTxs >= perSignerTxsMax)
      return rejected(
        'signer_quota_exceeded',
        messages.signerQuota(perSignerTxsMax, retryAfterMs),
        tx.id,
        retryAfterMs,
      );
    this.signerTxs.set(signerKey, signerTxs + 1);
    this.reservedTxs++;
    this.reservedBytes += size;
    let resolve!: (result: AdmitResult) => void;
    let reject!: (error: unknown) => void;
    const result = new Promise<AdmitResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Handled here so that a failed batch with no duplicate waiting raises no unhandled rejection.
    result.catch(() => {});
    const candidate: Candidate = { tx, key, signerKey, result, resolve, reject, settled: false };
    this.inFlight.set(key, candidate);
    candidates.push(candidate);
    assert(this.inFlight.size === this.reservedTxs, 'mempool: one reservation per in-flight id');
    return result;
  }

  /**
   * One verify call for the whole batch's survivors, their carried signatures included: never more,
   * never for an id seen before. The verdicts are the transactions' own signatures'.
   */
  private async verifyCandidates(candidates: readonly Candidate[]): Promise<boolean[]> {
    if (candidates.length === 0) return [];
    return verifyTxSignatures(
      candidates.map(({ tx }) => tx),
      this.verify,
      this.deps,
    );
  }

  /** Checks 7 and 8, then insertion; replay and expiry are checked again (time passed meanwhile). */
  private settle(candidates: readonly Candidate[], verdicts: readonly boolean[]): Transaction[] {
    const nowMs = this.now();
    const txs: Transaction[] = [];
    candidates.forEach((candidate, i) => {
      this.release(candidate);
      const refusal =
        verdicts[i] === true
          ? (this.checkCommitted(candidate.tx) ??
            this.checkExpiry(candidate.tx, nowMs) ??
            this.checkPermission(candidate.tx))
          : rejected('bad_signature', messages.badSignature(), candidate.tx.id);
      if (refusal === undefined) {
        this.insert(candidate);
        txs.push(candidate.tx);
      } else {
        this.dropSigner(candidate.signerKey);
      }
      candidate.settled = true;
      candidate.resolve(refusal ?? admitted(candidate.tx.id));
    });
    return txs;
  }

  private checkPermission(tx: Transaction): AdmitResult | undefined {
    const permission = this.deps.checkPermission(tx);
    if (permission.ok === true) return undefined;
    assert(snakeCase.test(permission.code), 'mempool: permission codes are snake_case');
    assert(typeof permission.message === 'string', 'mempool: permission refusals carry a message');
    return rejected(permission.code, permission.message, tx.id);
  }

  /** Gives back a candidate's reserved space; its per-signer count stays until dropSigner. */
  private release(candidate: Candidate): void {
    assert(this.inFlight.get(candidate.key) === candidate, 'mempool: released once');
    this.inFlight.delete(candidate.key);
    this.reservedTxs--;
    this.reservedBytes -= candidate.tx.bytes.length;
    assert(this.reservedTxs >= 0 && this.reservedBytes >= 0, 'mempool: reservations balance');
  }

  private abandon(candidates: readonly Candidate[], error: unknown): void {
    for (const candidate of candidates) {
      if (candidate.settled) continue;
      this.release(candidate);
      this.dropSigner(candidate.signerKey);
      candidate.settled = true;
      candidate.reject(error);
    }
  }

  private insert(candidate: Candidate): void {
    const { tx, key, signerKey } = candidate;
    assert(!this.entries.has(key), 'mempool: an id being verified is not pending');
    const entry: Entry = { tx, key, signerKey, expiresAtMs: tx.expiresAtMs, seq: this.seq++ };
    this.entries.set(key, entry);
    this.bytesTotal += tx.bytes.length;
    this.expiries.push(entry);
    assert(this.entries.size <= this.options.txsMax, 'mempool: count bound holds');
    assert(this.bytesTotal <= this.options.bytesMax, 'mempool: bytes bound holds');
  }

  private remove(entry: Entry): void {
    assert(this.entries.get(entry.key) === entry, 'mempool: removes a pending entry');
    this.entries.delete(entry.key);
    this.bytesTotal -= entry.tx.bytes.length;
    assert(this.bytesTotal >= 0, 'mempool: bytes never negative');
    this.dropSigner(entry.signerKey);
  }

  private dropSigner(signerKey: string): void {
    const count = this.signerTxs.get(signerKey);
    assert(count !== undefined && count > 0, 'mempool: signer count covers its transactions');
    if (count === 1) this.signerTxs.delete(signerKey);
    else this.signerTxs.set(signerKey, count - 1);
  }

  private notify(txs: Transaction[], origin: string | undefined): void {
    if (txs.length === 0) return;
    const batch: AdmittedBatch = Object.freeze({
      txs: Object.freeze(txs),
      ...(origin === undefined ? {} : { origin }),
    });
    for (const listener of this.listeners) listener(batch);
  }

  private now(): number {
    const nowMs = this.deps.now();
    assert(Number.isSafeInteger(nowMs) && nowMs >= 0, 'mempool: deps.now() gives integer ms');
    return nowMs;
  }

  reap(txsMax: number, bytesMax: number, options: ReapOptions = {}): Transaction[] {
    checkLimit(txsMax, 'reap.txsMax');
    checkLimit(bytesMax, 'reap.bytesMax');
    const nowMs = this.now();
    const { skip } = options;
    const txs: Transaction[] = [];
    let bytes = 0;
    for (const entry of this.entries.values()) {
      if (txs.length >= txsMax) break;
      const size = entry.tx.bytes.length;
      // A transaction that does not fit is passed over; a smaller one behind it may still fit.
      if (entry.expiresAtMs <= nowMs || bytes + size > bytesMax) continue;
      if (skip?.(entry.tx) === true) continue;
      txs.push(entry.tx);
      bytes += size;
    }
    assert(txs.length <= txsMax && bytes <= bytesMax, 'mempool: reap stays within its limits');
    return txs;
  }

  removeCommitted(txIds: Iterable<Uint8Array>): number {
    let removed = 0;
    for (const txId of txIds) {
      const entry = this.entries.get(checkTxId(txId, 'removeCommitted.txIds[]'));
      if (entry === undefined) continue;
      this.remove(entry);
      removed++;
    }
    this.compactExpiries();
    return removed;
  }

  evictExpired(nowMs: number): number {
    checkLimit(nowMs, 'evictExpired.nowMs');
    let evicted = 0;
    for (let top = this.expiries.peek(); top !== undefined && top.expiresAtMs <= nowMs; ) {
      this.expiries.pop();
      // Entries removed as committed stay in the heap until here: skip those (lazy deletion).
      const live = this.entries.get(top.key);
      if (live !== undefined && live.seq === top.seq) {
        this.remove(live);
        evicted++;
      }
      top = this.expiries.peek();
    }
    this.compactExpiries();
    return evicted;
  }

  /** Rebuilds the heap once stale entries outnumber live ones: O(1) amortised per removal. */
  private compactExpiries(): void {
    if (this.expiries.length <= 2 * this.entries.size + expiryQueueSlackEntries) return;
    this.expiries.rebuild([...this.entries.values()]);
    assert(
      this.expiries.length === this.entries.size,
      'mempool: compacted heap holds live entries',
    );
  }

  has(txId: Uint8Array): boolean {
    return this.entries.has(checkTxId(txId, 'txId'));
  }

  get(txId: Uint8Array): Transaction | undefined {
    return this.entries.get(checkTxId(txId, 'txId'))?.tx;
  }

  *txs(): IterableIterator<Transaction> {
    for (const entry of this.entries.values()) yield entry.tx;
  }

  size(): number {
    return this.entries.size;
  }

  bytes(): number {
    return this.bytesTotal;
  }

  onAdmitted(listener: AdmittedListener): () => void {
    assert(typeof listener === 'function', 'mempool: a listener is a function');
    assert(this.listeners.size < mempoolListenersMax, 'mempool: listener bound holds');
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
