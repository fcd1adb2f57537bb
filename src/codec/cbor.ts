// Canonical bytes for everything Tally hashes or signs: deterministic CBOR, RFC 8949 section 4.2
// (shortest integer and length forms, map keys sorted by their encoded bytes, definite lengths only),
// restricted to the types Tally uses: integers within 64 bits, byte and text strings, arrays, maps
// with text keys, booleans and null. No floats, tags or undefined. One value has exactly one encoding.
import { CodecError } from './errors.ts';
import { readCanonical } from './reader.ts';
import { writeCanonical } from './writer.ts';

export type CborValue =
  | number
  | bigint
  | string
  | Uint8Array
  | boolean
  | null
  | readonly CborValue[]
  | { readonly [key: string]: CborValue };

/** Default ceiling for one decoded value; callers pass tighter limits (a transaction, a frame). */
export const cborBytesMax = 16 * 1024 * 1024;
/** Nesting deeper than this is refused before it can exhaust the stack. */
export const cborDepthMax = 64;

const uint64Max = (1n << 64n) - 1n;
const nint64Min = -(1n << 64n);

/** Encodes a value canonically; throws CodecError naming the path of any value Tally cannot encode. */
export function encode(value: CborValue): Uint8Array {
  checkEncodable(value, 'value', 0);
  return writeCanonical(value);
}

export type DecodeOptions = {
  bytesMax?: number;
  field?: string;
  /**
   * Byte strings in the result are views of `bytes`, not copies. Only for a caller that keeps
   * `bytes` unchanged for as long as it uses the result (a transaction keeps its own bytes).
   */
  views?: boolean;
};

/**
 * Decodes one canonical value. Anything that is not the canonical encoding of its own value is
 * refused (reader.ts checks as it reads): unsorted or repeated keys, non-shortest forms, floats,
 * invalid UTF-8, indefinite lengths, tags and trailing bytes, each with an error naming the field.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): CborValue {
  const field = options.field ?? 'value';
  const bytesMax = options.bytesMax ?? cborBytesMax;
  if (!(bytes instanceof Uint8Array)) throw new CodecError('wrong_type', field, 'expected bytes');
  if (bytes.length > bytesMax) {
    throw new CodecError(
      'too_large',
      field,
      `${bytes.length} bytes exceeds the limit of ${bytesMax}`,
    );
  }
  if (bytes.length === 0) throw new CodecError('malformed', field, 'empty input');
  return readCanonical(bytes, { field, depthMax: cborDepthMax, views: options.views === true });
}

/**
 * Decodes bytes this process itself wrote canonically (its own committed state). It runs the same
 * checking reader as decode (checking while reading costs next to nothing) but has no size limit.
 */
export function decodeTrusted(bytes: Uint8Array, field = 'value'): CborValue {
  if (bytes.length === 0) throw new CodecError('malformed', field, 'empty input');
  return readCanonical(bytes, { field, depthMax: cborDepthMax, views: false });
}

/**
 * Throws a CodecError naming the path of the first value Tally cannot encode. The common case, a
 * value that is fine, takes the fast walk that builds no path strings (building one per element
 * cost more than the encoding itself); only a failure walks again to name the place.
 */
function checkEncodable(value: unknown, path: string, depth: number): void {
  if (!isEncodable(value, depth)) explainNotEncodable(value, path, depth);
}

/** Whether `encode` would accept the value: the check without the error, and without encoding. */
export function canEncode(value: unknown): boolean {
  return isEncodable(value, 0);
}

function isEncodable(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(value);
    case 'bigint':
      return value <= uint64Max && value >= nint64Min;
    case 'object':
      return value === null || value instanceof Uint8Array || isEncodableContainer(value, depth);
    default:
      return false;
  }
}

function isEncodableContainer(value: object, depth: number): boolean {
  if (depth >= cborDepthMax) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isEncodable(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!isEncodable(record[key], depth + 1)) return false;
  return true;
}

function explainNotEncodable(value: unknown, path: string, depth: number): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new CodecError(
          'unsupported',
          path,
          'numbers must be safe integers (use bigint for larger values; floats are not allowed)',
        );
      }
      return;
    case 'bigint':
      if (value > uint64Max || value < nint64Min)
        throw new CodecError('out_of_range', path, 'integer outside the 64-bit CBOR range');
      return;
    case 'object':
      explainNotEncodableObject(value, path, depth);
      return;
    default:
      throw new CodecError('unsupported', path, `cannot encode a value of type ${typeof value}`);
  }
}

function explainNotEncodableObject(value: object | null, path: string, depth: number): void {
  if (value === null || value instanceof Uint8Array) return;
  // The same bound as isEncodableContainer's: a container this deep is refused, even empty.
  if (depth >= cborDepthMax)
    throw new CodecError('out_of_range', path, `nesting deeper than ${cborDepthMax} levels`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      explainNotEncodable(value[i], `${path}[${i}]`, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CodecError(
      'unsupported',
      path,
      `cannot encode a ${proto?.constructor?.name ?? 'non-plain'} object`,
    );
  }
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined)
      throw new CodecError(
        'unsupported',
        `${path}.${key}`,
        'undefined is not encodable; omit the key',
      );
    explainNotEncodable(item, `${path}.${key}`, depth + 1);
  }
}
