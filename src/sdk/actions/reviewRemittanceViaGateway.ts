// POST /v1/remittances/:id/review (role submit) on the node of the corridor's bank or a regulator:
// release or refuse a remittance that sanctions screening held.
import { reviewNoteLengthMax } from '../../apps/remittance/constants.ts';
import { toHex } from '../../util/bytes.ts';
import type { Client } from '../client.ts';
import { remittanceIdArg } from '../remittance.ts';
import { type GatewayAnswer, readGatewayAnswer } from '../remittance-json.ts';
import type { BytesLike } from '../types.ts';

export type ReviewRemittanceViaGatewayParameters = {
  id: BytesLike;
  decision: 'release' | 'refuse';
  note?: string | undefined;
  wait?: boolean | undefined;
  signal?: AbortSignal | undefined;
};

export type ReviewRemittanceViaGatewayReturnType = GatewayAnswer;

/**
 * Decides a held remittance: release continues it as a send would, refuse voids every leg.
 *
 * @example
 * const answer = await reviewRemittanceViaGateway(client, { id: uetr, decision: 'release', note: 'false positive' });
 */
export async function reviewRemittanceViaGateway(
  client: Client,
  params: ReviewRemittanceViaGatewayParameters,
): Promise<ReviewRemittanceViaGatewayReturnType> {
  if (params.decision !== 'release' && params.decision !== 'refuse')
    throw new TypeError("decision: expected 'release' or 'refuse'");
  if (params.note !== undefined && params.note.length > reviewNoteLengthMax)
    throw new RangeError(`note: at most ${reviewNoteLengthMax} characters`);
  const body: Record<string, unknown> = { decision: params.decision, wait: params.wait ?? true };
  if (params.note !== undefined) body.note = params.note;
  const response = await client.request({
    method: 'POST',
    path: `/v1/remittances/${toHex(remittanceIdArg(params.id))}/review`,
    body,
    signed: true,
    signal: params.signal,
  });
  return readGatewayAnswer(response.body, 'answer');
}
