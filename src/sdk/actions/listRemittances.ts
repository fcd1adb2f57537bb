// GET /v1/remittances?limit=&before= (role read): the caller's organisation's remittances, newest
// first, a page at a time.
import type { Client } from '../client.ts';
import { readList, readObject, readOptionalInteger } from '../json.ts';
import { type RemittanceView, readRemittance } from '../remittance-json.ts';

/** The module's page size cap (apps/remittance/constants.ts listLimitMax). */
export const listRemittancesLimitMax = 100;

export type ListRemittancesParameters = {
  /** 1 to 100; the node's default when left out. */
  limit?: number | undefined;
  /** The `next` of the previous page. */
  before?: number | undefined;
  signal?: AbortSignal | undefined;
};

export type ListRemittancesReturnType = {
  readonly items: readonly RemittanceView[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  readonly next?: number;
};

/**
 * Lists remittances the caller's organisation sends, receives, prices or supervises.
 *
 * @example
 * let page = await listRemittances(client, { limit: 50 });
 * while (page.next !== undefined) page = await listRemittances(client, { limit: 50, before: page.next });
 */
export async function listRemittances(
  client: Client,
  params: ListRemittancesParameters = {},
): Promise<ListRemittancesReturnType> {
  const query = new URLSearchParams();
  if (params.limit !== undefined) {
    if (
      !Number.isSafeInteger(params.limit) ||
      params.limit < 1 ||
      params.limit > listRemittancesLimitMax
    )
      throw new RangeError(`limit: expected 1 to ${listRemittancesLimitMax}`);
    query.set('limit', String(params.limit));
  }
  if (params.before !== undefined) {
    if (!Number.isSafeInteger(params.before) || params.before < 0)
      throw new RangeError('before: expected a non-negative integer (a page cursor)');
    query.set('before', String(params.before));
  }
  const q = query.toString();
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/remittances${q === '' ? '' : `?${q}`}`,
    signed: true,
    signal: params.signal,
  });
  const page = readObject(body, 'remittances');
  const items = readList(page.items, 'remittances.items').map((r, i) =>
    readRemittance(r, `remittances.items[${i}]`),
  );
  const next = readOptionalInteger(page.next ?? undefined, 'remittances.next');
  return Object.freeze({ items: Object.freeze(items), ...(next === undefined ? {} : { next }) });
}
