// The remittance endpoints (docs/api.md, Remittance): reads of the module's records for members,
// and the gateway calls a caller makes through its own organisation's node.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listLimitMax } from '../../apps/remittance/constants.ts';
import { buildPacs002, statusToPacs002 } from '../../apps/remittance/iso20022/index.ts';
import {
  getCorridor,
  getRemittance,
  getTravelRuleEnvelope,
  listCorridors,
  listRemittances,
  type Remittance,
} from '../../apps/remittance/queries.ts';
import type { TravelRule } from '../../apps/remittance/travel-rule.ts';
import { signedQuoteFromJson } from '../../modules/fx/quote-json.ts';
import { notFound } from '../errors.ts';
import { parseHex } from '../json.ts';
import { errorResponses, signedSecurity } from '../schemas.ts';
import type { ApiServices } from '../services.ts';
import { gatewayFor, viaGateway } from './gateway-errors.ts';
import { answerToJson, corridorToJson, formatUetr, remittanceToJson } from './remittance-json.ts';

const anyObject = { type: 'object', additionalProperties: true } as const;
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'the UETR (dashed) or 16 bytes of hex' } },
} as const;
const waitProperty = { wait: { type: 'boolean', default: true } } as const;

function schema(summary: string, extra: Record<string, unknown> = {}) {
  return {
    summary,
    tags: ['remittance'],
    security: signedSecurity,
    response: { 200: anyObject, ...errorResponses },
    ...extra,
  };
}

/** A remittance id from the path: its UETR text or 32 hex digits. */
export function parseRemittanceId(text: string, field = 'id'): Uint8Array {
  const hex = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)
    ? text.replaceAll('-', '')
    : text;
  return parseHex(hex, field, 16);
}

function isEntitled(r: Remittance, orgId: string): boolean {
  return [r.sendingOrg, r.receivingOrg, r.fxOrg, ...r.regulators].includes(orgId);
}

function found(services: ApiServices, id: Uint8Array, text: string): Remittance {
  const r = getRemittance(services.latest, id);
  if (r === undefined) throw notFound(`remittance ${text}`);
  return r;
}

async function travelRuleView(services: ApiServices, r: Remittance, callerOrg: string) {
  if (!isEntitled(r, callerOrg)) return { travelRule: null, travelRuleAccess: 'not_entitled' };
  const gateway = services.gateway;
  if (gateway === undefined || gateway.orgId !== callerOrg)
    return { travelRule: null, travelRuleAccess: 'ask_your_node' };
  const opened: TravelRule | undefined = await viaGateway(() => gateway.openTravelRule(r.id));
  return opened === undefined
    ? { travelRule: null, travelRuleAccess: 'not_entitled' }
    : { travelRule: opened, travelRuleAccess: 'granted' };
}

function callerOrg(request: FastifyRequest): string {
  return request.caller?.orgId ?? '';
}

function registerReads(app: FastifyInstance, services: ApiServices): void {
  app.get<{ Params: { id: string } }>(
    '/v1/remittances/:id',
    {
      schema: schema('A remittance, its status, and its Travel-Rule data for entitled callers', {
        params: idParams,
      }),
      config: { role: 'read' },
    },
    async (request) => {
      const id = parseRemittanceId(request.params.id);
      const r = found(services, id, request.params.id);
      const envelope = getTravelRuleEnvelope(services.latest, id);
      return {
        ...remittanceToJson(r),
        travelRuleBytes: envelope?.length ?? 0,
        ...(await travelRuleView(services, r, callerOrg(request))),
      };
    },
  );
  app.get<{ Querystring: { limit?: number; before?: number } }>(
    '/v1/remittances',
    {
      schema: schema("The caller's organisation's remittances, newest first", {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: listLimitMax, default: 20 },
            before: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          },
        },
      }),
      config: { role: 'read' },
    },
    async (request) => {
      const page = listRemittances(services.latest, callerOrg(request), {
        limit: request.query.limit ?? 20,
        ...(request.query.before === undefined ? {} : { before: request.query.before }),
      });
      return {
        items: page.items.map(remittanceToJson),
        ...(page.next === undefined ? {} : { next: page.next }),
      };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/remittances/:id/pacs002',
    {
      schema: schema('The pacs.002 status reports of a remittance', { params: idParams }),
      config: { role: 'read' },
    },
    async (request) => {
      const id = parseRemittanceId(request.params.id);
      const r = found(services, id, request.params.id);
      if (!isEntitled(r, callerOrg(request))) throw notFound(`remittance ${request.params.id}`);
      return { messages: pacs002Messages(r) };
    },
  );
  app.get(
    '/v1/remittance/corridors',
    { schema: schema('Every registered remittance corridor'), config: { role: 'read' } },
    async () => ({ corridors: listCorridors(services.latest).map(corridorToJson) }),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/remittance/corridors/:id',
    {
      schema: schema('A remittance corridor', {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      }),
      config: { role: 'read' },
    },
    async (request) => {
      const c = getCorridor(services.latest, request.params.id);
      if (c === undefined) throw notFound(`corridor ${request.params.id}`);
      return corridorToJson(c);
    },
  );
}

