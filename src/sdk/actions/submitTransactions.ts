// POST /v1/txs (role submit): signed transactions into the node's mempool, one result per input, in
// order. Admission is not finality: follow with waitForTransaction or watchEvents.

import { toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import { sleep } from '../backoff.ts';
import type { Client } from '../client.ts';
import { readHex, readList, readObject, readOneOf, readOptionalText } from '../json.ts';
import type { SignedTransaction } from '../transaction.ts';

/** Transactions in one request (docs/api.md: 1 to 1000). */
export const submitTxsMax = 1000;
/** The longest Retry-After the SDK waits out by itself; a longer one is the caller's decision. */
export const submitRetryDelayMsMax = 30_000;
/**
 * How long to wait before sending again what a 200 answer refused as busy: such an answer carries no
 * Retry-After, and the node's own default for one is a second.
 */
export const busyRetryDelayMs = 1000;
const busyCodes = ['mempool_full', 'signer_quota_exceeded'];

export type SubmitTransactionsParameters = {
  /** Signed transactions, as signTransaction returns them, or their canonical bytes (or hex). */
  transactions: readonly (SignedTransaction | Uint8Array | string)[];
  /**
   * Retries when the node answers 503 mempool_full or 429 signer_quota_exceeded with Retry-After,
   * waiting what it asks, and sends again, after `busyRetryDelayMs`, the transactions a 200 answer
   * refused one by one with those codes (the node took part of the batch); up to `attemptsMax` more
   * attempts (default 0: no retry). The results are in input order whichever attempt settled each.
   */
  retry?: { attemptsMax: number };
  signal?: AbortSignal | undefined;
};

export type SubmitResult = {
  /** Absent when the bytes never decoded into a transaction. */
  readonly txId?: string;
  readonly status: 'admitted' | 'rejected';
  /** 'tx_duplicate' with admitted: it was already pending. Otherwise why it was refused. */
  readonly code?: string;
  readonly message?: string;
};

export type SubmitTransactionsReturnType = { readonly results: readonly SubmitResult[] };

function toTxHex(tx: SignedTransaction | Uint8Array | string, i: number): string {
  if (tx instanceof Uint8Array) return toHex(tx);
  if (typeof tx === 'string') {
    if (!/^(?:[0-9a-f]{2})+$/.test(tx))
      throw new TypeError(`transactions[${i}]: expected lower-case hex`);
    return tx;
  }
  if (typeof tx === 'object' && tx !== null && typeof tx.hex === 'string') return tx.hex;
  throw new TypeError(`transactions[${i}]: expected a signed transaction, bytes or hex`);
}

function isBusy(error: unknown): error is TallyError {
  return error instanceof TallyError && busyCodes.includes(error.code);
}

function retryDelayMs(error: unknown): number | undefined {
  if (!isBusy(error)) return undefined;
  const delay = error.details.retryAfterMs;
  return typeof delay === 'number' && delay <= submitRetryDelayMsMax ? delay : undefined;
}

/**
 * Submits signed transactions. A 200 answer can still refuse some of them: check each result.
 *
 * @example
 * const tx = signTransaction(account, buildTransaction({ chainId, ...createTransfer(transfer) }));
 * const { results } = await submitTransactions(client, { transactions: [tx], retry: { attemptsMax: 3 } });
 * if (results[0]?.status === 'rejected') throw new Error(results[0].message);
 */
export async function submitTransactions(
  client: Client,
  params: SubmitTransactionsParameters,
): Promise<SubmitTransactionsReturnType> {
  const { transactions } = params;
  if (
    !Array.isArray(transactions) ||
    transactions.length === 0 ||
    transactions.length > submitTxsMax
  )
    throw new RangeError(`transactions: expected 1 to ${submitTxsMax}`);
  const attemptsMax = params.retry?.attemptsMax ?? 0;
  if (!Number.isSafeInteger(attemptsMax) || attemptsMax < 0)
    throw new RangeError('retry.attemptsMax: expected an integer >= 0');
  const hexes = transactions.map(toTxHex);
  const results = new Array<SubmitResult | undefined>(hexes.length);
  let pending = hexes.map((_, i) => i);
  for (let attempt = 0; ; attempt++) {
    let answer: SubmitTransactionsReturnType;
    try {
      answer = await postTxs(
        client,
        pending.map((i) => hexes[i]!),
        params.signal,
      );
    } catch (error) {
      const delay = retryDelayMs(error);
      if (delay !== undefined && attempt < attemptsMax) {
        await sleep(delay, params.signal);
        continue;
      }
      // Part of the batch was taken on an earlier attempt: answer for all of it, not lose that.
      if (!results.some((r) => r !== undefined) || !isBusy(error)) throw error;
      for (const index of pending)
        results[index] = Object.freeze({
          status: 'rejected',
          code: error.code,
          message: error.message,
        });
      return Object.freeze({ results: Object.freeze(results as SubmitResult[]) });
    }
    const busy: number[] = [];
    answer.results.forEach((result, j) => {
      const index = pending[j]!;
      results[index] = result;
      if (result.status === 'rejected' && busyCodes.includes(result.code ?? '')) busy.push(index);
    });
    if (busy.length === 0 || attempt >= attemptsMax)
      return Object.freeze({ results: Object.freeze(results as SubmitResult[]) });
    pending = busy;
    await sleep(busyRetryDelayMs, params.signal);
  }
}

async function postTxs(
  client: Client,
  txs: readonly string[],
  signal: AbortSignal | undefined,
): Promise<SubmitTransactionsReturnType> {
  const response = await client.request({
    method: 'POST',
    path: '/v1/txs',
    body: { txs },
    signed: true,
    signal,
  });
  return parseSubmitResults(response.body, txs.length);
}

function parseSubmitResults(body: unknown, count: number): SubmitTransactionsReturnType {
  const list = readList(readObject(body, 'submit').results, 'submit.results');
  if (list.length !== count)
    throw new TallyError(
      'bad_response',
      `submit.results: ${list.length} results for ${count} transactions`,
    );
  const results = list.map((item, i): SubmitResult => {
    const f = `submit.results[${i}]`;
    const r = readObject(item, f);
    const out: { -readonly [K in keyof SubmitResult]: SubmitResult[K] } = {
      status: readOneOf(r.status, `${f}.status`, ['admitted', 'rejected'] as const),
    };
    if (r.txId !== undefined) out.txId = readHex(r.txId, `${f}.txId`, 32);
    const code = readOptionalText(r.code, `${f}.code`);
    if (code !== undefined) out.code = code;
    const message = readOptionalText(r.message, `${f}.message`);
    if (message !== undefined) out.message = message;
    return Object.freeze(out);
  });
  return Object.freeze({ results: Object.freeze(results) });
}
