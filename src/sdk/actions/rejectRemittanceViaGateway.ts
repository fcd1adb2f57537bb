// POST /v1/remittances/:id/reject (role submit) on the receiving wallet's own node: every leg voids
// and the sender is refunded at once.
import { reasonCodePattern, reasonMessageLengthMax } from '../../apps/remittance/constants.ts';
import { toHex } from '../../util/bytes.ts';
import type { Client } from '../client.ts';
import { remittanceIdArg } from '../remittance.ts';
import { type GatewayAnswer, readGatewayAnswer } from '../remittance-json.ts';
import type { BytesLike } from '../types.ts';

export type RejectRemittanceViaGatewayParameters = {
  id: BytesLike;
  /** ISO 20022 ExternalStatusReason1Code: 'AC04' closed account, 'BE01' inconsistent with end customer, ... */
  reason: string;
  message?: string | undefined;
  wait?: boolean | undefined;
  signal?: AbortSignal | undefined;
};

export type RejectRemittanceViaGatewayReturnType = GatewayAnswer;

/**
 * Rejects a pending remittance as the receiving wallet, with a reason code.
 *
 * @example
 * const answer = await rejectRemittanceViaGateway(client, { id: uetr, reason: 'AC04' });
 * console.log(answer.remittance?.status); // 'rejected'
 */
export async function rejectRemittanceViaGateway(
  client: Client,
  params: RejectRemittanceViaGatewayParameters,
): Promise<RejectRemittanceViaGatewayReturnType> {
  if (typeof params.reason !== 'string' || !reasonCodePattern.test(params.reason))
    throw new TypeError(
      'reason: expected an ISO 20022 status reason code (4 characters, e.g. AC04)',
    );
  if (params.message !== undefined && params.message.length > reasonMessageLengthMax)
    throw new RangeError(`message: at most ${reasonMessageLengthMax} characters`);
  const body: Record<string, unknown> = { reason: params.reason, wait: params.wait ?? true };
  if (params.message !== undefined) body.message = params.message;
  const response = await client.request({
    method: 'POST',
    path: `/v1/remittances/${toHex(remittanceIdArg(params.id))}/reject`,
    body,
    signed: true,
    signal: params.signal,
  });
  return readGatewayAnswer(response.body, 'answer');
}
