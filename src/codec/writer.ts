// Writes the canonical encoding (RFC 8949 section 4.2) of a value that cbor.ts has already checked
// is encodable: shortest heads, map keys sorted by the bytewise order of their encodings. It writes
// straight into one reused scratch buffer and copies out the result, where cborg built a token per
// item and a list of chunks to join; a test checks that both give the same bytes for any value.
import { allocateBytes } from './allocate.ts';
import type { CborValue } from './cbor.ts';

const scratchBytesKept = 1024 * 1024;
let scratch = new Uint8Array(64 * 1024);
let pos = 0;
const utf8Encoder = new TextEncoder();
const twoPow32 = 2 ** 32;
const safeIntegerMax = BigInt(Number.MAX_SAFE_INTEGER);

/** The canonical bytes of `value`, which must be encodable (cbor.ts checks before calling). */
export function writeCanonical(value: CborValue): Uint8Array {
  pos = 0;
  try {
    writeValue(value);
    const out = allocateBytes(pos);
    out.set(scratch.subarray(0, pos));
    return out;
  } finally {
    // One huge value must not pin its scratch buffer for the life of the process.
    if (scratch.length > scratchBytesKept) scratch = new Uint8Array(64 * 1024);
  }
}

function reserve(count: number): void {
  if (pos + count <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < pos + count) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(scratch.subarray(0, pos));
  scratch = grown;
}

function writeValue(value: CborValue): void {
  switch (typeof value) {
    case 'number':
      if (value >= 0) writeHead(0, value);
      else writeHead(1, -1 - value);
      return;
    case 'bigint':
      if (value >= 0n) writeBigHead(0, value);
      else writeBigHead(1, -1n - value);
      return;
    case 'string':
      writeText(value);
      return;
    case 'boolean':
      reserve(1);
      scratch[pos++] = value ? 0xf5 : 0xf4;
      return;
    default:
      writeObject(value);
  }
}

function writeObject(value: Exclude<CborValue, number | bigint | string | boolean>): void {
  if (value === null) {
    reserve(1);
    scratch[pos++] = 0xf6;
  } else if (value instanceof Uint8Array) {
    writeHead(2, value.length);
    reserve(value.length);
    scratch.set(value, pos);
    pos += value.length;
  } else if (Array.isArray(value)) {
    const items = value as readonly CborValue[];
    writeHead(4, items.length);
    for (let i = 0; i < items.length; i++) writeValue(items[i]!);
  } else {
    writeMap(value as { readonly [key: string]: CborValue });
  }
}

function writeMap(record: { readonly [key: string]: CborValue }): void {
  const keys = Object.keys(record);
  writeHead(5, keys.length);
  let ascii = true;
  for (let i = 0; i < keys.length && ascii; i++) ascii = isAscii(keys[i]!);
  if (ascii) {
    // One byte per character: the encoded order is by length, then by the strings themselves.
    sortSmall(keys, compareAsciiKeys);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      writeText(key);
      writeValue(record[key]!);
    }
    return;
  }
  const encoded = keys.map((key) => ({ key, bytes: utf8Encoder.encode(key) }));
  sortSmall(encoded, (a, b) => compareKeyBytes(a.bytes, b.bytes));
  for (const { key, bytes } of encoded) {
    writeHead(3, bytes.length);
    reserve(bytes.length);
    scratch.set(bytes, pos);
    pos += bytes.length;
    writeValue(record[key]!);
  }
}

/** Insertion sort for the few keys of a typical record, where Array.sort's setup costs more. */
function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): void {
  if (items.length > 16) {
    items.sort(compare);
    return;
  }
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    let j = i - 1;
    while (j >= 0 && compare(items[j]!, item) > 0) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = item;
  }
}

function compareAsciiKeys(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeyBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function writeText(text: string): void {
  if (isAscii(text)) {
    writeHead(3, text.length);
    reserve(text.length);
    for (let i = 0; i < text.length; i++) scratch[pos + i] = text.charCodeAt(i);
    pos += text.length;
    return;
  }
  const length = utf8Length(text);
  writeHead(3, length);
  reserve(length);
  const { written } = utf8Encoder.encodeInto(text, scratch.subarray(pos, pos + length));
  pos += written;
}

/** UTF-8 length as TextEncoder writes it: a lone surrogate becomes U+FFFD, three bytes. */
function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else length += 3;
    } else length += 3;
  }
  return length;
}

/** A head with a non-negative safe-integer argument, in its shortest form. */
function writeHead(major: number, argument: number): void {
  reserve(9);
  const type = major << 5;
  if (argument < 24) {
    scratch[pos++] = type | argument;
  } else if (argument < 0x100) {
    scratch[pos++] = type | 24;
    scratch[pos++] = argument;
  } else if (argument < 0x1_0000) {
    scratch[pos++] = type | 25;
    scratch[pos++] = argument >>> 8;
    scratch[pos++] = argument & 0xff;
  } else if (argument < twoPow32) {
    scratch[pos++] = type | 26;
    writeUint32(argument);
  } else {
    scratch[pos++] = type | 27;
    writeUint32(Math.floor(argument / twoPow32));
    writeUint32(argument % twoPow32);
  }
}

function writeBigHead(major: number, argument: bigint): void {
  if (argument <= safeIntegerMax) {
    writeHead(major, Number(argument));
    return;
  }
  reserve(9);
  scratch[pos++] = (major << 5) | 27;
  writeUint32(Number(argument >> 32n));
  writeUint32(Number(argument & 0xffff_ffffn));
}

function writeUint32(value: number): void {
  scratch[pos++] = value >>> 24;
  scratch[pos++] = (value >>> 16) & 0xff;
  scratch[pos++] = (value >>> 8) & 0xff;
  scratch[pos++] = value & 0xff;
}
