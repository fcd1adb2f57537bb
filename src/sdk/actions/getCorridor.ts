// GET /v1/remittance/corridors/:id (role read): a corridor's currencies, organisations, accounts,
// accept window, KYC tiers and the receiving wallet's acceptance policy.
import type { Client } from '../client.ts';
import { type RemittanceCorridor, readCorridor } from '../remittance-json.ts';

export type GetCorridorParameters = { id: string; signal?: AbortSignal | undefined };

export type GetCorridorReturnType = RemittanceCorridor;

/**
 * Reads one corridor; its organisations are who buildRemittanceSend seals the Travel-Rule data to.
 *
 * @example
 * const corridor = await getCorridor(client, { id: 'HKD-PHP' });
 * console.log(corridor.fxOrg, corridor.acceptWindowSec);
 */
export async function getCorridor(
  client: Client,
  params: GetCorridorParameters,
): Promise<GetCorridorReturnType> {
  if (typeof params.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(params.id))
    throw new TypeError('id: expected a corridor id (1 to 32 of A-Z a-z 0-9 _ -)');
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/remittance/corridors/${params.id}`,
    signed: true,
    signal: params.signal,
  });
  return readCorridor(body, 'corridor');
}
