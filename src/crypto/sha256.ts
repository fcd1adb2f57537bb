// SHA-256 (FIPS 180-4) of the concatenation of byte strings, browser-safe via @noble/hashes: the hash
// every layer uses for canonical bytes (DESIGN decision 1). Hot server paths may use hash-node.ts.

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export const sha256Bytes = 32;

export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return nobleSha256(parts[0]!);
  const hash = nobleSha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}
