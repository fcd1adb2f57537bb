// GET /v1/txs/:txId (role read): pending, final with its receipt, or unknown to this node.
import type { Client } from '../client.ts';
import {
  readHex,
  readObject,
  readOneOf,
  readOptionalInteger,
  readOptionalText,
  toHexParam,
} from '../json.ts';
import { type ModuleEvent, readModuleEvents } from '../types.ts';

export type GetTransactionParameters = {
  /** The transaction id: bytes, hex, or a signed transaction's `txId`. */
  txId: Uint8Array | string;
  signal?: AbortSignal | undefined;
};

export type TransactionStatus = 'pending' | 'final' | 'unknown';

export type GetTransactionReturnType = {
  readonly txId: string;
  readonly status: TransactionStatus;
  /** Known once the transaction is in a committed block (final, or committed and not yet executed). */
  readonly height?: number;
  readonly index?: number;
  /** The receipt of a final transaction: 'ok' or the module's result code. */
  readonly code?: string;
  readonly message?: string;
  readonly events?: readonly ModuleEvent[];
};

/**
 * Reads a transaction's status; a final one carries its receipt (code, message, events).
 *
 * @example
 * const { status, code } = await getTransaction(client, { txId: tx.txId });
 */
export async function getTransaction(
  client: Client,
  params: GetTransactionParameters,
): Promise<GetTransactionReturnType> {
  const txId = toHexParam(params.txId, 'txId');
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/txs/${txId}`,
    signed: true,
    signal: params.signal,
  });
  return parseTransactionStatus(body);
}

export function parseTransactionStatus(body: unknown): GetTransactionReturnType {
  const t = readObject(body, 'tx');
  const out: {
    -readonly [K in keyof GetTransactionReturnType]: GetTransactionReturnType[K];
  } = {
    txId: readHex(t.txId, 'tx.txId', 32),
    status: readOneOf(t.status, 'tx.status', ['pending', 'final', 'unknown'] as const),
  };
  const height = readOptionalInteger(t.height, 'tx.height');
  if (height !== undefined) out.height = height;
  const index = readOptionalInteger(t.index, 'tx.index');
  if (index !== undefined) out.index = index;
  const code = readOptionalText(t.code, 'tx.code');
  if (code !== undefined) out.code = code;
  const message = readOptionalText(t.message, 'tx.message');
  if (message !== undefined) out.message = message;
  if (t.events !== undefined) out.events = readModuleEvents(t.events, 'tx.events');
  return Object.freeze(out);
}
