// The node's HTTP and WebSocket API (docs/api.md): fastify with JSON-schema'd routes that generate
// the OpenAPI document, signed-key authentication with roles, event streams and Prometheus metrics.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { clockSkewMsMaxDefault, installAuth } from './auth.ts';
import { type ConsoleOptions, registerConsole } from './console.ts';
import { ApiError, installErrorHandlers, sendApiError, toApiError } from './errors.ts';
import { registerEventRoutes } from './events.ts';
import { createApiMetrics, installMetrics } from './metrics.ts';
import { installOpenApi } from './openapi.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerBlockRoutes } from './routes/blocks.ts';
import { registerEpochRoutes } from './routes/epochs.ts';
import { registerEvidenceRoutes } from './routes/evidence.ts';
import { orgJson, registerFxOrgRoutes } from './routes/fx-orgs.ts';
import { registerGovernanceRoutes } from './routes/governance.ts';
import { registerIso20022Routes } from './routes/iso20022.ts';
import { registerKeyRoutes } from './routes/keys.ts';
import { registerRemittanceRoutes } from './routes/remittance.ts';
import { registerStateRoutes } from './routes/state.ts';
import { registerStatusRoutes } from './routes/status.ts';
import { registerTxRoutes } from './routes/txs.ts';
import type { ApiServices } from './services.ts';

/**
 * Request bodies at most: a full batch of 1000 transactions of about 4 KiB each, in hex. Larger
 * transactions go in smaller batches; the ledger's own limit per transaction is 64 KiB.
 */
export const apiBodyBytesMaxDefault = 8 * 1024 * 1024;

export type ApiServerOptions = {
  readonly host: string;
  /** 0 picks a free port; `url` reports the real one. */
  readonly port: number;
  readonly bodyBytesMax?: number;
  /** How far a signed request's `ts` may be from this server's clock (default 60 s). */
  readonly clockSkewMsMax?: number;
  /** fastify's logger option: false (default) or a pino configuration. */
  readonly log?: boolean | Record<string, unknown>;
  /** The web console's build, genesis and (loopback demo only) demo keys: src/api/console.ts. */
  readonly console?: ConsoleOptions;
};

export type ApiServer = {
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
};

function checkOptions(options: ApiServerOptions): { bodyBytesMax: number; skewMsMax: number } {
  if (typeof options.host !== 'string' || options.host.length === 0)
    throw new TypeError('api.host: expected a host name or address');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)
    throw new RangeError('api.port: expected an integer 0..65535');
  const bodyBytesMax = options.bodyBytesMax ?? apiBodyBytesMaxDefault;
  if (!Number.isSafeInteger(bodyBytesMax) || bodyBytesMax < 1024)
    throw new RangeError('api.bodyBytesMax: expected an integer of at least 1024');
  const skewMsMax = options.clockSkewMsMax ?? clockSkewMsMaxDefault;
  if (!Number.isSafeInteger(skewMsMax) || skewMsMax < 1)
    throw new RangeError('api.clockSkewMsMax: expected a positive integer');
  return { bodyBytesMax, skewMsMax };
}

/** Builds the API on `services` and listens; resolves once it accepts connections. */
export async function createApiServer(
  options: ApiServerOptions,
  services: ApiServices,
): Promise<ApiServer> {
  const { bodyBytesMax, skewMsMax } = checkOptions(options);
  const app = Fastify({
    logger: options.log ?? false,
    bodyLimit: bodyBytesMax,
    // The routes' own checks give the API's error codes; ajv must not coerce arrays or strip fields.
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    // Errors fastify raises before routing (a path with bad percent-encoding) get the API's shape too.
    frameworkErrors: (error, _request, reply) => {
      void sendApiError(
        reply,
        error.code === 'FST_ERR_BAD_URL'
          ? new ApiError(400, 'bad_request', 'path: not a valid URL (bad percent-encoding)')
          : toApiError(error),
      );
    },
  });
  installErrorHandlers(app);
  await installOpenApi(app);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const metrics = createApiMetrics(services.metrics);
  installMetrics(app, metrics);
  installAuth(app, services, skewMsMax, bodyBytesMax);
  registerTxRoutes(app, services);
  registerBlockRoutes(app, services);
  registerStateRoutes(app, services);
  registerAccountRoutes(app, services);
  registerStatusRoutes(app, services);
  registerEpochRoutes(app, services);
  registerEvidenceRoutes(app, services);
  registerFxOrgRoutes(app, services, () => (services.organizations?.() ?? []).map(orgJson));
  registerKeyRoutes(app, services);
  registerGovernanceRoutes(app, services);
  registerRemittanceRoutes(app, services);
  registerIso20022Routes(app, services);
  registerEventRoutes(app, services, metrics);
  registerConsole(app, options.console);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('api: no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    app,
    close: () => app.close(),
  };
}
