// GET /v1/remittances/:id/pacs002 (role read, entitled organisations): the ISO 20022 pacs.002 status
// reports of a remittance, one per status change, as XML.
import { toHex } from '../../util/bytes.ts';
import type { Client } from '../client.ts';
import { readList, readObject, readText } from '../json.ts';
import { remittanceIdArg } from '../remittance.ts';
import type { BytesLike } from '../types.ts';

export type GetPacs002Parameters = { id: BytesLike; signal?: AbortSignal | undefined };

export type Pacs002Message = {
  /** The remittance status it reports (pending, completed, ...). */
  readonly status: string;
  /** Its ISO 20022 TxSts: ACSP, PDNG, ACCC or RJCT. */
  readonly txStatus: string;
  readonly xml: string;
};

export type GetPacs002ReturnType = { readonly messages: readonly Pacs002Message[] };

/**
 * Reads the pacs.002 messages of a remittance, oldest first.
 *
 * @example
 * const { messages } = await getPacs002(client, { id: uetr });
 * console.log(messages.at(-1)?.txStatus); // 'ACCC' once completed
 */
export async function getPacs002(
  client: Client,
  params: GetPacs002Parameters,
): Promise<GetPacs002ReturnType> {
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/remittances/${toHex(remittanceIdArg(params.id))}/pacs002`,
    signed: true,
    signal: params.signal,
  });
  const list = readList(readObject(body, 'pacs002').messages, 'pacs002.messages');
  const messages = list.map((m, i) => {
    const f = `pacs002.messages[${i}]`;
    const o = readObject(m, f);
    return Object.freeze({
      status: readText(o.status, `${f}.status`),
      txStatus: readText(o.txStatus, `${f}.txStatus`),
      xml: readText(o.xml, `${f}.xml`),
    });
  });
  return Object.freeze({ messages: Object.freeze(messages) });
}
