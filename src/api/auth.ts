// Request authentication by registered keys and role checks (docs/api.md, Authentication): the
// caller signs a digest of method, path, timestamp and body; routes name the role they require.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiRequestDigest } from '../crypto/request-digest.ts';
import { getSuite, isSuiteId } from '../crypto/suites.ts';
import { ApiError } from './errors.ts';
import { SeenSignatures } from './replay.ts';
import type { ApiCaller, ApiServices } from './services.ts';

export type ApiRole = 'submit' | 'read' | 'operator';

export type AuthenticatedCaller = ApiCaller & {
  readonly suite: string;
  readonly publicKey: string;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a caller's key must hold; absent on public routes. */
    role?: ApiRole;
  }
  interface FastifyRequest {
    /** The raw JSON body, kept for the signature digest. */
    rawBody: Buffer | null;
    caller: AuthenticatedCaller | null;
  }
}

/** How far the caller's `ts` may be from the server's clock (docs/api.md: 60 s). */
export const clockSkewMsMaxDefault = 60_000;

const headerPattern = /^Tally key=([0-9a-f]{1,256}), ts=([0-9]{1,16}), sig=([0-9a-f]{1,512})$/;

export const authMessages = Object.freeze({
  missing: 'authorization: missing; sign the request with a registered key',
  malformed: 'authorization: expected "Tally key=<hex>, ts=<unix ms>, sig=<hex>"',
  unknownKey: 'authorization.key: not a registered key',
  stale: (skewMsMax: number) =>
    `authorization.ts: more than ${skewMsMax / 1000} s from the server's clock`,
  badSignature: 'authorization.sig: does not verify for this request',
  replayed: 'authorization.sig: this signed request was already accepted; sign each request afresh',
  forbidden: (role: string) => `this endpoint needs a key with role ${JSON.stringify(role)}`,
});

type Credentials = { key: string; ts: string; sig: string; signedPath: string };

function unauthenticated(reason: string, message: string): ApiError {
  return new ApiError(401, 'unauthenticated', message, { details: { reason } });
}

/**
 * The credentials in the query of a WebSocket upgrade (browsers cannot set headers); the signed
 * path keeps the other query parameters, raw and in their order.
 */
function queryCredentials(url: string): Credentials | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const found = new Map<string, string>();
  const kept: string[] = [];
  for (const part of url.slice(at + 1).split('&')) {
    const name = part.split('=', 1)[0]!;
    if (name === 'key' || name === 'ts' || name === 'sig') {
      found.set(name, part.slice(name.length + 1));
    } else if (part.length > 0) kept.push(part);
  }
  const key = found.get('key');
  const ts = found.get('ts');
  const sig = found.get('sig');
  if (key === undefined && ts === undefined && sig === undefined) return undefined;
  const path = url.slice(0, at) + (kept.length > 0 ? `?${kept.join('&')}` : '');
  return { key: key ?? '', ts: ts ?? '', sig: sig ?? '', signedPath: path };
}

function credentialsOf(request: FastifyRequest): Credentials {
  const header = request.headers.authorization;
  if (header === undefined) {
    const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    const fromQuery = isUpgrade ? queryCredentials(request.url) : undefined;
    if (fromQuery === undefined) throw unauthenticated('missing', authMessages.missing);
    return fromQuery;
  }
  const match = headerPattern.exec(header);
  if (match === null) throw unauthenticated('malformed', authMessages.malformed);
  return { key: match[1]!, ts: match[2]!, sig: match[3]!, signedPath: request.url };
}

/** Checks the request's signature; the registered caller, or a 401 ApiError. */
export function authenticate(
  request: FastifyRequest,
  services: ApiServices,
  nowMs: number,
  skewMsMax: number,
  seen?: SeenSignatures,
): AuthenticatedCaller {
  const c = credentialsOf(request);
  const hex = /^(?:[0-9a-f]{2})+$/;
  if (!hex.test(c.key) || !hex.test(c.sig) || !/^[0-9]{1,16}$/.test(c.ts)) {
    throw unauthenticated('malformed', authMessages.malformed);
  }
  const caller = services.caller(c.key);
  if (caller === undefined || !isSuiteId(caller.suite)) {
    throw unauthenticated('unknown_key', authMessages.unknownKey);
  }
  const ts = Number(c.ts);
  if (Math.abs(nowMs - ts) > skewMsMax) {
    throw unauthenticated('stale_timestamp', authMessages.stale(skewMsMax));
  }
  const body = request.rawBody ?? new Uint8Array(0);
  const digest = apiRequestDigest(request.method, c.signedPath, ts, body);
  const ok = getSuite(caller.suite).verify(
    digest,
    Buffer.from(c.sig, 'hex'),
    Buffer.from(c.key, 'hex'),
  );
  if (!ok) throw unauthenticated('bad_signature', authMessages.badSignature);
  // Reads may repeat harmlessly; a POST acts, so the same signed POST acts once.
  if (seen !== undefined && request.method !== 'GET' && !seen.first(c.sig, ts, nowMs))
    throw unauthenticated('replayed', authMessages.replayed);
  return { ...caller, publicKey: c.key };
}

/**
 * Keeps the raw JSON body for the digest, and checks key and role before validation on every route
 * whose config names a role (so an unauthenticated caller learns nothing from schema errors).
 */
export function installAuth(
  app: FastifyInstance,
  services: ApiServices,
  skewMsMax: number,
  bodyBytesMax: number,
): void {
  const seen = new SeenSignatures(skewMsMax);
  app.decorateRequest('rawBody', null);
  app.decorateRequest('caller', null);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: bodyBytesMax },
    (request, body, done) => {
      const raw = body as Buffer;
      request.rawBody = raw;
      parseJson(request, raw.toString('utf8'), done);
    },
  );
  // ISO 20022 input (POST /v1/iso20022/pacs008): the text as it came, signed like any body.
  app.addContentTypeParser(
    'application/xml',
    { parseAs: 'buffer', bodyLimit: bodyBytesMax },
    (request, body, done) => {
      const raw = body as Buffer;
      request.rawBody = raw;
      done(null, raw.toString('utf8'));
    },
  );
  app.addHook('preValidation', async (request) => {
    const role = request.routeOptions.config.role;
    if (role === undefined) return;
    const caller = authenticate(request, services, Date.now(), skewMsMax, seen);
    if (!caller.roles.includes(role)) {
      throw new ApiError(403, 'forbidden', authMessages.forbidden(role), {
        details: { role, orgId: caller.orgId },
      });
    }
    request.caller = caller;
  });
}
