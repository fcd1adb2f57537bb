// POST /v1/remittances/:id/accept (role submit) on the receiving wallet's own node: its gateway key
// signs remittance.accept; every leg posts atomically.
import { toHex } from '../../util/bytes.ts';
import type { Client } from '../client.ts';
import { remittanceIdArg } from '../remittance.ts';
import { type GatewayAnswer, readGatewayAnswer } from '../remittance-json.ts';
import type { BytesLike } from '../types.ts';

export type AcceptRemittanceViaGatewayParameters = {
  id: BytesLike;
  /** Answer once the transaction is final (default true). */
  wait?: boolean | undefined;
  signal?: AbortSignal | undefined;
};

export type AcceptRemittanceViaGatewayReturnType = GatewayAnswer;

/**
 * Accepts a pending remittance as the receiving wallet.
 *
 * @example
 * const answer = await acceptRemittanceViaGateway(client, { id: uetr });
 * console.log(answer.code, answer.remittance?.status); // 'ok' 'completed'
 */
export async function acceptRemittanceViaGateway(
  client: Client,
  params: AcceptRemittanceViaGatewayParameters,
): Promise<AcceptRemittanceViaGatewayReturnType> {
  const response = await client.request({
    method: 'POST',
    path: `/v1/remittances/${toHex(remittanceIdArg(params.id))}/accept`,
    body: { wait: params.wait ?? true },
    signed: true,
    signal: params.signal,
  });
  return readGatewayAnswer(response.body, 'answer');
}
