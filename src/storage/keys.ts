// Key helpers: unsigned integers as fixed-width big-endian bytes, so byte order is numeric order and
// range scans over heights, sequence numbers or ids walk them in order.

/** Heights, sequence numbers and counts that are JS numbers fit here (2^53 - 1). */
export function encodeUintKey(value: number, field = 'key'): Uint8Array {
  checkUint(value, field);
  const out = new Uint8Array(8);
  writeUint64(out, 0, value);
  return out;
}

/**
 * Writes `value` (a non-negative safe integer, unchecked) as 8 big-endian bytes at `at`: in two
 * 32-bit halves, since a BigInt and a DataView per key cost more than the key (every receipt and
 * state-tree node of a block has one).
 */
export function writeUint64(out: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / 2 ** 32);
  const low = value >>> 0;
  out[at] = high >>> 24;
  out[at + 1] = (high >>> 16) & 0xff;
  out[at + 2] = (high >>> 8) & 0xff;
  out[at + 3] = high & 0xff;
  out[at + 4] = low >>> 24;
  out[at + 5] = (low >>> 16) & 0xff;
  out[at + 6] = (low >>> 8) & 0xff;
  out[at + 7] = low & 0xff;
}

/** Reads what encodeUintKey wrote, at `offset`. */
export function decodeUintKey(bytes: Uint8Array, offset = 0, field = 'key'): number {
  if (bytes.length < offset + 8) throw new RangeError(`${field}: expected 8 bytes at ${offset}`);
  const value = new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigUint64(0);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${field}: beyond 2^53 - 1`);
  return Number(value);
}

/** `prefix` followed by the 8-byte big-endian `value`: one row of a per-prefix ordered index. */
export function encodePrefixedUintKey(
  prefix: Uint8Array,
  value: number,
  field = 'key',
): Uint8Array {
  checkUint(value, field);
  const out = new Uint8Array(prefix.length + 8);
  out.set(prefix, 0);
  writeUint64(out, prefix.length, value);
  return out;
}

/** The smallest key greater than every key that starts with `prefix` (undefined for 0xff...ff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const out = prefix.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]! += 1;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

function checkUint(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field}: expected a non-negative safe integer`);
  }
}
