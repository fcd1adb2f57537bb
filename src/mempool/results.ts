// What admission answers for each transaction: a stable snake_case code and a user-facing message.
// The codes are API surface (HTTP maps them: mempool_full -> 503 with Retry-After); messages are pinned.

/** Codes the mempool itself produces, in the order its checks run (see docs in mempool.ts). */
export type AdmitRejectCode =
  | 'tx_too_large'
  | 'tx_malformed'
  | 'wrong_chain'
  | 'tx_expired'
  | 'tx_expiry_too_far'
  | 'tx_already_committed'
  | 'mempool_full'
  | 'signer_quota_exceeded'
  | 'bad_signature';

export type AdmitResult =
  | {
      readonly status: 'admitted';
      readonly txId: Uint8Array;
      /** Present only as 'tx_duplicate': the transaction was already pending, and still is. */
      readonly code?: 'tx_duplicate';
      readonly message?: string;
    }
  | {
      readonly status: 'rejected';
      /** Absent when the bytes never decoded into a transaction. */
      readonly txId?: Uint8Array;
      /** One of AdmitRejectCode, or the permission check's own code. */
      readonly code: string;
      readonly message: string;
      /** For 'mempool_full' and 'signer_quota_exceeded': when a retry may succeed. */
      readonly retryAfterMs?: number;
    };

export type PermissionResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly message: string };

export function admitted(txId: Uint8Array): AdmitResult {
  return Object.freeze({ status: 'admitted', txId });
}

export function duplicate(txId: Uint8Array): AdmitResult {
  return Object.freeze({
    status: 'admitted',
    txId,
    code: 'tx_duplicate',
    message: 'transaction is already pending',
  });
}

export function rejected(
  code: string,
  message: string,
  txId?: Uint8Array,
  retryAfterMs?: number,
): AdmitResult {
  return Object.freeze({
    status: 'rejected',
    code,
    message,
    ...(txId === undefined ? {} : { txId }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export const messages = Object.freeze({
  tooLarge: (bytes: number, bytesMax: number) =>
    `transaction is ${bytes} bytes; the limit is ${bytesMax}`,
  wrongChain: (got: string, expected: string) =>
    `transaction is for chain ${JSON.stringify(got)}; this node runs ${JSON.stringify(expected)}`,
  expired: (expiresAtMs: number, nowMs: number) =>
    `transaction expired at ${expiresAtMs} (now ${nowMs})`,
  expiryTooFar: (aheadMs: number, windowMs: number) =>
    `transaction expires ${aheadMs} ms from now; the limit is ${windowMs} ms`,
  alreadyCommitted: () => 'transaction is already committed',
  full: (txsMax: number, bytesMax: number, retryAfterMs: number) =>
    `mempool is full (limits: ${txsMax} transactions, ${bytesMax} bytes); retry after ${retryAfterMs} ms`,
  signerQuota: (signerTxsMax: number, retryAfterMs: number) =>
    `signer has reached its limit of ${signerTxsMax} pending transactions; retry after ${retryAfterMs} ms`,
  badSignature: () => 'tx.signature: does not verify against tx.signer',
});
