// POST /v1/iso20022/pacs008 (role submit) on the sending wallet's own node: a pacs.008.001.08 message
// in, the pacs.002 status report of the resulting remittance out, both XML.
import type { Client } from '../client.ts';
import { readText } from '../json.ts';

/** The request body cap the SDK checks before sending (the node enforces its own). */
export const pacs008BytesMax = 256 * 1024;

export type SubmitPacs008Parameters = {
  /** The pacs.008.001.08 document, as XML text. */
  xml: string;
  signal?: AbortSignal | undefined;
};

export type SubmitPacs008ReturnType = {
  /** The pacs.002.001.10 answer: TxSts ACSP, PDNG, ACCC or RJCT with the UETR. */
  readonly pacs002: string;
};

/**
 * Initiates a remittance with an ISO 20022 message; the node quotes, maps and sends it. Malformed
 * input: TallyError 'iso20022_invalid' with details.path.
 *
 * @example
 * const { pacs002 } = await submitPacs008(client, { xml: readFileSync('pacs008.xml', 'utf8') });
 */
export async function submitPacs008(
  client: Client,
  params: SubmitPacs008Parameters,
): Promise<SubmitPacs008ReturnType> {
  if (typeof params.xml !== 'string' || params.xml.trim() === '')
    throw new TypeError('xml: expected the pacs.008 message as text');
  if (params.xml.length > pacs008BytesMax)
    throw new RangeError(`xml: longer than ${pacs008BytesMax} characters`);
  const response = await client.request({
    method: 'POST',
    path: '/v1/iso20022/pacs008',
    rawBody: { contentType: 'application/xml', text: params.xml },
    accept: 'application/xml',
    signed: true,
    signal: params.signal,
  });
  return Object.freeze({ pacs002: readText(response.body, 'pacs002') });
}
