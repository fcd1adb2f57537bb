// GET /v1/epochs (public): every validator set the chain has had, oldest first, each after the
// genesis one with the proof of its hand-over, so a light client follows the sets from the genesis
// set alone (docs/api.md; docs/consensus.md, "Proofs of hand-overs"; the SDK's verifyEpochChain).
import type { FastifyInstance } from 'fastify';
import type { EpochRecord } from '../../ledger/epoch-store.ts';
import { encodeValidatorSet } from '../../ledger/validator-set.ts';
import { toHex } from '../../util/bytes.ts';
import { errorResponses, hexString } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const proofSchema = {
  type: 'object',
  description: 'absent for the genesis epoch, and where this node holds no proof',
  required: ['headerHex', 'qcHex', 'parentHeaderHex', 'valueHex', 'stateProofHex'],
  properties: {
    headerHex: {
      ...hexString,
      description: 'canonical header of the last block of the epoch before',
    },
    qcHex: { ...hexString, description: 'canonical QC certifying that block' },
    parentHeaderHex: { ...hexString, description: "canonical header of that block's parent" },
    valueHex: {
      ...hexString,
      description:
        "the governance module's approved-change record in the state the block certifies",
    },
    stateProofHex: {
      ...hexString,
      description: "canonical proof of valueHex under the block's stateRoot",
    },
  },
} as const;

const epochsResponse = {
  type: 'object',
  required: ['epochs'],
  properties: {
    epochs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['epoch', 'startHeight', 'setHex'],
        properties: {
          epoch: { type: 'integer' },
          startHeight: { type: 'integer', description: "height of the epoch's first block" },
          setHex: { ...hexString, description: 'canonical encoding; headers carry its hash' },
          proof: proofSchema,
        },
      },
    },
  },
} as const;

/** An epoch record as the API writes it (and test/sdk/epochs.test.ts feeds to the verifier). */
export function epochToJson(record: EpochRecord) {
  const { proof } = record;
  return {
    epoch: record.set.epoch,
    startHeight: record.startHeight,
    setHex: toHex(encodeValidatorSet(record.set)),
    ...(proof === undefined
      ? {}
      : {
          proof: {
            headerHex: toHex(proof.header),
            qcHex: toHex(proof.qc),
            parentHeaderHex: toHex(proof.parentHeader),
            valueHex: toHex(proof.value),
            stateProofHex: toHex(proof.stateProof),
          },
        }),
  };
}

export function registerEpochRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get(
    '/v1/epochs',
    {
      schema: {
        summary: 'Every validator set, oldest first, with the proof of each hand-over',
        tags: ['node'],
        response: { 200: epochsResponse, ...errorResponses },
      },
    },
    async () => {
      // Without an epochs service the node never changes its set: the genesis one is all there is.
      const records = services.epochs?.() ?? [{ set: services.validators(1), startHeight: 1 }];
      return { epochs: records.map(epochToJson) };
    },
  );
}
