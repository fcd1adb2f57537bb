// GET /v1/orgs/:orgId/keys: an organisation's API keys as this node knows them after its last
// executed block (docs/api.md, Keys). Keys change by signed transactions (identity.add_key and
// identity.revoke_key through POST /v1/txs); there is no write route here.
import type { FastifyInstance } from 'fastify';
import { toHex } from '../../util/bytes.ts';
import { notFound } from '../errors.ts';
import { errorResponses, hexString, signedSecurity } from '../schemas.ts';
import type { ApiServices, OrgKeyInfo } from '../services.ts';

const keySchema = {
  type: 'object',
  required: ['publicKey', 'name', 'suite', 'roles', 'status', 'addedHeight'],
  properties: {
    publicKey: hexString,
    name: { type: 'string' },
    suite: { type: 'string', enum: ['ed25519', 'p256', 'sm2'] },
    roles: { type: 'array', items: { type: 'string', enum: ['submit', 'read', 'operator'] } },
    status: { type: 'string', enum: ['live', 'revoked'] },
    addedHeight: { type: 'integer', description: 'the block that added it; 0 for a genesis key' },
    revokedHeight: { type: 'integer', description: 'the block that revoked it, if it was' },
  },
} as const;

const orgKeysSchema = {
  summary: "An organisation's API keys, live and revoked",
  tags: ['keys'],
  security: signedSecurity,
  params: {
    type: 'object',
    required: ['orgId'],
    properties: { orgId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['orgId', 'keys'],
      properties: { orgId: { type: 'string' }, keys: { type: 'array', items: keySchema } },
    },
    ...errorResponses,
  },
} as const;

export function orgKeyToJson(key: OrgKeyInfo) {
  return {
    publicKey: toHex(key.publicKey),
    name: key.name,
    suite: key.suite,
    roles: [...key.roles],
    status: key.status,
    addedHeight: key.addedHeight,
    ...(key.revokedHeight === undefined ? {} : { revokedHeight: key.revokedHeight }),
  };
}

export function registerKeyRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get<{ Params: { orgId: string } }>(
    '/v1/orgs/:orgId/keys',
    { schema: orgKeysSchema, config: { role: 'read' } },
    async (request) => {
      const { orgId } = request.params;
      const keys = services.orgKeys?.(orgId);
      if (keys === undefined) throw notFound(`organisation ${orgId}`);
      return { orgId, keys: keys.map(orgKeyToJson) };
    },
  );
}
