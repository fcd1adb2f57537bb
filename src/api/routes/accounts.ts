// GET /v1/accounts/:id and GET /v1/currencies/:code: the bank's records read from the latest executed
// state (src/modules/bank queries); counters and amounts are decimal strings (docs/api.md, Encoding).
import type { FastifyInstance } from 'fastify';
import {
  type Account,
  accountFlags,
  type Currency,
  getAccount,
  getBalance,
  getCurrency,
  idBytes,
} from '../../modules/bank/index.ts';
import { toHex } from '../../util/bytes.ts';
import { notFound } from '../errors.ts';
import { parseHex } from '../json.ts';
import { decimalString, errorResponses, hexString, signedSecurity } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const accountSchema = {
  summary: 'A bank account with its balance',
  tags: ['bank'],
  security: signedSecurity,
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', description: `${idBytes} bytes, lower-case hex` } },
  },
  response: {
    200: {
      type: 'object',
      required: ['id', 'currency', 'owner', 'balance', 'flags'],
      properties: {
        id: hexString,
        currency: { type: 'string' },
        owner: hexString,
        debitsPending: decimalString,
        debitsPosted: decimalString,
        creditsPending: decimalString,
        creditsPosted: decimalString,
        balance: { ...decimalString, description: 'creditsPosted - debitsPosted' },
        available: { ...decimalString, description: 'balance - debitsPending' },
        flags: { type: 'array', items: { type: 'string' } },
        pendingCount: { type: 'integer' },
        createdHeight: { type: 'integer' },
      },
    },
    ...errorResponses,
  },
} as const;

const currencySchema = {
  summary: 'A currency registered with the bank',
  tags: ['bank'],
  security: signedSecurity,
  params: {
    type: 'object',
    required: ['code'],
    properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['code', 'decimals', 'issuer', 'issuerAccountId', 'supply'],
      properties: {
        code: { type: 'string' },
        decimals: { type: 'integer' },
        issuer: hexString,
        issuerAccountId: hexString,
        supply: { ...decimalString, description: 'issued minus redeemed, minor units' },
      },
    },
    ...errorResponses,
  },
} as const;

/** Flag names set in `flags`, in the order of accountFlags. */
function flagNames(flags: number): string[] {
  return Object.entries(accountFlags)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}

function accountToJson(account: Account, services: ApiServices) {
  const balance = getBalance(services.latest, account.id);
  return {
    id: toHex(account.id),
    currency: account.currency,
    owner: toHex(account.owner),
    debitsPending: account.debitsPending.toString(),
    debitsPosted: account.debitsPosted.toString(),
    creditsPending: account.creditsPending.toString(),
    creditsPosted: account.creditsPosted.toString(),
    balance: (balance?.posted ?? 0n).toString(),
    available: (balance?.available ?? 0n).toString(),
    flags: flagNames(account.flags),
    pendingCount: account.pendingCount,
    createdHeight: account.createdHeight,
  };
}

function currencyToJson(currency: Currency) {
  return {
    code: currency.code,
    decimals: currency.decimals,
    issuer: toHex(currency.issuer),
    issuerAccountId: toHex(currency.issuerAccountId),
    supply: currency.supply.toString(),
  };
}

export function registerAccountRoutes(app: FastifyInstance, services: ApiServices): void {
  app.get<{ Params: { id: string } }>(
    '/v1/accounts/:id',
    { schema: accountSchema, config: { role: 'read' } },
    async (request) => {
      const id = parseHex(request.params.id, 'id', idBytes);
      const account = getAccount(services.latest, id);
      if (account === undefined) throw notFound(`account ${request.params.id}`);
      return accountToJson(account, services);
    },
  );
  app.get<{ Params: { code: string } }>(
    '/v1/currencies/:code',
    { schema: currencySchema, config: { role: 'read' } },
    async (request) => {
      const currency = getCurrency(services.latest, request.params.code);
      if (currency === undefined) throw notFound(`currency ${request.params.code}`);
      return currencyToJson(currency);
    },
  );
}