/** One pacs.002 per status the remittance has been in (its history), each as the XML message. */
function pacs002Messages(r: Remittance) {
  return r.history.map((h, i) => {
    const mapped = statusToPacs002(h.status, h.reason);
    const uetr = formatUetr(r.id);
    const xml = buildPacs002({
      msgId: `TALLY-${h.height}-${i}-${uetr.slice(0, 8)}`,
      createdAt: new Date(h.atMs).toISOString(),
      originalMsgId: r.endToEndId ?? uetr.slice(0, 35),
      originalEndToEndId: r.endToEndId ?? 'NOTPROVIDED',
      uetr,
      ...mapped,
    });
    return {
      status: h.status,
      txStatus: mapped.status,
      height: h.height,
      atMs: h.atMs,
      xml,
    };
  });
}

type SendBody = {
  id?: string;
  corridor: string;
  quote: unknown;
  senderAccountId: string;
  beneficiaryAccountId: string;
  travelRule: TravelRule;
  endToEndId?: string;
  wait?: boolean;
};

function registerGateway(app: FastifyInstance, services: ApiServices): void {
  const answer = async (
    id: Uint8Array,
    call: () => Promise<Parameters<typeof answerToJson>[0]>,
  ) => {
    const a = await viaGateway(call);
    return answerToJson(a, getRemittance(services.latest, id));
  };
  app.post<{ Body: SendBody }>(
    '/v1/remittances',
    {
      schema: schema("Send a remittance through this node (the sending wallet's gateway)", {
        body: {
          type: 'object',
          required: ['corridor', 'quote', 'senderAccountId', 'beneficiaryAccountId', 'travelRule'],
          additionalProperties: false,
          properties: {
            id: { type: 'string' },
            corridor: { type: 'string' },
            quote: anyObject,
            senderAccountId: { type: 'string' },
            beneficiaryAccountId: { type: 'string' },
            travelRule: anyObject,
            endToEndId: { type: 'string', maxLength: 35 },
            ...waitProperty,
          },
        },
      }),
      config: { role: 'submit' },
    },
    async (request) => {
      const gateway = gatewayFor(services, request.caller?.orgId);
      const b = request.body;
      const id = b.id === undefined ? undefined : parseRemittanceId(b.id, 'body.id');
      const quote = await viaGateway(() => signedQuoteFromJson(b.quote, 'body.quote'));
      const a = await viaGateway(() =>
        gateway.send(
          {
            id,
            corridor: b.corridor,
            quote,
            senderAccountId: parseHex(b.senderAccountId, 'body.senderAccountId', 16),
            beneficiaryAccountId: parseHex(b.beneficiaryAccountId, 'body.beneficiaryAccountId', 16),
            travelRule: b.travelRule,
            endToEndId: b.endToEndId,
          },
          b.wait ?? true,
        ),
      );
      return answerToJson(a, getRemittance(services.latest, a.id));
    },
  );
  app.post<{ Params: { id: string }; Body: { wait?: boolean } }>(
    '/v1/remittances/:id/accept',
    {
      schema: schema("Accept a pending remittance (the receiving wallet's gateway)", {
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: waitProperty },
      }),
      config: { role: 'submit' },
    },
    async (request) => {
      const gateway = gatewayFor(services, request.caller?.orgId);
      const id = parseRemittanceId(request.params.id);
      return answer(id, () => gateway.accept(id, request.body?.wait ?? true));
    },
  );
  app.post<{ Params: { id: string }; Body: { reason: string; message?: string; wait?: boolean } }>(
    '/v1/remittances/:id/reject',
    {
      schema: schema('Reject a pending remittance with an ISO 20022 reason code', {
        params: idParams,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: {
            reason: { type: 'string', pattern: '^[A-Z0-9]{4}$' },
            message: { type: 'string', maxLength: 140 },
            ...waitProperty,
          },
        },
      }),
      config: { role: 'submit' },
    },
    async (request) => {
      const gateway = gatewayFor(services, request.caller?.orgId);
      const id = parseRemittanceId(request.params.id);
      const b = request.body;
      return answer(id, () => gateway.reject(id, b.reason, b.message, b.wait ?? true));
    },
  );
  app.post<{
    Params: { id: string };
    Body: { decision: 'release' | 'refuse'; note?: string; wait?: boolean };
  }>(
    '/v1/remittances/:id/review',
    {
      schema: schema('Release or refuse a remittance held by screening', {
        params: idParams,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: {
            decision: { type: 'string', enum: ['release', 'refuse'] },
            note: { type: 'string', maxLength: 140 },
            ...waitProperty,
          },
        },
      }),
      config: { role: 'submit' },
    },
    async (request) => {
      const gateway = gatewayFor(services, request.caller?.orgId);
      const id = parseRemittanceId(request.params.id);
      const b = request.body;
      return answer(id, () => gateway.review(id, b.decision, b.note, b.wait ?? true));
    },
  );
}

export function registerRemittanceRoutes(app: FastifyInstance, services: ApiServices): void {
  registerReads(app, services);
  registerGateway(app, services);
}
