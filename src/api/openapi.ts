// The OpenAPI 3 document, generated from the route schemas (@fastify/swagger) and served at /docs
// (browsable, @fastify/swagger-ui) and /docs/json; DESIGN decision 10.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { apiDigestTag } from '../crypto/request-digest.ts';

export const apiVersion = '1.0.0';

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tally node API',
        version: apiVersion,
        description:
          'Submit transactions, follow blocks, read state with proofs, subscribe to events. ' +
          'Bytes are lower-case hex; integers beyond 2^53 are decimal strings.',
      },
      components: {
        securitySchemes: {
          tallyKey: {
            type: 'apiKey',
            in: 'header',
            name: 'authorization',
            description:
              '"Tally key=<public key hex>, ts=<unix ms>, sig=<signature hex>", signing sha256(' +
              `${JSON.stringify(apiDigestTag)} || METHOD || "\\n" || path-with-query || "\\n" || ts || ` +
              '"\\n" || sha256(body)) with a key registered in the genesis.',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
