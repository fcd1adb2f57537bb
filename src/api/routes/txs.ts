// POST /v1/txs (submit signed transactions to the mempool) and GET /v1/txs/:txId (pending or final,
// with the receipt): docs/api.md, Endpoints. Admission codes come from src/mempool/results.ts.
import type { FastifyInstance } from 'fastify';
import type { AdmitResult } from '../../mempool/index.ts';
import { toHex } from '../../util/bytes.ts';
import { ApiError, retryAfterSeconds } from '../errors.ts';
import { submitGuarded } from '../gateway-key-guard.ts';
import { type EventJson, parseHex, receiptEventsToJson } from '../json.ts';
import { errorResponses, eventSchema, hash32Hex, signedSecurity } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

/** Transactions in one POST /v1/txs (docs/api.md); the mempool's own batch limit is higher. */
export const submitTxsMax = 1000;

type SubmitResultJson = { txId?: string; status: string; code?: string; message?: string };

const submitSchema = {
  summary: 'Submit signed transactions',
  tags: ['transactions'],
  security: signedSecurity,
  body: {
    type: 'object',
    required: ['txs'],
    additionalProperties: false,
    properties: {
      txs: {
        type: 'array',
        minItems: 1,
        maxItems: submitTxsMax,
        items: { type: 'string', description: 'canonical signed transaction, lower-case hex' },
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['results'],
      properties: {
        results: {
          type: 'array',
          items: {
            type: 'object',
            required: ['status'],
            properties: {
              txId: hash32Hex,
              status: { type: 'string', enum: ['admitted', 'rejected'] },
              code: { type: 'string' },
              message: { type: 'string' },
            },
          },
        },
      },
    },
    ...errorResponses,
  },
} as const;

const txStatusSchema = {
  summary: 'Status of a transaction: pending, final (with its receipt) or unknown',
  tags: ['transactions'],
  security: signedSecurity,
  params: {
    type: 'object',
    required: ['txId'],
    properties: { txId: { type: 'string' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['txId', 'status'],
      properties: {
        txId: hash32Hex,
        status: { type: 'string', enum: ['pending', 'final', 'unknown'] },
        height: { type: 'integer' },
        index: { type: 'integer' },
        code: { type: 'string' },
        message: { type: 'string' },
        events: { type: 'array', items: eventSchema },
      },
    },
    ...errorResponses,
  },
} as const;

function resultToJson(result: AdmitResult): SubmitResultJson {
  const out: SubmitResultJson = { status: result.status };
  if (result.txId !== undefined) out.txId = toHex(result.txId);
  if (result.code !== undefined) out.code = result.code;
  if (result.message !== undefined) out.message = result.message;
  return out;
}

/** 503 when every transaction met a full mempool (429: signer quotas), with Retry-After. */
function overloadError(results: readonly AdmitResult[]): ApiError | undefined {
  const busy = ['mempool_full', 'signer_quota_exceeded'];
  const allBusy = results.every((r) => r.status === 'rejected' && busy.includes(r.code));
  if (!allBusy || results.length === 0) return undefined;
  const full = results.find((r) => r.status === 'rejected' && r.code === 'mempool_full');
  const first = (full ?? results[0]!) as Extract<AdmitResult, { status: 'rejected' }>;
  const retryAfterMs = Math.max(
    ...results.map((r) => (r.status === 'rejected' ? (r.retryAfterMs ?? 1000) : 0)),
  );
  return new ApiError(full === undefined ? 429 : 503, first.code, first.message, {
    details: { results: results.map(resultToJson) },
    retryAfterSec: retryAfterSeconds(retryAfterMs),
  });
}

type TxStatusJson = {
  txId: string;
  status: 'pending' | 'final' | 'unknown';
  height?: number;
  index?: number;
  code?: string;
  message?: string;
  events?: EventJson[];
};

function txStatus(services: ApiServices, txIdHex: string): TxStatusJson {
  const txId = parseHex(txIdHex, 'txId', 32);
  const receipt = services.blocks.receipt(txId);
  // On disk is not yet final here: the node's listeners (keys, events) may not have run for it.
  if (receipt !== undefined && receipt.height <= services.finalHeight()) {
    return {
      txId: txIdHex,
      status: 'final',
      height: receipt.height,
      index: receipt.index,
      code: receipt.code,
      message: receipt.message,
      events: receiptEventsToJson(receipt),
    };
  }
  // Committed but not yet executed: still pending, and its place in the chain is already known.
  const at = services.blocks.txLocation(txId);
  if (at !== undefined) return { txId: txIdHex, status: 'pending', ...at };
  return { txId: txIdHex, status: services.isPending(txId) ? 'pending' : 'unknown' };
}

export function registerTxRoutes(app: FastifyInstance, services: ApiServices): void {
  app.post<{ Body: { txs: string[] } }>(
    '/v1/txs',
    { schema: submitSchema, config: { role: 'submit' } },
    async (request) => {
      const bytes = request.body.txs.map((hex, i) => parseHex(hex, `txs[${i}]`));
      const results = await submitGuarded(services, bytes);
      const overload = overloadError(results);
      if (overload !== undefined) throw overload;
      return { results: results.map(resultToJson) };
    },
  );
  app.get<{ Params: { txId: string } }>(
    '/v1/txs/:txId',
    { schema: txStatusSchema, config: { role: 'read' } },
    async (request) => txStatus(services, request.params.txId),
  );
}
