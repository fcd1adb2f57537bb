// POST /v1/remittances (role submit) on the sending wallet's own node: the node seals the Travel-Rule
// data, computes the screening keys, signs remittance.send with its gateway key and submits it.
import type { TravelRule } from '../../apps/remittance/travel-rule.ts';
import type { SignedQuote } from '../../modules/fx/quote.ts';
import { signedQuoteToJson } from '../../modules/fx/quote-json.ts';
import { toHex } from '../../util/bytes.ts';
import { bankIdHex } from '../bank.ts';
import type { Client } from '../client.ts';
import { remittanceIdArg } from '../remittance.ts';
import { type GatewayAnswer, readGatewayAnswer } from '../remittance-json.ts';
import type { BytesLike } from '../types.ts';

export type SendRemittanceViaGatewayParameters = {
  /** The UETR (keep it to retry harmlessly); the node makes one when left out. */
  id?: BytesLike | undefined;
  corridor: string;
  quote: SignedQuote;
  senderAccountId: BytesLike;
  beneficiaryAccountId: BytesLike;
  /** In clear to your own node, which encrypts it before anything goes on chain. */
  travelRule: TravelRule;
  endToEndId?: string | undefined;
  /** Answer once the transaction is final (default true). */
  wait?: boolean | undefined;
  signal?: AbortSignal | undefined;
};

export type SendRemittanceViaGatewayReturnType = GatewayAnswer;

/**
 * Sends a remittance through the gateway of the caller's organisation's node. A retry with the same
 * id answers code 'remittance_exists' and moves nothing twice.
 *
 * @example
 * const answer = await sendRemittanceViaGateway(client, { id: newRemittanceId(), corridor: 'HKD-PHP',
 *   quote, senderAccountId, beneficiaryAccountId, travelRule });
 * if (answer.code !== 'ok') throw new Error(answer.code);
 * console.log(answer.uetr, answer.remittance?.status);
 */
export async function sendRemittanceViaGateway(
  client: Client,
  params: SendRemittanceViaGatewayParameters,
): Promise<SendRemittanceViaGatewayReturnType> {
  const body: Record<string, unknown> = {
    corridor: params.corridor,
    quote: signedQuoteToJson(params.quote),
    senderAccountId: bankIdHex(params.senderAccountId),
    beneficiaryAccountId: bankIdHex(params.beneficiaryAccountId),
    travelRule: params.travelRule,
    wait: params.wait ?? true,
  };
  if (params.id !== undefined) body.id = toHex(remittanceIdArg(params.id));
  if (params.endToEndId !== undefined) body.endToEndId = params.endToEndId;
  const response = await client.request({
    method: 'POST',
    path: '/v1/remittances',
    body,
    signed: true,
    signal: params.signal,
  });
  return readGatewayAnswer(response.body, 'answer');
}
