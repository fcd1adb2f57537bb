// A minimal DER writer (ITU-T X.690 section 10) for the one certificate profile Tally issues.
// Writing only: certificates are parsed and verified by node:crypto's X509Certificate (OpenSSL).
import { assert } from '../util/assert.ts';
import { concatBytes, utf8 } from '../util/bytes.ts';

export const tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Tag byte of a context-specific element [n]; constructed for EXPLICIT wrappers. */
export function contextTag(n: number, constructed: boolean): number {
  assert(Number.isInteger(n) && n >= 0 && n < 31, 'context tag number in the low-tag range');
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** Tag, minimal length (short form below 128, else the fewest long-form bytes), contents. */
export function derElement(tagByte: number, contents: Uint8Array): Uint8Array {
  assert(tagByte >= 0 && tagByte <= 0xff, 'tag fits one byte');
  const length = contents.length;
  if (length < 0x80) return concatBytes(Uint8Array.of(tagByte, length), contents);
  const lengthBytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256);
  assert(lengthBytes.length <= 4, 'DER length within 4 bytes');
  return concatBytes(Uint8Array.of(tagByte, 0x80 | lengthBytes.length, ...lengthBytes), contents);
}

export function derSequence(...items: Uint8Array[]): Uint8Array {
  return derElement(tag.sequence, concatBytes(...items));
}

/** A SET OF with a single member: each RDN in Tally names holds one attribute, so no sorting. */
export function derSetOfOne(item: Uint8Array): Uint8Array {
  return derElement(tag.set, item);
}

export function derBoolean(value: boolean): Uint8Array {
  return derElement(tag.boolean, Uint8Array.of(value ? 0xff : 0x00));
}

/** A non-negative INTEGER from big-endian magnitude bytes, in its minimal two's-complement form. */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  assert(trimmed.length > 0, 'integer has at least one byte');
  const needsPad = (trimmed[0]! & 0x80) !== 0;
  return derElement(tag.integer, needsPad ? concatBytes(Uint8Array.of(0), trimmed) : trimmed);
}

export function derSmallInteger(value: number): Uint8Array {
  assert(Number.isInteger(value) && value >= 0 && value < 0x80, 'small integer in 0..127');
  return derElement(tag.integer, Uint8Array.of(value));
}

/** OBJECT IDENTIFIER from dotted text (X.690 section 8.19: base-128 arcs, first two combined). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => Number.parseInt(s, 10));
  assert(arcs.length >= 2, 'an OID has at least two arcs');
  for (const arc of arcs) assert(Number.isSafeInteger(arc) && arc >= 0, 'OID arc is a number');
  const out: number[] = [];
  const encodeArc = (arc: number): void => {
    const septets: number[] = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
      septets.unshift((rest % 128) | 0x80);
    }
    out.push(...septets);
  };
  encodeArc(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) encodeArc(arc);
  return derElement(tag.oid, Uint8Array.from(out));
}

export function derUtf8String(text: string): Uint8Array {
  return derElement(tag.utf8String, utf8(text));
}

/** BIT STRING with `unusedBits` trailing bits of the last byte unused (0 for keys and signatures). */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  assert(unusedBits >= 0 && unusedBits < 8, 'unused bits in 0..7');
  return derElement(tag.bitString, concatBytes(Uint8Array.of(unusedBits), bytes));
}

export function derOctetString(bytes: Uint8Array): Uint8Array {
  return derElement(tag.octetString, bytes);
}

/**
 * RFC 5280 section 4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for years 1950 to 2049, GeneralizedTime
 * (YYYYMMDDHHMMSSZ) from 2050 on; whole seconds, always UTC.
 */
export function derTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  assert(year >= 1950 && year <= 9999, 'certificate time within 1950..9999');
  const two = (n: number): string => String(n).padStart(2, '0');
  const rest =
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    'Z';
  if (year < 2050) return derElement(tag.utcTime, utf8(two(year % 100) + rest));
  return derElement(tag.generalizedTime, utf8(String(year) + rest));
}
