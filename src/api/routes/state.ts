// GET /v1/state/:keyHex[?height=H]: any state key's value with its inclusion or non-inclusion proof,
// plus the committed block whose header carries that state root and the QC certifying it, so a
// client checks everything against the validator set alone (docs/api.md; DESIGN decision 4).
import type { FastifyInstance } from 'fastify';
import type { BlockHeader } from '../../ledger/block.ts';
import { encodeHeader } from '../../ledger/block.ts';
import type { QuorumCertificate } from '../../ledger/certificate.ts';
import { encodeStateProof, stateKeyBytesMax } from '../../ledger/state/index.ts';
import { isRecordKey } from '../../ledger/state/spec.ts';
import { toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import { badRequest, notFound } from '../errors.ts';
import { parseHex } from '../json.ts';
import {
  checkHeight,
  errorResponses,
  heightInteger,
  hexString,
  signedSecurity,
} from '../schemas.ts';
import type { ApiServices } from '../services.ts';
import { encodeQc } from './blocks.ts';

/**
 * Blocks searched down from the latest for the one carrying a state height. A header carries the
 * state of a block a few heights below it (execution follows commit), so the search stops early;
 * this bounds it when the asked height is far below.
 */
export const stateBlockSearchMax = 4096;

type Anchor = { header: BlockHeader; qc: QuorumCertificate };

/**
 * The highest certified committed block whose header carries state height `height` (any height when
 * undefined). Block 0 carries no executed state, so it never anchors.
 */
export function findStateAnchor(services: ApiServices, height?: number): Anchor | undefined {
  const latest = services.blocks.latestHeight();
  if (latest === undefined) return undefined;
  const lowest = Math.max(1, latest - stateBlockSearchMax + 1);
  for (let h = latest; h >= lowest; h--) {
    const block = services.blocks.blockAt(h);
    if (block === undefined) return undefined; // pruned below here
    const { header } = block;
    if (height !== undefined && header.stateHeight < height) return undefined;
    const qc = services.blocks.certificateAt(h);
    if (qc === undefined) continue;
    if (height === undefined || header.stateHeight === height) return { header, qc };
  }
  return undefined;
}

const stateSchema = {
  summary: "A state key's value at a height, with its proof, header and QC",
  tags: ['state'],
  security: signedSecurity,
  params: {
    type: 'object',
    required: ['keyHex'],
    properties: { keyHex: { type: 'string' } },
  },
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { height: heightInteger },
  },
  response: {
    200: {
      type: 'object',
      required: ['key', 'value', 'height', 'proofHex', 'blockHeight', 'headerHex', 'qcHex'],
      properties: {
        key: hexString,
        value: { type: ['string', 'null'], description: 'lower-case hex, null when absent' },
        height: { type: 'integer' },
        proofHex: { ...hexString, description: 'canonical state proof' },
        blockHeight: { type: 'integer' },
        headerHex: { ...hexString, description: 'canonical header; header.stateHeight == height' },
        qcHex: { ...hexString, description: 'canonical QC certifying the header' },
      },
    },
    ...errorResponses,
  },
} as const;

function readState(services: ApiServices, keyHex: string, asked: number | undefined) {
  const key = parseHex(keyHex, 'key');
  if (key.length === 0 || key.length > stateKeyBytesMax) {
    throw badRequest('key', `a state key has 1 to ${stateKeyBytesMax} bytes, got ${key.length}`);
  }
  if (asked !== undefined) checkHeight(asked, 'query.height');
  const anchor = findStateAnchor(services, asked);
  const what = asked === undefined ? 'certified state' : `certified state at height ${asked}`;
  if (anchor === undefined) throw notFound(what);
  const height = anchor.header.stateHeight;
  try {
    const value = services.state.get(key, height);
    // A record's absence has no proof (ledger/state/spec.ts): say so rather than answer unproven.
    if (value === null && isRecordKey(key)) throw notFound(`record at height ${height}`);
    const proof = services.state.prove(key, height);
    return {
      key: keyHex,
      value: value === null ? null : toHex(value),
      height,
      proofHex: toHex(encodeStateProof(proof)),
      blockHeight: anchor.header.height,
      headerHex: toHex(encodeHeader(anchor.header)),
      qcHex: toHex(encodeQc(anchor.qc)),
    };
  } catch (error) {
    // Pruned from the tree although a block still names it.
    if (error instanceof TallyError && error.code === 'state_height_unavailable')
      throw notFound(what);
    throw error;
  }
}

export function registerStateRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get<{ Params: { keyHex: string }; Querystring: { height?: number } }>(
    '/v1/state/:keyHex',
    { schema: stateSchema, config: { role: 'read' } },
    async (request) => readState(services, request.params.keyHex, request.query.height),
  );
}
