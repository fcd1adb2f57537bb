// Readers for the node's JSON responses (docs/api.md "Encoding"): every field is checked where it
// enters the SDK, and a response that breaks the contract is a TallyError 'bad_response' naming it.
import { fromHex, toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type JsonObject = { readonly [key: string]: JsonValue };

function badResponse(field: string, expected: string): TallyError {
  return new TallyError('bad_response', `${field}: expected ${expected}`, { details: { field } });
}

export function readObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badResponse(field, 'an object');
  return value as JsonObject;
}

export function readList(value: unknown, field: string): readonly JsonValue[] {
  if (!Array.isArray(value)) throw badResponse(field, 'an array');
  return value as readonly JsonValue[];
}

export function readText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw badResponse(field, 'a string');
  return value;
}

export function readOptionalText(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : readText(value, field);
}

export function readInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw badResponse(field, 'a non-negative integer');
  return value;
}

export function readOptionalInteger(value: unknown, field: string): number | undefined {
  return value === undefined ? undefined : readInteger(value, field);
}

export function readFlag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw badResponse(field, 'a boolean');
  return value;
}

/** Lower-case hex, as the API writes bytes; `bytes` pins the length when the field has one. */
export function readHex(value: unknown, field: string, bytes?: number): string {
  const text = readText(value, field);
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) throw badResponse(field, 'lower-case hex');
  if (bytes !== undefined && text.length !== bytes * 2)
    throw badResponse(field, `${bytes} bytes of hex`);
  return text;
}

export function readHexBytes(value: unknown, field: string, bytes?: number): Uint8Array {
  return fromHex(readHex(value, field, bytes), field);
}

/** Amounts and counters that can pass 2^53 travel as decimal strings. */
export function readDecimal(value: unknown, field: string): bigint {
  const text = readText(value, field);
  if (!/^-?(?:0|[1-9][0-9]*)$/.test(text)) throw badResponse(field, 'a decimal integer string');
  return BigInt(text);
}

export function readOneOf<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw badResponse(field, `one of ${allowed.join(', ')}`);
  return value as T;
}

/** Accepts bytes or hex from a caller, so every action takes either; returns lower-case hex. */
export function toHexParam(value: Uint8Array | string, field: string): string {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(value))
    throw new TypeError(`${field}: expected bytes or a non-empty even-length hex string`);
  return value.toLowerCase();
}
