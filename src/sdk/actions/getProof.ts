// GET /v1/state/:keyHex[?height=H] (role read): a state key's value with its proof, the header that
// carries the state root and the QC certifying it. Check it with verifyStateProofResponse.

import type { Client } from '../client.ts';
import { readHex, readInteger, readObject, toHexParam } from '../json.ts';
import type { BytesLike } from '../types.ts';

export type GetProofParameters = {
  /** The raw state key (bytes or hex). */
  key: BytesLike;
  /** State height; by default the state carried by the latest certified block. */
  height?: number;
  signal?: AbortSignal | undefined;
};

/** The response as the node sends it (all hex), so it can be stored and verified again later. */
export type GetProofReturnType = {
  readonly key: string;
  readonly value: string | null;
  /** State height the proof is for. */
  readonly height: number;
  readonly proofHex: string;
  /** The block whose header has stateHeight == height. */
  readonly blockHeight: number;
  readonly headerHex: string;
  readonly qcHex: string;
};

/**
 * Fetches a value and everything needed to check it without trusting the node.
 *
 * @example
 * const response = await getProof(client, { key });
 * const value = verifyStateProofResponse({ response, validatorSet, key });
 */
export async function getProof(
  client: Client,
  params: GetProofParameters,
): Promise<GetProofReturnType> {
  const key = toHexParam(params.key, 'key');
  const { height } = params;
  if (height !== undefined && (!Number.isSafeInteger(height) || height < 0))
    throw new RangeError('height: expected an integer >= 0');
  const { body } = await client.request({
    method: 'GET',
    path: height === undefined ? `/v1/state/${key}` : `/v1/state/${key}?height=${height}`,
    signed: true,
    signal: params.signal,
  });
  return parseProofResponse(body);
}

export function parseProofResponse(body: unknown): GetProofReturnType {
  const r = readObject(body, 'state');
  return Object.freeze({
    key: readHex(r.key, 'state.key'),
    value: r.value === null ? null : readHex(r.value, 'state.value'),
    height: readInteger(r.height, 'state.height'),
    proofHex: readHex(r.proofHex, 'state.proofHex'),
    blockHeight: readInteger(r.blockHeight, 'state.blockHeight'),
    headerHex: readHex(r.headerHex, 'state.headerHex'),
    qcHex: readHex(r.qcHex, 'state.qcHex'),
  });
}
