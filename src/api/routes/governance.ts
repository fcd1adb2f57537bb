// GET /v1/governance/proposals[/:id]: the governance module's validator-set change proposals as this
// node knows them after its last executed block (docs/api.md, Validator set). Proposing, approving and
// withdrawing are signed transactions (governance.* through POST /v1/txs); there is no write route here.
import type { FastifyInstance } from 'fastify';
import { toHex } from '../../util/bytes.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, hexString, signedSecurity } from '../schemas.ts';
import type { ApiServices, GovernanceProposalInfo } from '../services.ts';

/** Most proposals in one page. */
export const proposalsPageMax = 100;
const proposalsPageDefault = 20;

const proposalId = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

const proposalSchema = {
  type: 'object',
  required: [
    'id',
    'status',
    'validators',
    'note',
    'proposerOrg',
    'proposedHeight',
    'proposedAtMs',
    'expiresAtMs',
    'approvals',
    'approvalsNeeded',
  ],
  properties: {
    id: { type: 'integer', description: 'proposals are numbered from 1 in the order proposed' },
    status: {
      type: 'string',
      enum: ['open', 'approved', 'withdrawn', 'expired'],
      description: 'expired also for an open proposal whose expiry the last block passed',
    },
    validators: {
      type: 'array',
      description: 'the proposed set in leader-rotation order',
      items: {
        type: 'object',
        required: ['nodeId', 'orgId', 'publicKeyHex'],
        properties: {
          nodeId: { type: 'string' },
          orgId: { type: 'string' },
          publicKeyHex: { ...hexString, description: "the node's consensus key" },
        },
      },
    },
    note: { type: 'string', description: "the proposer's reason, at most 280 characters" },
    proposerOrg: { type: 'string' },
    proposedHeight: { type: 'integer' },
    proposedAtMs: { type: 'integer', description: 'block time of the proposal (Unix ms)' },
    expiresAtMs: { type: 'integer', description: 'approvals from this block time on are refused' },
    approvals: {
      type: 'array',
      items: { type: 'string' },
      description: 'organisations that approved, in order',
    },
    approvalsNeeded: {
      type: 'integer',
      description: 'approvals that pass it: more than 2/3 of the organisations',
    },
    approvedHeight: { type: 'integer', description: 'the block that approved it, if one did' },
  },
} as const;

export function proposalToJson(p: GovernanceProposalInfo) {
  return {
    id: p.id,
    status: p.status,
    validators: p.validators.map((v) => ({
      nodeId: v.nodeId,
      orgId: v.orgId,
      publicKeyHex: toHex(v.publicKey),
    })),
    note: p.note,
    proposerOrg: p.proposerOrg,
    proposedHeight: p.proposedHeight,
    proposedAtMs: p.proposedAtMs,
    expiresAtMs: p.expiresAtMs,
    approvals: [...p.approvals],
    approvalsNeeded: p.approvalsNeeded,
    ...(p.approvedHeight === undefined ? {} : { approvedHeight: p.approvedHeight }),
  };
}

/** ajv lets 1e309 through as Infinity despite `maximum`; ids are checked again here. */
function checkId(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ApiError(400, 'bad_request', `${field}: must be a whole number from 1 to 2^53 - 1`, {
      details: { field },
    });
  return value;
}

export function proposalNotFound(id: number): ApiError {
  return new ApiError(404, 'proposal_not_found', `validator-set proposal ${id} not found`, {
    details: { id },
  });
}

function registerList(app: FastifyInstance, services: ApiServices): void {
  app.get<{ Querystring: { limit?: number; before?: number } }>(
    '/v1/governance/proposals',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Validator-set change proposals, newest first',
        tags: ['governance'],
        security: signedSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: proposalsPageMax,
              default: proposalsPageDefault,
            },
            before: { ...proposalId, description: "a previous page's next: proposals below it" },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: {
              items: { type: 'array', items: proposalSchema },
              next: { type: 'integer', description: 'pass as before for the next page' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { limit = proposalsPageDefault, before } = request.query;
      if (before !== undefined) checkId(before, 'querystring.before');
      const items =
        services.governance?.list({ limit, ...(before === undefined ? {} : { before }) }) ?? [];
      const last = items.at(-1);
      // Ids are dense from 1, so a full page whose last id is above 1 has older proposals after it.
      const more = items.length === limit && last !== undefined && last.id > 1;
      return { items: items.map(proposalToJson), ...(more ? { next: last.id } : {}) };
    },
  );
}

function registerOne(app: FastifyInstance, services: ApiServices): void {
  app.get<{ Params: { id: number } }>(
    '/v1/governance/proposals/:id',
    {
      config: { role: 'read' },
      schema: {
        summary: 'One validator-set change proposal',
        tags: ['governance'],
        security: signedSecurity,
        params: { type: 'object', required: ['id'], properties: { id: proposalId } },
        response: { 200: proposalSchema, ...errorResponses },
      },
    },
    async (request) => {
      const id = checkId(request.params.id, 'params.id');
      const proposal = services.governance?.get(id);
      if (proposal === undefined) throw proposalNotFound(id);
      return proposalToJson(proposal);
    },
  );
}

export function registerGovernanceRoutes(app: FastifyInstance, services: ApiServices): void {
  registerList(app, services);
  registerOne(app, services);
}
