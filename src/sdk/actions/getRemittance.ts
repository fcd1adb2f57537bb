// GET /v1/remittances/:id (role read): a remittance with its status, amounts, legs and deadline, and
// the Travel-Rule data when the caller's organisation is entitled and is this node's organisation.

import { toHex } from '../../util/bytes.ts';
import type { Client } from '../client.ts';
import { remittanceIdArg } from '../remittance.ts';
import { type RemittanceView, readRemittance } from '../remittance-json.ts';
import type { BytesLike } from '../types.ts';

export type GetRemittanceParameters = {
  /** The UETR text, 32 hex digits or the 16 bytes. */
  id: BytesLike;
  signal?: AbortSignal | undefined;
};

export type GetRemittanceReturnType = RemittanceView;

/**
 * Reads one remittance from the node's latest executed state.
 *
 * @example
 * const r = await getRemittance(client, { id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479' });
 * console.log(r.status, r.receiveAmount);
 */
export async function getRemittance(
  client: Client,
  params: GetRemittanceParameters,
): Promise<GetRemittanceReturnType> {
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/remittances/${toHex(remittanceIdArg(params.id))}`,
    signed: true,
    signal: params.signal,
  });
  return readRemittance(body, 'remittance');
}
