// GET /v1/blocks/latest (public): the highest committed block, as getBlock returns it.
import type { Client } from '../client.ts';
import { type GetBlockReturnType, parseBlock } from './getBlock.ts';

export type GetLatestBlockParameters = { signal?: AbortSignal | undefined };

export type GetLatestBlockReturnType = GetBlockReturnType;

/**
 * Reads the latest committed block.
 *
 * @example
 * const { height, hash } = await getLatestBlock(client);
 */
export async function getLatestBlock(
  client: Client,
  params: GetLatestBlockParameters = {},
): Promise<GetLatestBlockReturnType> {
  const { body } = await client.request({
    method: 'GET',
    path: '/v1/blocks/latest',
    signal: params.signal,
  });
  return parseBlock(body);
}
