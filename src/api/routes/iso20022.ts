// ISO 20022 and reporting endpoints (docs/api.md, Remittance): a pacs.008 in through the sending
// wallet's gateway, statements of an account (JSON, CSV, camt.053), and end-of-day net positions.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  buildCamt053,
  netPositionsCsv,
  statementCsv,
} from '../../apps/remittance/iso20022/index.ts';
import type { Statement } from '../../apps/remittance/iso20022/types.ts';
import { listCorridors, netPositions } from '../../apps/remittance/queries.ts';
import { getAccount, getCurrency } from '../../modules/bank/index.ts';
import { ownerOrgId } from '../../modules/identity/index.ts';
import { bytesEqual } from '../../util/bytes.ts';
import { ApiError } from '../errors.ts';
import { parseHex } from '../json.ts';
import { errorResponses, signedSecurity } from '../schemas.ts';
import type { ApiServices } from '../services.ts';
import { gatewayFor, viaGateway } from './gateway-errors.ts';

const msPerDay = 86_400_000;
const anyObject = { type: 'object', additionalProperties: true } as const;
const formatQuery = (formats: readonly string[]) =>
  ({ type: 'string', enum: formats, default: 'json' }) as const;

function statementJson(s: Statement) {
  return {
    ...s,
    opening: s.opening.toString(),
    closing: s.closing.toString(),
    entries: s.entries.map((e) => ({ ...e, amount: e.amount.toString() })),
  };
}

function dayOf(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
    throw new ApiError(400, 'bad_request', `day: expected YYYY-MM-DD, got ${text}`);
  return Date.parse(`${text}T00:00:00Z`) / msPerDay;
}

function timeOf(text: string | undefined, fallback: number, field: string): number {
  if (text === undefined) return fallback;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms))
    throw new ApiError(400, 'bad_request', `${field}: expected unix ms or an ISO date`);
  return ms;
}

/** The wallet whose settlement account (held at the bank, operated by it) this is, if any. */
function settlementHolder(services: ApiServices, accountId: Uint8Array): string | undefined {
  for (const c of listCorridors(services.latest)) {
    if (bytesEqual(c.accounts.sendingSettlement, accountId)) return c.sendingOrg;
    if (bytesEqual(c.accounts.receivingSettlement, accountId)) return c.receivingOrg;
  }
  return undefined;
}

function sendAs(reply: FastifyReply, type: string, text: string): FastifyReply {
  return reply.type(type).send(text);
}

export function registerIso20022Routes(app: FastifyInstance, services: ApiServices): void {
  app.post<{ Body: string }>(
    '/v1/iso20022/pacs008',
    {
      schema: {
        summary: 'Send a remittance from a pacs.008.001.08 message; the answer is its pacs.002',
        tags: ['remittance'],
        security: signedSecurity,
        consumes: ['application/xml'],
        response: { ...errorResponses },
      },
      config: { role: 'submit' },
    },
    async (request, reply) => {
      const gateway = gatewayFor(services, request.caller?.orgId);
      if (typeof request.body !== 'string')
        throw new ApiError(415, 'unsupported_media_type', 'body: expected application/xml');
      const { answer, pacs002 } = await viaGateway(() => gateway.initiatePacs008(request.body));
      reply.header('x-tally-remittance-code', answer.code ?? 'pending');
      return sendAs(reply, 'application/xml', pacs002);
    },
  );
  app.get<{
    Params: { accountId: string };
    Querystring: { from?: string; to?: string; format?: string };
  }>(
    '/v1/statements/:accountId',
    {
      schema: {
        summary: 'The statement of an account the caller operates (JSON, CSV or camt.053)',
        tags: ['remittance'],
        security: signedSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            format: formatQuery(['json', 'csv', 'camt053']),
          },
        },
      },
      config: { role: 'read' },
    },
    async (request, reply) => {
      const accountId = parseHex(request.params.accountId, 'accountId', 16);
      const account = getAccount(services.latest, accountId);
      if (account === undefined)
        throw new ApiError(404, 'not_found', `account ${request.params.accountId} not found`);
      const caller = request.caller;
      const operator = ownerOrgId(account.owner);
      const isRegulator =
        services
          .organizations?.()
          .find((o) => o.id === caller?.orgId)
          ?.roles.includes('regulator') ?? false;
      const holder = settlementHolder(services, accountId);
      if (operator !== caller?.orgId && holder !== caller?.orgId && !isRegulator)
        throw new ApiError(
          403,
          'wrong_organization',
          `account ${request.params.accountId} is operated by ${operator ?? 'a key, not an organisation'}`,
        );
      const now = Date.now();
      const toMs = timeOf(request.query.to, now, 'to');
      const fromMs = timeOf(request.query.from, toMs - msPerDay, 'from');
      if (fromMs > toMs) throw new ApiError(400, 'bad_request', 'from: must not be after to');
      const gateway = services.gateway;
      if (gateway === undefined)
        throw new ApiError(409, 'no_gateway', 'this node holds no organisation keys');
      const statement = await viaGateway(() => gateway.statement(accountId, fromMs, toMs));
      const format = request.query.format ?? 'json';
      if (format === 'csv') return sendAs(reply, 'text/csv', statementCsv(statement));
      if (format === 'camt053') {
        const msgId = `STMT-${now}-${randomBytes(4).toString('hex')}`;
        return sendAs(
          reply,
          'application/xml',
          buildCamt053(statement, { msgId, createdAt: new Date(now).toISOString() }),
        );
      }
      return statementJson(statement);
    },
  );
  app.get<{ Params: { day: string }; Querystring: { format?: string } }>(
    '/v1/positions/:day',
    {
      schema: {
        summary: 'End-of-day net positions between organisations for a UTC day',
        tags: ['remittance'],
        security: signedSecurity,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: formatQuery(['json', 'csv']) },
        },
        response: { 200: anyObject, ...errorResponses },
      },
      config: { role: 'read' },
    },
    async (request, reply) => {
      const day = dayOf(request.params.day);
      const rows = netPositions(services.latest, day);
      if (request.query.format === 'csv') {
        const decimals = (code: string) => getCurrency(services.latest, code)?.decimals ?? 0;
        return sendAs(reply, 'text/csv', netPositionsCsv(day, rows, decimals));
      }
      return {
        day: request.params.day,
        height: services.status().executedHeight,
        positions: rows.map((r) => ({ ...r, amount: r.amount.toString() })),
      };
    },
  );
}
