// Readers that turn a decoded CBOR value into typed fields, refusing anything else with the field's
// name. Every ledger type's decoder is built from these (validate at the boundary, then trust).
import type { CborValue } from './cbor.ts';
import { CodecError } from './errors.ts';

type Fields = { readonly [key: string]: CborValue };

const uint64Max = (1n << 64n) - 1n;

export function readArray(
  value: CborValue | undefined,
  field: string,
  lengthMax = Number.MAX_SAFE_INTEGER,
): readonly CborValue[] {
  if (!Array.isArray(value)) throw new CodecError('wrong_type', field, 'expected an array');
  if (value.length > lengthMax)
    throw new CodecError('out_of_range', field, `more than ${lengthMax} items`);
  return value;
}

/** An array of exactly `length` items: the shape every fixed record (tx, header, vote) uses. */
export function readTuple(
  value: CborValue | undefined,
  field: string,
  length: number,
): readonly CborValue[] {
  const items = readArray(value, field);
  if (items.length !== length) {
    throw new CodecError('wrong_type', field, `expected ${length} items, got ${items.length}`);
  }
  return items;
}

export function readMap(value: CborValue | undefined, field: string): Fields {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array
  ) {
    throw new CodecError('wrong_type', field, 'expected a map');
  }
  return value as Fields;
}

/** A map whose keys are exactly the given required keys, plus optional ones; anything else is refused. */
export function readRecord(
  value: CborValue | undefined,
  field: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Fields {
  const map = readMap(value, field);
  for (const key of required) {
    if (!(key in map)) throw new CodecError('missing_field', `${field}.${key}`, 'is required');
  }
  for (const key of Object.keys(map)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw new CodecError('unknown_field', `${field}.${key}`, 'is not a known field');
    }
  }
  return map;
}

export function readBytes(
  value: CborValue | undefined,
  field: string,
  length?: number,
): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new CodecError('wrong_type', field, 'expected a byte string');
  if (length !== undefined && value.length !== length) {
    throw new CodecError('out_of_range', field, `expected ${length} bytes, got ${value.length}`);
  }
  return value;
}

export function readBytesMax(
  value: CborValue | undefined,
  field: string,
  lengthMax: number,
): Uint8Array {
  const bytes = readBytes(value, field);
  if (bytes.length > lengthMax)
    throw new CodecError('out_of_range', field, `longer than ${lengthMax} bytes`);
  return bytes;
}

export function readString(value: CborValue | undefined, field: string, lengthMax: number): string {
  if (typeof value !== 'string')
    throw new CodecError('wrong_type', field, 'expected a text string');
  if (value.length > lengthMax)
    throw new CodecError('out_of_range', field, `longer than ${lengthMax} characters`);
  return value;
}

export function readBoolean(value: CborValue | undefined, field: string): boolean {
  if (typeof value !== 'boolean') throw new CodecError('wrong_type', field, 'expected a boolean');
  return value;
}

/** An unsigned integer that fits a JS number (heights, rounds, counts, milliseconds). */
export function readUint(
  value: CborValue | undefined,
  field: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new CodecError('wrong_type', field, 'expected an unsigned integer');
  }
  if (value > max) throw new CodecError('out_of_range', field, `greater than ${max}`);
  return value;
}

/** An unsigned 64-bit integer as bigint (amounts in minor units, nonces, ids). */
export function readUint64(value: CborValue | undefined, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n && value <= uint64Max) return value;
  throw new CodecError('wrong_type', field, 'expected an unsigned 64-bit integer');
}

/** A text string from a fixed set. */
export function readEnum<T extends string>(
  value: CborValue | undefined,
  field: string,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new CodecError('wrong_type', field, `expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * Canonical bigint for an integer: CBOR does not tell a JS number from a bigint, so values that
 * came back from decoding compare equal to what was encoded only once both are normalised.
 */
export function toUint64(value: number | bigint, field: string): bigint {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  if (big < 0n || big > uint64Max)
    throw new CodecError('out_of_range', field, 'outside the unsigned 64-bit range');
  return big;
}
