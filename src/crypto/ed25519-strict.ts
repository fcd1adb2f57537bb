// The Ed25519 signatures Tally refuses before any curve arithmetic, whichever library verifies:
// S not below the group order L, a public key whose y is not reduced mod p, and a public key or R
// of small order (a torsion point, in any of its encodings). libsodium refuses all of these itself;
// OpenSSL does not refuse small orders: it accepts, for example, S = 0 with R and the public key
// both the identity point as a signature of every message. Checking them here makes both libraries
// accept exactly the same signatures, so validators never disagree on one (RFC 8032 leaves the
// small-order cases to the implementation; these are the rules libsodium and Zcash's pre-ZIP-215
// consensus use). Browser-safe.

import { fromHex } from '../util/bytes.ts';

const encodedBytes = 32;

/** L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const groupOrder = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/** Little-endian 32 bytes: `low` byte first, then `fill` up to a last byte of `high`. */
function encoding(low: number, fill: number, high: number): Uint8Array {
  const out = new Uint8Array(encodedBytes).fill(fill);
  out[0] = low;
  out[31] = high;
  return out;
}

/**
 * Every encoding of a point of order 1, 2, 4 or 8, with the x sign bit cleared (it is ignored when
 * comparing): y = 0 (order 4), y = 1 (the identity), the two y of the order-8 points, y = p - 1
 * (order 2), and the unreduced y = p and y = p + 1 (0 and 1 again).
 */
export const smallOrderEncodings: readonly Uint8Array[] = [
  encoding(0, 0, 0),
  encoding(1, 0, 0),
  fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
  encoding(0xec, 0xff, 0x7f),
  encoding(0xed, 0xff, 0x7f),
  encoding(0xee, 0xff, 0x7f),
];

/** True when the 32 little-endian bytes at `at` encode an integer below L. */
function scalarIsReduced(bytes: Uint8Array, at: number): boolean {
  for (let i = encodedBytes - 1; i >= 0; i--) {
    const byte = bytes[at + i]!;
    const bound = groupOrder[i]!;
    if (byte !== bound) return byte < bound;
  }
  return false; // equal to L
}

/** True when a point encoding's y (its low 255 bits) is below p = 2^255 - 19. */
function yIsReduced(bytes: Uint8Array, at: number): boolean {
  if ((bytes[at + 31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (bytes[at + i] !== 0xff) return true;
  return bytes[at]! < 0xed;
}

function isSmallOrder(bytes: Uint8Array, at: number): boolean {
  for (const bad of smallOrderEncodings) {
    let same = (bytes[at + 31]! & 0x7f) === bad[31];
    for (let i = 0; same && i < 31; i++) same = bytes[at + i] === bad[i];
    if (same) return true;
  }
  return false;
}

/** Whether a 32-byte public key and a 64-byte signature (R then S) pass the rules above. */
export function ed25519EncodingsAllowed(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== encodedBytes || signature.length !== 2 * encodedBytes) return false;
  return (
    scalarIsReduced(signature, encodedBytes) &&
    yIsReduced(publicKey, 0) &&
    !isSmallOrder(publicKey, 0) &&
    !isSmallOrder(signature, 0)
  );
}
