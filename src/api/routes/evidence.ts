// GET /v1/evidence (public): the proofs this node recorded that a validator signed two different
// blocks for one round (src/consensus/evidence.ts), newest first, each with its canonical encoding
// so that anyone can check both signatures against the validator set.
import type { FastifyInstance } from 'fastify';
import { encodeEvidence } from '../../consensus/index.ts';
import type { Vote } from '../../ledger/certificate.ts';
import { toHex } from '../../util/bytes.ts';
import { errorResponses, hash32Hex, hexString } from '../schemas.ts';
import type { ApiServices, EvidenceEntry } from '../services.ts';

/** Most entries in one page. */
export const evidencePageMax = 100;
const evidencePageDefault = 20;

const signedBlockSchema = {
  type: 'object',
  required: ['height', 'blockHash', 'signature'],
  properties: {
    height: { type: 'integer' },
    blockHash: hash32Hex,
    signature: hexString,
  },
} as const;

const entrySchema = {
  type: 'object',
  required: [
    'seq',
    'kind',
    'epoch',
    'round',
    'validatorIndex',
    'orgId',
    'first',
    'second',
    'seenAtHeight',
    'seenAtMs',
    'evidenceHex',
  ],
  properties: {
    seq: { type: 'integer', description: 'order of recording on this node; the page cursor' },
    kind: { type: 'string', enum: ['double-proposal', 'double-vote'] },
    epoch: { type: 'integer' },
    round: { type: 'integer' },
    validatorIndex: { type: 'integer', description: "the validator's index in the epoch's set" },
    orgId: { type: 'string', description: "the validator's organisation" },
    first: signedBlockSchema,
    second: signedBlockSchema,
    seenAtHeight: { type: 'integer', description: "this node's executed height when first seen" },
    seenAtMs: { type: 'integer', description: "this node's clock when first seen (Unix ms)" },
    evidenceHex: { ...hexString, description: 'canonical encoding of the evidence' },
  },
} as const;

function signedBlockToJson(v: Vote) {
  return { height: v.height, blockHash: toHex(v.blockHash), signature: toHex(v.signature) };
}

export function evidenceEntryToJson(e: EvidenceEntry) {
  const { first, second } = e.evidence;
  return {
    seq: e.seq,
    kind: e.evidence.kind,
    epoch: first.epoch,
    round: first.round,
    validatorIndex: first.voter,
    orgId: e.orgId,
    first: signedBlockToJson(first),
    second: signedBlockToJson(second),
    seenAtHeight: e.seenAtHeight,
    seenAtMs: e.seenAtMs,
    evidenceHex: toHex(encodeEvidence(e.evidence)),
  };
}

export function registerEvidenceRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get<{ Querystring: { limit?: number; before?: number } }>(
    '/v1/evidence',
    {
      schema: {
        summary: 'Evidence of validators that signed two blocks for one round, newest first',
        tags: ['consensus'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: evidencePageMax,
              default: evidencePageDefault,
            },
            before: {
              type: 'integer',
              minimum: 1,
              maximum: Number.MAX_SAFE_INTEGER,
              description: "a previous page's next: entries recorded before it",
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'total'],
            properties: {
              items: { type: 'array', items: entrySchema },
              total: { type: 'integer', description: 'entries this node holds' },
              next: { type: 'integer', description: 'pass as before for the next page' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const store = services.evidence;
      if (store === undefined) return { items: [], total: 0 };
      const { limit = evidencePageDefault, before } = request.query;
      const page = store.list({ limit, ...(before === undefined ? {} : { before }) });
      return {
        items: page.items.map(evidenceEntryToJson),
        total: store.count(),
        ...(page.next === undefined ? {} : { next: page.next }),
      };
    },
  );
}
