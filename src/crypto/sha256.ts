// SHA-256 (FIPS 180-4) of the concatenation of byte strings: the hash every layer uses for canonical
// bytes (DESIGN decision 1). It runs everywhere through @noble/hashes; under Node (20.16 or later,
// which can hand over node:crypto without a static import that would keep this file out of
// browsers) it uses node:crypto's one-shot hash instead, about four times as fast for the short
// inputs Tally hashes (transaction ids, receipts, Merkle nodes). Both give the same bytes; a test
// holds them to each other and to the FIPS vectors.

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesFromLatin1, concatBytes } from '../util/bytes.ts';

export const sha256Bytes = 32;

type NodeHash = (algorithm: 'sha256', data: Uint8Array, outputEncoding: 'binary') => string;
const nodeProcess = (
  globalThis as {
    process?: { getBuiltinModule?: (id: 'node:crypto') => { hash?: NodeHash } | undefined };
  }
).process;
const nodeHash: NodeHash | undefined = nodeProcess?.getBuiltinModule?.('node:crypto')?.hash;

/**
 * Where the parts of a multi-part input are laid end to end before node:crypto hashes them. Hashing
 * is synchronous and keeps nothing of its input, so one buffer serves every call. A fresh
 * concatenation cost an allocation outside V8's heap whenever the input passed 64 bytes: every
 * Merkle node (1 + 32 + 32), every transaction id and receipt hash (tag + encoding).
 */
let scratch = new Uint8Array(1024);
/** The buffer grows to this and no further (a transaction is at most 64 KiB); longer is a copy. */
const scratchBytesMax = 128 * 1024;

function joined(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  if (length > scratchBytesMax) return concatBytes(...parts);
  if (length > scratch.length)
    scratch = new Uint8Array(Math.min(scratchBytesMax, Math.max(length, scratch.length * 2)));
  let at = 0;
  for (const part of parts) {
    scratch.set(part, at);
    at += part.length;
  }
  return scratch.subarray(0, length);
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (nodeHash === undefined) return nobleDigest(parts);
  const data = parts.length === 1 ? parts[0]! : joined(parts);
  // A latin1 digest copied into a 32-byte Uint8Array, which V8 keeps on its heap: a Buffer digest
  // would cost an allocation outside it for every hash.
  return bytesFromLatin1(nodeHash('sha256', data, 'binary'));
}

/** The same hash through @noble/hashes, whatever the platform (for tests and browsers). */
export function sha256Noble(...parts: Uint8Array[]): Uint8Array {
  return nobleDigest(parts);
}

function nobleDigest(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return nobleSha256(parts[0]!);
  const hash = nobleSha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}
