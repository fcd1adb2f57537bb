// SHA-256 through node:crypto (OpenSSL, SHA-NI where the CPU has it), same contract as sha256.ts,
// for server-only hot paths. Node 20 has no one-shot crypto.hash(), so this uses createHash.

import { createHash } from 'node:crypto';

export function sha256Node(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const digest = hash.digest();
  // A plain Uint8Array view, so results compare equal to sha256.ts's under deepStrictEqual.
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.length);
}
