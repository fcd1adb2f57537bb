// Canonical bytes for everything Tally hashes or signs: deterministic CBOR, RFC 8949 section 4.2
// (shortest integer and length forms, map keys sorted by their encoded bytes, definite lengths only),
// restricted to the types Tally uses: integers within 64 bits, byte and text strings, arrays, maps
// with text keys, booleans and null. No floats, tags or undefined. One value has exactly one encoding.
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import { bytesEqual } from '../util/bytes.ts';
import { CodecError } from './errors.ts';

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

/**
 * cborg's default map order sorts keys by the length of their bytes, then bytewise. Tally's map keys
 * are all text strings, whose encodings begin with a head that grows with the length, so that order
 * is exactly RFC 8949's bytewise order of the encoded keys; and it is about twice as fast as cborg's
 * rfc8949 sorter, which encodes every key again to compare. A test pins the two as equal.
 */
const encodeOptions = {} as const;

const decodeOptions = {
  strict: true, // refuse integers and lengths not in their shortest form
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  rejectDuplicateMapKeys: true,
  useMaps: false,
  tags: [],
} as const;

/** Encodes a value canonically; throws CodecError naming the path of any value Tally cannot encode. */
export function encode(value: CborValue): Uint8Array {
  checkEncodable(value, 'value', 0);
  return cborgEncode(value, encodeOptions);
}

export type DecodeOptions = { bytesMax?: number; field?: string };

/**
 * Decodes one canonical value. Anything that is not the canonical encoding of its own value is
 * refused: after decoding, the value is encoded again and must give back exactly the input bytes,
 * which catches unsorted keys, non-shortest forms, floats standing for integers and trailing bytes.
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
  checkDepth(bytes, field);
  let value: CborValue;
  try {
    value = cborgDecode(bytes, decodeOptions) as CborValue;
  } catch (error) {
    throw classifyDecodeError(error, field);
  }
  checkEncodable(value, field, 0);
  const again = cborgEncode(value, encodeOptions);
  if (!bytesEqual(again, bytes)) {
    throw new CodecError('non_canonical', field, describeMismatch(bytes, again));
  }
  return value;
}

/**
 * Decodes bytes this process itself wrote canonically (its own committed state), skipping the
 * re-encoding check that input from outside needs. Never use it on bytes from a peer or a client.
 */
export function decodeTrusted(bytes: Uint8Array, field = 'value'): CborValue {
  try {
    return cborgDecode(bytes, decodeOptions) as CborValue;
  } catch (error) {
    throw classifyDecodeError(error, field);
  }
}

function classifyDecodeError(error: unknown, field: string): CodecError {
  const message = error instanceof Error ? error.message : String(error);
  if (/more bytes than necessary/.test(message)) {
    return new CodecError('non_canonical', field, 'integer or length not in its shortest form', {
      cause: error,
    });
  }
  if (/indefinite|undefined|Infinity|NaN|tag|non-string keys/i.test(message)) {
    return new CodecError('unsupported', field, message.replace(/^CBOR decode error: /, ''), {
      cause: error,
    });
  }
  if (/duplicate|repeat map key/i.test(message)) {
    return new CodecError('non_canonical', field, 'duplicate map key', { cause: error });
  }
  if (/too many terminals/.test(message)) {
    return new CodecError('non_canonical', field, 'trailing bytes after the value', {
      cause: error,
    });
  }
  return new CodecError('malformed', field, message.replace(/^CBOR decode error: /, ''), {
    cause: error,
  });
}

function describeMismatch(input: Uint8Array, canonical: Uint8Array): string {
  let offset = 0;
  while (offset < input.length && input[offset] === canonical[offset]) offset++;
  return `not the canonical encoding (first difference at byte ${offset}: map keys out of order or invalid UTF-8)`;
}

/**
 * Walks the raw bytes once to bound nesting before handing them to the recursive decoder. Only the
 * item heads are read; payload bytes are skipped by their declared length.
 */
function checkDepth(bytes: Uint8Array, field: string): void {
  const pending: number[] = [1];
  let offset = 0;
  while (offset < bytes.length && pending.length > 0) {
    const head = bytes[offset]!;
    const major = head >> 5;
    const minor = head & 31;
    offset += 1;
    let argument = minor;
    if (minor >= 24 && minor <= 27) {
      const size = 1 << (minor - 24);
      argument = 0;
      for (let i = 0; i < size && offset + i < bytes.length; i++) {
        argument = argument * 256 + bytes[offset + i]!;
      }
      offset += size;
    } else if (minor > 27) {
      return; // indefinite or reserved: the decoder rejects it with a precise message
    }
    if (major === 7 && minor >= 25) {
      throw new CodecError(
        'unsupported',
        field,
        `floating-point value at byte ${offset - 1 - (1 << (minor - 24))} (Tally encodes numbers as integers)`,
      );
    }
    pending[pending.length - 1]! -= 1;
    if (major === 2 || major === 3) offset += argument;
    const children = major === 4 ? argument : major === 5 ? argument * 2 : major === 6 ? 1 : 0;
    if (children > 0) {
      if (pending.length >= cborDepthMax) {
        throw new CodecError('out_of_range', field, `nesting deeper than ${cborDepthMax} levels`);
      }
      pending.push(children);
    }
    while (pending.length > 0 && pending[pending.length - 1] === 0) pending.pop();
  }
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
  if (depth > cborDepthMax)
    throw new CodecError('out_of_range', path, `nesting deeper than ${cborDepthMax} levels`);
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
