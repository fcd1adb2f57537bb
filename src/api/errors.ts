// The API's one error shape, { error: { code, message, details? } } (docs/api.md, Errors), and the
// fastify handlers that turn every failure (schema, body size, route, thrown ApiError) into it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TallyError } from '../util/errors.ts';

export type ApiErrorBody = {
  error: { code: string; message: string; details?: Record<string, unknown> };
};

/** An expected failure of a request: its HTTP status, code and user-facing message. */
export class ApiError extends TallyError {
  override name = 'ApiError';
  readonly statusCode: number;
  /** Seconds, for 429 and 503 answers. */
  readonly retryAfterSec: number | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; retryAfterSec?: number } = {},
  ) {
    super(code, message, options.details === undefined ? {} : { details: options.details });
    this.statusCode = statusCode;
    this.retryAfterSec = options.retryAfterSec;
  }
}

export function errorBody(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ApiErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** Whole seconds, rounded up: what Retry-After carries. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export const badRequest = (field: string, message: string) =>
  new ApiError(400, 'bad_request', `${field}: ${message}`, { details: { field } });

type Validation = NonNullable<FastifyError['validation']>[number];

/** 'body.txs[2]' from ajv's instancePath '/txs/2' and the part of the request it checked. */
function fieldOf(context: string | undefined, item: Validation): string {
  let field = context ?? 'request';
  for (const part of item.instancePath.split('/').slice(1)) {
    field += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  }
  const params = item.params as Record<string, unknown>;
  const extra = params.missingProperty ?? params.additionalProperty;
  return typeof extra === 'string' ? `${field}.${extra}` : field;
}

function validationMessage(item: Validation): string {
  const params = item.params as Record<string, unknown>;
  if (typeof params.missingProperty === 'string') return 'is required';
  if (typeof params.additionalProperty === 'string') return 'is not allowed';
  return item.message ?? 'is invalid';
}

/** Maps any error thrown in a request to its status and body. */
export function toApiError(error: FastifyError | ApiError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as FastifyError;
  if (e.validation !== undefined && e.validation.length > 0) {
    const item = e.validation[0]!;
    return badRequest(fieldOf(e.validationContext, item), validationMessage(item));
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'body: expected application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('body', 'is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return badRequest('body', 'is not valid JSON');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, 'bad_request', e.message);
  }
  return new ApiError(500, 'internal_error', 'internal error');
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.retryAfterSec !== undefined) reply.header('retry-after', String(error.retryAfterSec));
  const hasDetails = Object.keys(error.details).length > 0;
  return reply
    .code(error.statusCode)
    .send(errorBody(error.code, error.message, hasDetails ? error.details : undefined));
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error);
    if (apiError.statusCode >= 500 && !(error instanceof ApiError)) {
      request.log.error({ err: error }, 'request failed');
    }
    return sendApiError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendApiError(
      reply,
      new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
