// JSON schemas shared by the routes: they validate requests, shape responses (fast-json-stringify)
// and become the OpenAPI document, so each is written once here.

import { ApiError } from './errors.ts';

export const hexString = { type: 'string', description: 'lower-case hex' } as const;
export const decimalString = {
  type: 'string',
  pattern: '^-?[0-9]+$',
  description: 'integer as a decimal string',
} as const;
export const hash32Hex = { type: 'string', description: '32 bytes, lower-case hex' } as const;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

/** The error responses every route can give. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

export const eventSchema = {
  type: 'object',
  required: ['module', 'type', 'attributes'],
  properties: {
    module: { type: 'string' },
    type: { type: 'string' },
    attributes: {
      type: 'object',
      additionalProperties: true,
      description: 'CBOR attributes as JSON: bytes hex, bigints decimal strings',
    },
  },
} as const;

/** A block height as a path or query parameter: a safe integer, so that 1e20 is a 400, not a 500. */
export const heightInteger = {
  type: 'integer',
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
} as const;

/**
 * ajv lets a numeral like 1e309 through as Infinity despite `maximum`; routes check the number too.
 * Returns the height, or throws a 400 naming the field.
 */
export function checkHeight(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ApiError(400, 'bad_request', `${field}: must be a whole number up to 2^53 - 1`, {
      details: { field },
    });
  return value;
}

export const heightQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { height: heightInteger },
} as const;

/** Security requirement for routes that take a signed `authorization` header. */
export const signedSecurity = [{ tallyKey: [] }] as const;
