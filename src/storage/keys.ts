// Key helpers: unsigned integers as fixed-width big-endian bytes, so byte order is numeric order and
// range scans over heights, sequence numbers or ids walk them in order.

/** Heights, sequence numbers and counts that are JS numbers fit here (2^53 - 1). */
export function encodeUintKey(value: number, field = 'key'): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field}: expected a non-negative safe integer`);
  }
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
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
  const out = new Uint8Array(prefix.length + 8);
  out.set(prefix, 0);
  out.set(encodeUintKey(value, field), prefix.length);
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
