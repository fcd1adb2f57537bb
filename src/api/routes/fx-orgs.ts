// GET /v1/orgs (the members, with the encryption keys private data is sealed to) and
// POST /v1/fx/quotes (a signed quote from an FX provider's node): docs/api.md, Remittance.
import type { FastifyInstance } from 'fastify';
import { signedQuoteToJson } from '../../modules/fx/quote-json.ts';
import { toHex } from '../../util/bytes.ts';
import { ApiError } from '../errors.ts';
import { errorResponses, signedSecurity } from '../schemas.ts';
import type { ApiServices } from '../services.ts';
import { viaGateway } from './gateway-errors.ts';

export type OrgJson = {
  id: string;
  name: string;
  roles: string[];
  country?: string;
  bic?: string;
  encryptionKey?: string;
};

type QuoteBody = {
  sendCurrency: string;
  receiveCurrency: string;
  sendAmount?: string;
  receiveAmount?: string;
};

const currency = { type: 'string', pattern: '^[A-Z]{3}$' } as const;
const minorUnits = { type: 'string', pattern: '^[1-9][0-9]{0,19}$' } as const;

export function registerFxOrgRoutes(
  app: FastifyInstance,
  services: ApiServices,
  orgs: () => OrgJson[],
): void {
  app.get(
    '/v1/orgs',
    {
      schema: {
        summary: 'The member organisations, their roles and encryption keys',
        tags: ['remittance'],
        security: signedSecurity,
        response: {
          200: {
            type: 'object',
            properties: {
              orgs: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
      config: { role: 'read' },
    },
    async () => ({ orgs: orgs() }),
  );
  app.post<{ Body: QuoteBody }>(
    '/v1/fx/quotes',
    {
      schema: {
        summary: "A signed FX quote from this node's organisation (FX providers only)",
        tags: ['remittance'],
        security: signedSecurity,
        body: {
          type: 'object',
          required: ['sendCurrency', 'receiveCurrency'],
          additionalProperties: false,
          properties: {
            sendCurrency: currency,
            receiveCurrency: currency,
            sendAmount: minorUnits,
            receiveAmount: minorUnits,
          },
        },
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
      config: { role: 'submit' },
    },
    async (request) => {
      const b = request.body;
      if ((b.sendAmount === undefined) === (b.receiveAmount === undefined))
        throw new ApiError(
          400,
          'bad_request',
          'body: give exactly one of sendAmount and receiveAmount',
        );
      const gateway = services.gateway;
      if (gateway === undefined)
        throw new ApiError(409, 'not_fx_provider', 'this node holds no organisation keys');
      const quote = await viaGateway(() =>
        gateway.quote({
          sendCurrency: b.sendCurrency,
          receiveCurrency: b.receiveCurrency,
          sendAmount: b.sendAmount === undefined ? undefined : BigInt(b.sendAmount),
          receiveAmount: b.receiveAmount === undefined ? undefined : BigInt(b.receiveAmount),
        }),
      );
      return signedQuoteToJson(quote);
    },
  );
}

export function orgJson(o: {
  id: string;
  name: string;
  roles: readonly string[];
  country?: string | undefined;
  bic?: string | undefined;
  encryptionKey?: Uint8Array | undefined;
}): OrgJson {
  return {
    id: o.id,
    name: o.name,
    roles: [...o.roles],
    ...(o.country === undefined ? {} : { country: o.country }),
    ...(o.bic === undefined ? {} : { bic: o.bic }),
    ...(o.encryptionKey === undefined ? {} : { encryptionKey: toHex(o.encryptionKey) }),
  };
}
