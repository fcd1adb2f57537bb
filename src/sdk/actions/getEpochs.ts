// GET /v1/epochs (public): every validator set the chain has had, oldest first, each after the genesis
// one with the proof of its hand-over. Only the shape is checked here; verifyEpochChain (epochs.ts)
// checks the proofs from the genesis set the caller trusts.
import type { Client } from '../client.ts';
import { type JsonValue, readHex, readInteger, readList, readObject } from '../json.ts';

export type GetEpochsParameters = { signal?: AbortSignal | undefined };

/** The hand-over to an epoch, as canonical bytes in hex (docs/api.md, GET /v1/epochs). */
export type EpochProofJson = {
  /** The last block of the epoch before. */
  readonly headerHex: string;
  /** The QC certifying that block, signed by the epoch before's set. */
  readonly qcHex: string;
  readonly parentHeaderHex: string;
  /** The governance module's approved-change record in the state the block certifies. */
  readonly valueHex: string;
  /** Its proof under the block's stateRoot. */
  readonly stateProofHex: string;
};

export type EpochEntry = {
  readonly epoch: number;
  /** Height of the epoch's first block. */
  readonly startHeight: number;
  /** The canonical validator set, whose hash the epoch's headers carry. */
  readonly setHex: string;
  /** Absent for the genesis epoch, and where the node does not hold one. */
  readonly proof?: EpochProofJson | undefined;
};

export type GetEpochsReturnType = readonly EpochEntry[];

/**
 * Reads the chain's epochs as a node tells them; pass them to verifyEpochChain before trusting any.
 *
 * @example
 * const epochs = verifyEpochChain({ chainId, genesisSet, epochs: await getEpochs(client) });
 */
export async function getEpochs(
  client: Client,
  params: GetEpochsParameters = {},
): Promise<GetEpochsReturnType> {
  const { body } = await client.request({
    method: 'GET',
    path: '/v1/epochs',
    signal: params.signal,
  });
  const list = readList(readObject(body, 'epochs').epochs, 'epochs.epochs');
  return Object.freeze(list.map((item, i) => parseEntry(item, `epochs.epochs[${i}]`)));
}

function parseEntry(item: JsonValue, field: string): EpochEntry {
  const o = readObject(item, field);
  const entry = {
    epoch: readInteger(o.epoch, `${field}.epoch`),
    startHeight: readInteger(o.startHeight, `${field}.startHeight`),
    setHex: readHex(o.setHex, `${field}.setHex`),
  };
  if (o.proof === undefined || o.proof === null) return Object.freeze(entry);
  const p = readObject(o.proof, `${field}.proof`);
  const hex = (name: keyof EpochProofJson) => readHex(p[name], `${field}.proof.${name}`);
  return Object.freeze({
    ...entry,
    proof: Object.freeze({
      headerHex: hex('headerHex'),
      qcHex: hex('qcHex'),
      parentHeaderHex: hex('parentHeaderHex'),
      valueHex: hex('valueHex'),
      stateProofHex: hex('stateProofHex'),
    }),
  });
}
