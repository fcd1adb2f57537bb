// Byte helpers shared by every layer; browser-safe (no node: imports).

const hexChars = '0123456789abcdef';

type Slice = (this: Uint8Array, start: number, end: number) => string;
/** Node's Buffer methods where there is one (the node, the CLI); browsers take portable paths. */
const bufferMethods = (
  globalThis as { Buffer?: { prototype?: { hexSlice?: Slice; latin1Slice?: Slice } } }
).Buffer?.prototype;
const nodeHexSlice = bufferMethods?.hexSlice;
const nodeLatin1Slice = bufferMethods?.latin1Slice;
const asciiDecoder = new TextDecoder();
const hexDigitCodes = Uint8Array.from(hexChars, (c) => c.charCodeAt(0));

/**
 * Lower-case hex. The result is one flat string: building it by `+=` per byte leaves a tree of
 * ~2 small strings per byte in V8, which then lives as long as the string does (as a Map key in a
 * cache of 50,000 transactions that tree cost about 8 KB per entry). Under Node, Buffer's hexSlice
 * called on the array itself: wrapping it as `Buffer.from(bytes.buffer, ...)` reads `.buffer`,
 * which makes V8 move a Uint8Array of up to 64 bytes (a hash) off its heap into a new allocation:
 * 1.4 us a call with that against 0.4 us (a sha256 and the hex of its digest, node -e loop).
 */
export function toHex(bytes: Uint8Array): string {
  if (nodeHexSlice !== undefined) return nodeHexSlice.call(bytes, 0, bytes.length);
  return toHexPortable(bytes);
}

/** toHex without Node's Buffer (what a browser runs); exported so tests check both paths. */
export function toHexPortable(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[2 * i] = hexDigitCodes[b >> 4]!;
    out[2 * i + 1] = hexDigitCodes[b & 15]!;
  }
  return asciiDecoder.decode(out);
}

export function fromHex(hex: string, field = 'hex'): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError(`${field}: expected an even-length hex string`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of byte strings, shorter first on a common prefix. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * A module's state key: a one-letter tag, then `parts`, in one allocation. Keys are short, and a
 * byte loop beats set() for them.
 */
export function taggedKey(tag: string, ...parts: Uint8Array[]): Uint8Array {
  let length = 1;
  for (let p = 0; p < parts.length; p++) length += parts[p]!.length;
  const key = new Uint8Array(length);
  key[0] = tag.charCodeAt(0);
  let at = 1;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    for (let i = 0; i < part.length; i++) key[at++] = part[i]!;
  }
  return key;
}

/**
 * The bytes of a latin1 string (one character per byte, as node:crypto writes a 'binary' digest),
 * in a new Uint8Array: a short one stays on V8's heap, where a Buffer would not.
 */
export function bytesFromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * A latin1 string of `bytes`, one character per byte (bytesFromLatin1's inverse). Under Node,
 * Buffer's latin1Slice: about 0.13 us for a 30-byte key against 0.21 us for
 * String.fromCharCode.apply, which also allocates an argument list as long as the bytes. Like
 * toHex, it never reads `.buffer`, so a short array stays on V8's heap: this is the way to key a
 * Map by bytes (a hash, a transaction id, a public key).
 */
export function latin1FromBytes(bytes: Uint8Array): string {
  if (nodeLatin1Slice !== undefined) return nodeLatin1Slice.call(bytes, 0, bytes.length);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

const encoder = new TextEncoder();
/**
 * Up to this many characters, ASCII text is copied in a loop: state keys and hash tags are short
 * (an organisation, a corridor, a currency), and TextEncoder.encode costs about 1 us a call on
 * Node 20 whatever the length, against 0.1 to 0.2 us for the loop at 16 characters; they break
 * even near 100. A remittance's execution encodes about 30 such strings.
 */
const asciiLoopCharsMax = 64;

/** UTF-8 bytes of `text`, as TextEncoder writes them (a lone surrogate becomes U+FFFD). */
export function utf8(text: string): Uint8Array {
  if (text.length > asciiLoopCharsMax) return encoder.encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(text);
    out[i] = c;
  }
  return out;
}
