// The mempool's options and injected dependencies, checked once at construction (CONVENTIONS rule 5:
// constructors take (options, deps); nothing is set afterwards).

import type { VerifyItem } from '../crypto/verify-batch.ts';
import { verifyBatch } from '../crypto/verify-batch.ts';
import { chainIdLengthMax, txBytesMax, txExpiryWindowMs } from '../ledger/limits.ts';
import type { Transaction } from '../ledger/tx.ts';
import {
  mempoolBytesMax,
  mempoolRetryAfterMs,
  mempoolSignerTxsMax,
  mempoolTxsMax,
} from './limits.ts';
import type { PermissionResult } from './results.ts';
import type { CarriedSignatureDeps } from './signatures.ts';

export type MempoolOptions = {
  readonly chainId: string;
  /** Pending transactions at most (default mempoolTxsMax). */
  readonly txsMax?: number;
  /** Bytes of pending transactions at most (default mempoolBytesMax; at least txBytesMax). */
  readonly bytesMax?: number;
  /** Pending transactions per signer at most (default mempoolSignerTxsMax; at most txsMax). */
  readonly perSignerTxsMax?: number;
  /** How far ahead a transaction may expire (default and maximum: the ledger's txExpiryWindowMs). */
  readonly expiryWindowMs?: number;
  /** The hint given with 'mempool_full' and 'signer_quota_exceeded' (default mempoolRetryAfterMs). */
  readonly retryAfterMs?: number;
};

export type VerifyFunction = (items: readonly VerifyItem[]) => Promise<boolean[]>;

/**
 * Signatures a transaction carries besides its own (a send's FX quote) join the same batch; they do
 * not decide admission (execution refuses a bad one with its own code). See signatures.ts.
 */
export type MempoolDeps = CarriedSignatureDeps & {
  /** Current time in ms since the Unix epoch (block time or the clock); an integer. */
  readonly now: () => number;
  /**
   * The chain's replay set: is this id among the committed transactions that have not expired yet?
   * Given the transaction's expiry, which bounds the blocks that can have carried it.
   */
  readonly isCommitted: (txId: Uint8Array, expiresAtMs: number) => boolean;
  /** May the signer's organisation and role send this transaction? Runs after the signature check. */
  readonly checkPermission: (tx: Transaction) => PermissionResult;
  /** Batch signature verification (default verifyBatch: all cores). Called once per admit call. */
  readonly verify?: VerifyFunction;
};

export type ResolvedOptions = {
  readonly chainId: string;
  readonly txsMax: number;
  readonly bytesMax: number;
  readonly perSignerTxsMax: number;
  readonly expiryWindowMs: number;
  readonly retryAfterMs: number;
};

function checkInteger(value: number, min: number, max: number, field: string): number {
  if (!Number.isSafeInteger(value))
    throw new TypeError(`mempool.${field}: expected an integer, got ${String(value)}`);
  if (value < min || value > max)
    throw new RangeError(`mempool.${field}: ${value} is outside ${min}..${max}`);
  return value;
}

export function resolveOptions(options: MempoolOptions): ResolvedOptions {
  const { chainId } = options;
  if (typeof chainId !== 'string' || chainId.length === 0 || chainId.length > chainIdLengthMax)
    throw new TypeError(`mempool.chainId: expected 1..${chainIdLengthMax} characters`);
  const txsMax = checkInteger(options.txsMax ?? mempoolTxsMax, 1, 2 ** 31, 'txsMax');
  return Object.freeze({
    chainId,
    txsMax,
    bytesMax: checkInteger(
      options.bytesMax ?? mempoolBytesMax,
      txBytesMax,
      Number.MAX_SAFE_INTEGER,
      'bytesMax',
    ),
    perSignerTxsMax: checkInteger(
      options.perSignerTxsMax ?? Math.min(mempoolSignerTxsMax, txsMax),
      1,
      txsMax,
      'perSignerTxsMax',
    ),
    // No longer than the ledger's window: the chain only remembers ids that long (replay protection).
    expiryWindowMs: checkInteger(
      options.expiryWindowMs ?? txExpiryWindowMs,
      1,
      txExpiryWindowMs,
      'expiryWindowMs',
    ),
    retryAfterMs: checkInteger(
      options.retryAfterMs ?? mempoolRetryAfterMs,
      1,
      txExpiryWindowMs,
      'retryAfterMs',
    ),
  });
}

export function resolveVerify(deps: MempoolDeps): VerifyFunction {
  for (const name of ['now', 'isCommitted', 'checkPermission'] as const) {
    if (typeof deps[name] !== 'function')
      throw new TypeError(`mempool deps.${name}: expected a function`);
  }
  if (deps.verify !== undefined && typeof deps.verify !== 'function')
    throw new TypeError('mempool deps.verify: expected a function');
  return deps.verify ?? verifyBatch;
}
