// POST /v1/fx/quotes (role submit) on a node of an fx-provider organisation: a quote the provider
// signs, for a send amount or for the amount the beneficiary must receive.

import type { SignedQuote } from '../../modules/fx/quote.ts';
import { signedQuoteFromJson } from '../../modules/fx/quote-json.ts';
import { TallyError } from '../../util/errors.ts';
import type { Client } from '../client.ts';

const currencyPattern = /^[A-Z]{3}$/;
const uint64Max = (1n << 64n) - 1n;

export type RequestQuoteParameters = {
  sendCurrency: string;
  receiveCurrency: string;
  /** Exactly one: the principal in minor units of sendCurrency, or what the beneficiary gets. */
  sendAmount?: bigint | undefined;
  receiveAmount?: bigint | undefined;
  signal?: AbortSignal | undefined;
};

/** The quote as signed; pass it unchanged to a send. */
export type RequestQuoteReturnType = SignedQuote;

function amountParam(value: bigint, field: string): string {
  if (typeof value !== 'bigint' || value <= 0n || value > uint64Max)
    throw new RangeError(`${field}: expected a bigint of minor units from 1 to 2^64 - 1`);
  return value.toString();
}

/**
 * Asks the FX provider's node for a signed quote (the client must point at that node; others
 * answer 409 not_fx_provider).
 *
 * @example
 * const fx = createClient({ url: 'http://127.0.0.1:8082', account });
 * const quote = await requestQuote(fx, { sendCurrency: 'HKD', receiveCurrency: 'PHP', sendAmount: 100_000n });
 * console.log(quote.quote.rate, quote.quote.receiveAmount);
 */
export async function requestQuote(
  client: Client,
  params: RequestQuoteParameters,
): Promise<RequestQuoteReturnType> {
  for (const field of ['sendCurrency', 'receiveCurrency'] as const)
    if (!currencyPattern.test(params[field]))
      throw new TypeError(`${field}: expected three capital letters (ISO 4217)`);
  if ((params.sendAmount === undefined) === (params.receiveAmount === undefined))
    throw new TypeError('sendAmount, receiveAmount: give exactly one of them');
  const body: Record<string, string> = {
    sendCurrency: params.sendCurrency,
    receiveCurrency: params.receiveCurrency,
  };
  if (params.sendAmount !== undefined)
    body.sendAmount = amountParam(params.sendAmount, 'sendAmount');
  if (params.receiveAmount !== undefined)
    body.receiveAmount = amountParam(params.receiveAmount, 'receiveAmount');
  const response = await client.request({
    method: 'POST',
    path: '/v1/fx/quotes',
    body,
    signed: true,
    signal: params.signal,
  });
  try {
    return signedQuoteFromJson(response.body, 'quote');
  } catch (cause) {
    throw new TallyError('bad_response', `the signed quote: ${(cause as Error).message}`, {
      cause,
    });
  }
}
