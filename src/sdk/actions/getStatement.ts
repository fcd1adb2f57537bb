// GET /v1/statements/:accountId (role read): an account's statement between two times, as JSON, as
// RFC 4180 CSV, or as an ISO 20022 camt.053 message.

import { bankIdHex } from '../bank.ts';
import type { Client } from '../client.ts';
import {
  readDecimal,
  readHex,
  readInteger,
  readList,
  readObject,
  readOneOf,
  readOptionalText,
  readText,
} from '../json.ts';
import type { BytesLike } from '../types.ts';

export type StatementFormat = 'json' | 'csv' | 'camt053';

export type GetStatementParameters = {
  accountId: BytesLike;
  /** Unix ms; the node's defaults when left out. */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** Default 'json'. */
  format?: StatementFormat | undefined;
  signal?: AbortSignal | undefined;
};

export type StatementEntryView = {
  readonly transferId: string;
  readonly height: number;
  readonly timeMs: number;
  readonly direction: 'debit' | 'credit';
  readonly amount: bigint;
  readonly counterpartyAccountId: string;
  readonly status: 'posted' | 'pending' | 'voided' | 'expired';
  readonly reference?: string;
};

export type StatementView = {
  readonly orgId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly decimals: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly opening: bigint;
  readonly closing: bigint;
  readonly entries: readonly StatementEntryView[];
};

export type GetStatementReturnType =
  | { readonly format: 'json'; readonly statement: StatementView }
  | { readonly format: 'csv' | 'camt053'; readonly text: string };

const acceptOf: Record<StatementFormat, string> = {
  json: 'application/json',
  csv: 'text/csv',
  camt053: 'application/xml',
};

function timeParam(value: number | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${field}: expected unix ms`);
  return String(value);
}

/**
 * Reads the statement of an account the caller's organisation operates (a regulator: any account).
 *
 * @example
 * const s = await getStatement(client, { accountId, format: 'json' });
 * if (s.format === 'json') console.log(s.statement.opening, s.statement.closing);
 * const csv = await getStatement(client, { accountId, format: 'csv' });
 */
export async function getStatement(
  client: Client,
  params: GetStatementParameters,
): Promise<GetStatementReturnType> {
  const format = params.format ?? 'json';
  if (!(format in acceptOf)) throw new TypeError('format: expected json, csv or camt053');
  const query = new URLSearchParams();
  const from = timeParam(params.fromMs, 'fromMs');
  const to = timeParam(params.toMs, 'toMs');
  if (from !== undefined) query.set('from', from);
  if (to !== undefined) query.set('to', to);
  query.set('format', format);
  const response = await client.request({
    method: 'GET',
    path: `/v1/statements/${bankIdHex(params.accountId)}?${query.toString()}`,
    signed: true,
    signal: params.signal,
    ...(format === 'json' ? {} : { accept: acceptOf[format] }),
  });
  if (format !== 'json')
    return Object.freeze({ format, text: readText(response.body, 'statement') });
  return Object.freeze({ format, statement: readStatement(response.body) });
}

export function readStatement(body: unknown): StatementView {
  const s = readObject(body, 'statement');
  const entries = readList(s.entries, 'statement.entries').map((e, i) => {
    const f = `statement.entries[${i}]`;
    const o = readObject(e, f);
    const reference = readOptionalText(o.reference, `${f}.reference`);
    return Object.freeze({
      transferId: readHex(o.transferId, `${f}.transferId`),
      height: readInteger(o.height, `${f}.height`),
      timeMs: readInteger(o.timeMs, `${f}.timeMs`),
      direction: readOneOf(o.direction, `${f}.direction`, ['debit', 'credit'] as const),
      amount: readDecimal(o.amount, `${f}.amount`),
      counterpartyAccountId: readHex(o.counterpartyAccountId, `${f}.counterpartyAccountId`),
      status: readOneOf(o.status, `${f}.status`, [
        'posted',
        'pending',
        'voided',
        'expired',
      ] as const),
      ...(reference === undefined ? {} : { reference }),
    });
  });
  return Object.freeze({
    orgId: readText(s.orgId, 'statement.orgId'),
    accountId: readHex(s.accountId, 'statement.accountId', 16),
    currency: readText(s.currency, 'statement.currency'),
    decimals: readInteger(s.decimals, 'statement.decimals'),
    fromMs: readInteger(s.fromMs, 'statement.fromMs'),
    toMs: readInteger(s.toMs, 'statement.toMs'),
    opening: readDecimal(s.opening, 'statement.opening'),
    closing: readDecimal(s.closing, 'statement.closing'),
    entries: Object.freeze(entries),
  });
}
