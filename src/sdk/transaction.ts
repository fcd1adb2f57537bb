// Builds and signs transactions in the ledger's canonical bytes (src/ledger/tx.ts): the SDK encodes
// with the ledger's own functions, so the node decodes exactly what was signed.
import { type CborValue, encode } from '../codec/index.ts';
import { txExpiryWindowMs } from '../ledger/limits.ts';
import {
  decodeTransaction,
  encodeTransactionBody,
  type Transaction,
  type TransactionBody,
  transactionId,
} from '../ledger/tx.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual, toHex } from '../util/bytes.ts';
import type { LocalAccount } from './accounts.ts';

/** How long a transaction stays valid when the caller does not say: long enough to retry. */
export const txLifetimeMsDefault = 60_000;

/** A transaction without its signer: what buildTransaction returns and signTransaction completes. */
export type TransactionRequest = {
  readonly chainId: string;
  readonly module: string;
  readonly method: string;
  readonly args: CborValue;
  readonly nonce: bigint;
  readonly expiresAtMs: number;
};

export type BuildTransactionParameters = {
  chainId: string;
  module: string;
  method: string;
  args: CborValue;
  /** Makes a retry the same transaction; random 64 bits when left out. */
  nonce?: bigint;
  /** From now; at most the ledger's window (10 minutes). Defaults to 60 s. */
  expiresInMs?: number;
  /** The clock, for callers that keep their own (defaults to Date.now()). */
  nowMs?: number;
};

export type SignedTransaction = Transaction & {
  /** The id as lower-case hex, as the API names transactions. */
  readonly txId: string;
  /** The canonical signed bytes as hex, ready for POST /v1/txs. */
  readonly hex: string;
};

function randomNonce(): bigint {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return BigInt(`0x${toHex(bytes)}`);
}

/**
 * Describes one module call; sign it with signTransaction.
 *
 * @example
 * const request = buildTransaction({ chainId, module: 'bank', method: 'create_transfer',
 *   args: createTransferArgs({ id, debitAccountId, creditAccountId, amount: 1250n, currency: 'HKD' }) });
 */
export function buildTransaction(params: BuildTransactionParameters): TransactionRequest {
  const expiresInMs = params.expiresInMs ?? txLifetimeMsDefault;
  if (!Number.isSafeInteger(expiresInMs) || expiresInMs <= 0 || expiresInMs > txExpiryWindowMs)
    throw new RangeError(`expiresInMs: expected 1 to ${txExpiryWindowMs}`);
  const nowMs = params.nowMs ?? Date.now();
  if (!Number.isSafeInteger(nowMs) || nowMs < 0)
    throw new RangeError('nowMs: expected ms since the epoch');
  const nonce = params.nonce ?? randomNonce();
  if (typeof nonce !== 'bigint' || nonce < 0n || nonce >= 1n << 64n)
    throw new RangeError('nonce: expected an unsigned 64-bit bigint');
  return Object.freeze({
    chainId: params.chainId,
    module: params.module,
    method: params.method,
    args: params.args,
    nonce,
    expiresAtMs: nowMs + expiresInMs,
  });
}

/**
 * Signs a transaction with an account: id = sha256 under the 'tx' domain of the canonical body,
 * signature over the id, bytes = [body, signature]. The result is decoded again by the ledger, so a
 * body the node would refuse (a bad identifier, an oversized transaction) throws here instead.
 *
 * @example
 * const tx = signTransaction(account, request);
 * await submitTransactions(client, { transactions: [tx] });
 */
export function signTransaction(
  account: LocalAccount,
  request: TransactionRequest,
): SignedTransaction {
  const body: TransactionBody = {
    chainId: request.chainId,
    suite: account.suite,
    signer: account.publicKey,
    nonce: request.nonce,
    expiresAtMs: request.expiresAtMs,
    module: request.module,
    method: request.method,
    args: request.args,
  };
  const bodyBytes = encodeTransactionBody(body);
  const id = transactionId(bodyBytes);
  const bytes = encode([bodyBytes, account.sign(id)]);
  const tx = decodeTransaction(bytes);
  assert(bytesEqual(tx.id, id), 'signTransaction: decoded id matches the signed id');
  return Object.freeze({ ...tx, txId: toHex(id), hex: toHex(bytes) });
}
