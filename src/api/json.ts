// Rendering of ledger values as JSON (docs/api.md, Encoding): bytes become lower-case hex, bigints
// decimal strings, CBOR maps objects; and the reverse for hex the caller sends, refused as bad_hex.
import type { CborValue } from '../codec/index.ts';
import type { Event, Receipt } from '../ledger/receipt.ts';
import { toHex } from '../util/bytes.ts';
import { ApiError } from './errors.ts';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

const lowerHex = /^(?:[0-9a-f]{2})*$/;

/** A CBOR value as JSON: byte strings as hex, bigints as decimal strings. */
export function cborToJson(value: CborValue): JsonValue {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((item: CborValue) => cborToJson(item));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) out[key] = cborToJson(item);
    return out;
  }
  return value as string | number | boolean | null;
}

export type EventJson = { module: string; type: string; attributes: JsonValue };

export function eventToJson(event: Event): EventJson {
  return { module: event.module, type: event.type, attributes: cborToJson(event.attributes) };
}

export function receiptEventsToJson(receipt: Receipt): EventJson[] {
  return receipt.events.map(eventToJson);
}

/**
 * Bytes from the caller's hex; 400 bad_hex naming the field when it is not lower-case hex of an
 * even length, or not `bytes` long when a length is required.
 */
export function parseHex(hex: string, field: string, bytes?: number): Uint8Array {
  if (!lowerHex.test(hex)) {
    throw new ApiError(
      400,
      'bad_hex',
      `${field}: expected lower-case hex with an even number of digits`,
      { details: { field } },
    );
  }
  if (bytes !== undefined && hex.length !== bytes * 2) {
    throw new ApiError(
      400,
      'bad_hex',
      `${field}: expected ${bytes} bytes (${bytes * 2} hex digits), got ${hex.length / 2}`,
      { details: { field } },
    );
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
