// GET /v1/blocks/latest and /v1/blocks/:height: committed headers (fields and canonical bytes), the
// transaction ids and the QC that made the block final; public, so anyone can follow the chain.
import type { FastifyInstance } from 'fastify';
import { encode } from '../../codec/index.ts';
import { type Block, type BlockHeader, encodeHeader, hashHeader } from '../../ledger/block.ts';
import { type QuorumCertificate, qcToValue } from '../../ledger/certificate.ts';
import { decodeTransaction } from '../../ledger/tx.ts';
import { toHex } from '../../util/bytes.ts';
import { notFound } from '../errors.ts';
import { checkHeight, errorResponses, hash32Hex, heightInteger, hexString } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const qcJsonSchema = {
  type: 'object',
  properties: {
    epoch: { type: 'integer' },
    round: { type: 'integer' },
    height: { type: 'integer' },
    blockHash: hash32Hex,
    signers: hexString,
    signatures: { type: 'array', items: hexString },
  },
} as const;

const headerJsonSchema = {
  type: 'object',
  properties: {
    chainId: { type: 'string' },
    height: { type: 'integer' },
    epoch: { type: 'integer' },
    round: { type: 'integer' },
    parentHash: hash32Hex,
    timeMs: { type: 'integer' },
    proposer: { type: 'integer' },
    txRoot: hash32Hex,
    txCount: { type: 'integer' },
    stateHeight: { type: 'integer' },
    stateRoot: hash32Hex,
    resultsRoot: hash32Hex,
    validatorSetHash: hash32Hex,
    justify: qcJsonSchema,
  },
} as const;

const blockResponse = {
  type: 'object',
  required: ['height', 'hash', 'header', 'headerHex', 'txIds', 'qcHex'],
  properties: {
    height: { type: 'integer' },
    hash: hash32Hex,
    header: headerJsonSchema,
    headerHex: { ...hexString, description: 'canonical header encoding' },
    txIds: { type: 'array', items: hash32Hex },
    qcHex: {
      type: ['string', 'null'],
      description: 'canonical encoding of the QC that made the block final',
    },
  },
} as const;

export function qcToJson(qc: QuorumCertificate) {
  return {
    epoch: qc.epoch,
    round: qc.round,
    height: qc.height,
    blockHash: toHex(qc.blockHash),
    signers: toHex(qc.signers),
    signatures: qc.signatures.map(toHex),
  };
}

/** The QC's canonical bytes, as the block store keeps them. */
export function encodeQc(qc: QuorumCertificate): Uint8Array {
  return encode(qcToValue(qc));
}

export function headerToJson(h: BlockHeader) {
  return {
    chainId: h.chainId,
    height: h.height,
    epoch: h.epoch,
    round: h.round,
    parentHash: toHex(h.parentHash),
    timeMs: h.timeMs,
    proposer: h.proposer,
    txRoot: toHex(h.txRoot),
    txCount: h.txCount,
    stateHeight: h.stateHeight,
    stateRoot: toHex(h.stateRoot),
    resultsRoot: toHex(h.resultsRoot),
    validatorSetHash: toHex(h.validatorSetHash),
    justify: qcToJson(h.justify),
  };
}

function blockToJson(block: Block, qc: QuorumCertificate | undefined) {
  return {
    height: block.header.height,
    hash: toHex(hashHeader(block.header)),
    header: headerToJson(block.header),
    headerHex: toHex(encodeHeader(block.header)),
    txIds: block.txs.map((bytes) => toHex(decodeTransaction(bytes).id)),
    qcHex: qc === undefined ? null : toHex(encodeQc(qc)),
  };
}

function blockAt(services: ApiServices, height: number) {
  const block = services.blocks.blockAt(height);
  if (block === undefined) throw notFound(`block ${height}`);
  return blockToJson(block, services.blocks.certificateAt(height));
}

export function registerBlockRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get(
    '/v1/blocks/latest',
    {
      schema: {
        summary: 'The latest committed block',
        tags: ['blocks'],
        response: { 200: blockResponse, ...errorResponses },
      },
    },
    async () => {
      const height = services.blocks.latestHeight();
      if (height === undefined) throw notFound('block latest');
      return blockAt(services, height);
    },
  );
  app.get<{ Params: { height: number } }>(
    '/v1/blocks/:height',
    {
      schema: {
        summary: 'A committed block by height',
        tags: ['blocks'],
        params: {
          type: 'object',
          required: ['height'],
          properties: { height: heightInteger },
        },
        response: { 200: blockResponse, ...errorResponses },
      },
    },
    async (request) => blockAt(services, checkHeight(request.params.height, 'params.height')),
  );
}
