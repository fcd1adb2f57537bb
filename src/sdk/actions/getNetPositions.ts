// GET /v1/positions/:day (role read): the end-of-day net positions between organisations for a UTC
// day, the same on every node; as JSON or CSV.
import type { Client } from '../client.ts';
import { readDecimal, readList, readObject, readText } from '../json.ts';

const dayPattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export type GetNetPositionsParameters = {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** Default 'json'. */
  format?: 'json' | 'csv' | undefined;
  signal?: AbortSignal | undefined;
};

export type NetPosition = {
  readonly payer: string;
  readonly payee: string;
  readonly currency: string;
  /** Minor units, > 0: what payer owes payee after netting. */
  readonly amount: bigint;
};

export type GetNetPositionsReturnType =
  | { readonly format: 'json'; readonly day: string; readonly positions: readonly NetPosition[] }
  | { readonly format: 'csv'; readonly day: string; readonly text: string };

/**
 * Reads the netted obligations of one UTC day.
 *
 * @example
 * const p = await getNetPositions(client, { day: '2026-03-14' });
 * if (p.format === 'json') for (const x of p.positions) console.log(x.payer, x.payee, x.currency, x.amount);
 */
export async function getNetPositions(
  client: Client,
  params: GetNetPositionsParameters,
): Promise<GetNetPositionsReturnType> {
  const { day } = params;
  if (typeof day !== 'string' || !dayPattern.test(day))
    throw new TypeError(`day: expected a UTC day as YYYY-MM-DD, not ${JSON.stringify(day)}`);
  const format = params.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new TypeError('format: expected json or csv');
  const response = await client.request({
    method: 'GET',
    path: `/v1/positions/${day}?format=${format}`,
    signed: true,
    signal: params.signal,
    ...(format === 'csv' ? { accept: 'text/csv' } : {}),
  });
  if (format === 'csv')
    return Object.freeze({ format, day, text: readText(response.body, 'positions') });
  const list = readList(readObject(response.body, 'positions').positions, 'positions.positions');
  const positions = list.map((p, i) => {
    const f = `positions.positions[${i}]`;
    const o = readObject(p, f);
    return Object.freeze({
      payer: readText(o.payer, `${f}.payer`),
      payee: readText(o.payee, `${f}.payee`),
      currency: readText(o.currency, `${f}.currency`),
      amount: readDecimal(o.amount, `${f}.amount`),
    });
  });
  return Object.freeze({ format, day, positions: Object.freeze(positions) });
}
