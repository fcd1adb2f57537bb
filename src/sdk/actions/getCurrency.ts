// GET /v1/currencies/:code (role read): a currency registered with the bank, and its supply.
import type { Client } from '../client.ts';
import { readDecimal, readHex, readInteger, readObject, readText } from '../json.ts';

export type GetCurrencyParameters = { code: string; signal?: AbortSignal | undefined };

export type GetCurrencyReturnType = {
  readonly code: string;
  readonly decimals: number;
  readonly issuer: string;
  readonly issuerAccountId: string;
  /** Issued minus redeemed, minor units. */
  readonly supply: bigint;
};

/**
 * Reads a currency record.
 *
 * @example
 * const { decimals, supply } = await getCurrency(client, { code: 'HKD' });
 */
export async function getCurrency(
  client: Client,
  params: GetCurrencyParameters,
): Promise<GetCurrencyReturnType> {
  if (typeof params.code !== 'string' || !/^[A-Z]{3}$/.test(params.code))
    throw new TypeError('code: expected three capital letters (ISO 4217)');
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/currencies/${params.code}`,
    signed: true,
    signal: params.signal,
  });
  const c = readObject(body, 'currency');
  return Object.freeze({
    code: readText(c.code, 'currency.code'),
    decimals: readInteger(c.decimals, 'currency.decimals'),
    issuer: readHex(c.issuer, 'currency.issuer'),
    issuerAccountId: readHex(c.issuerAccountId, 'currency.issuerAccountId', 16),
    supply: readDecimal(c.supply, 'currency.supply'),
  });
}
