// Waits until a transaction is final (executed in a committed block) by polling GET /v1/txs/:id with
// exponential backoff; BFT finality is deterministic, so the first 'final' answer is the last word.
// Transient failures (network, 5xx) keep it polling; anything else (401, 403, 400) ends the wait.
import { TallyError } from '../../util/errors.ts';
import { abortError, backoffDelayMs, sleep } from '../backoff.ts';
import type { Client } from '../client.ts';
import { toHexParam } from '../json.ts';
import type { ModuleEvent } from '../types.ts';
import { type GetTransactionReturnType, getTransaction } from './getTransaction.ts';

export const waitTimeoutMsDefault = 30_000;
export const waitPollInitialMsDefault = 100;
export const waitPollMaxMsDefault = 2_000;

export type WaitForTransactionParameters = {
  txId: Uint8Array | string;
  /** Gives up with TallyError 'wait_timeout' after this long (default 30 s). */
  timeoutMs?: number;
  /** First poll interval; it doubles up to pollMaxMs (defaults 100 ms and 2 s). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  signal?: AbortSignal | undefined;
};

/** A final transaction: its receipt is complete. A failed module call is a code, not an exception. */
export type WaitForTransactionReturnType = GetTransactionReturnType & {
  readonly status: 'final';
  readonly height: number;
  readonly index: number;
  readonly code: string;
  readonly message: string;
  readonly events: readonly ModuleEvent[];
};

/** The receipt when `tx` is final; a final status always carries height, index and code. */
function finalReceipt(tx: GetTransactionReturnType): WaitForTransactionReturnType | undefined {
  if (tx.status !== 'final') return undefined;
  if (tx.height === undefined || tx.index === undefined || tx.code === undefined)
    throw new TallyError('bad_response', `transaction ${tx.txId}: final without its receipt`);
  return Object.freeze({
    ...tx,
    status: 'final',
    height: tx.height,
    index: tx.index,
    code: tx.code,
    message: tx.message ?? '',
    events: tx.events ?? [],
  });
}

/** A dropped connection or a 5xx: the node may answer the next poll, so waiting goes on. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof TallyError)) return false;
  const status = error.details.status;
  return error.code === 'network_error' || (typeof status === 'number' && status >= 500);
}

/**
 * Resolves with the receipt once the transaction is final.
 *
 * @example
 * const [result] = (await submitTransactions(client, { transactions: [tx] })).results;
 * const receipt = await waitForTransaction(client, { txId: tx.txId, timeoutMs: 10_000 });
 * if (receipt.code !== 'ok') console.log('refused:', receipt.code);
 */
export async function waitForTransaction(
  client: Client,
  params: WaitForTransactionParameters,
): Promise<WaitForTransactionReturnType> {
  const txId = toHexParam(params.txId, 'txId');
  const timeoutMs = params.timeoutMs ?? waitTimeoutMsDefault;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0)
    throw new RangeError('timeoutMs: expected >= 0');
  const backoff = {
    initialMs: params.pollInitialMs ?? waitPollInitialMsDefault,
    maxMs: params.pollMaxMs ?? waitPollMaxMsDefault,
  };
  if (!(backoff.initialMs > 0 && backoff.maxMs >= backoff.initialMs))
    throw new RangeError('pollInitialMs, pollMaxMs: expected 0 < pollInitialMs <= pollMaxMs');
  const deadline = Date.now() + timeoutMs;
  let last: GetTransactionReturnType | undefined;
  for (let attempt = 0; ; attempt++) {
    if (params.signal?.aborted) throw abortError(params.signal);
    try {
      last = await getTransaction(client, { txId, signal: params.signal });
      const receipt = finalReceipt(last);
      if (receipt !== undefined) return receipt;
    } catch (error) {
      if (!isTransient(error)) throw error;
    }
    const leftMs = deadline - Date.now();
    if (leftMs <= 0) break;
    await sleep(Math.min(backoffDelayMs(attempt, backoff), leftMs), params.signal);
  }
  throw new TallyError('wait_timeout', `transaction ${txId} was not final after ${timeoutMs} ms`, {
    details: { txId, timeoutMs, status: last?.status },
  });
}
