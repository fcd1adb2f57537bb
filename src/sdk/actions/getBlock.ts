// GET /v1/blocks/:height (public): a committed block's header, transaction ids and the QC that made
// it final. The header is decoded from its canonical bytes and tied to the block hash; whether the QC
// is genuine is verifyBlockResponse's job, against a validator set the caller trusts.
import { decode } from '../../codec/index.ts';
import { type BlockHeader, decodeHeader, hashHeader } from '../../ledger/block.ts';
import { type QuorumCertificate, qcFromValue } from '../../ledger/certificate.ts';
import { fromHex, toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import type { Client } from '../client.ts';
import { readHex, readInteger, readList, readObject } from '../json.ts';

export type GetBlockParameters = { height: number; signal?: AbortSignal | undefined };

export type GetBlockReturnType = {
  readonly height: number;
  /** Hash of the header under the 'header' domain, hex. */
  readonly hash: string;
  /** Decoded from headerHex. */
  readonly header: BlockHeader;
  readonly headerHex: string;
  readonly txIds: readonly string[];
  /** The canonical QC that made the block final; null until the node holds one. */
  readonly qcHex: string | null;
  readonly qc: QuorumCertificate | null;
};

/**
 * Reads a committed block by height.
 *
 * @example
 * const block = await getBlock(client, { height: 12 });
 * console.log(block.header.timeMs, block.txIds.length);
 */
export async function getBlock(
  client: Client,
  params: GetBlockParameters,
): Promise<GetBlockReturnType> {
  if (!Number.isSafeInteger(params.height) || params.height < 0)
    throw new RangeError('height: expected an integer >= 0');
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/blocks/${params.height}`,
    signal: params.signal,
  });
  const block = parseBlock(body);
  if (block.height !== params.height)
    throw new TallyError('bad_response', `asked for block ${params.height}, got ${block.height}`);
  return block;
}

/** Decodes canonical bytes that arrived as hex; any failure is the node's: 'bad_response'. */
export function decodeResponseBytes<T>(
  hex: string,
  field: string,
  decodeFn: (bytes: Uint8Array) => T,
): T {
  try {
    return decodeFn(fromHex(hex, field));
  } catch (cause) {
    throw new TallyError('bad_response', `${field}: ${(cause as Error).message}`, {
      cause,
      details: { field },
    });
  }
}

export function decodeQcBytes(bytes: Uint8Array): QuorumCertificate {
  return qcFromValue(decode(bytes, { field: 'qc' }), 'qc');
}

export function parseBlock(body: unknown): GetBlockReturnType {
  const b = readObject(body, 'block');
  const height = readInteger(b.height, 'block.height');
  const hash = readHex(b.hash, 'block.hash', 32);
  const headerHex = readHex(b.headerHex, 'block.headerHex');
  const header = decodeResponseBytes(headerHex, 'block.headerHex', decodeHeader);
  if (header.height !== height || toHex(hashHeader(header)) !== hash)
    throw new TallyError(
      'bad_response',
      'block.headerHex: does not match the block height and hash',
    );
  const qcHex = b.qcHex === null ? null : readHex(b.qcHex, 'block.qcHex');
  return Object.freeze({
    height,
    hash,
    header,
    headerHex,
    txIds: Object.freeze(
      readList(b.txIds, 'block.txIds').map((id, i) => readHex(id, `block.txIds[${i}]`, 32)),
    ),
    qcHex,
    qc: qcHex === null ? null : decodeResponseBytes(qcHex, 'block.qcHex', decodeQcBytes),
  });
}
