// The hashing rules of Tally's state tree, shared by the server and the browser verifier (no node:
// imports). A 16-ary sparse Merkle tree over sha256(key), in the style of Diem/Aptos Jellyfish.
//
//   leaf hash     = sha256(0x00 || sha256(key) || sha256(value))
//   internal hash = sha256(0x01 || bitmap (u16, big-endian; bit n set = child n present)
//                          || hash of each present child, in nibble order)
//   empty tree    = emptyRoot, a fixed placeholder
//
// The distinct first bytes keep a leaf's preimage from ever parsing as an internal node's (and the
// reverse), so a proof cannot pass one off as the other. Each key sits at the shallowest node
// where no other key shares its path, so the tree, and its root, depend only on the set of entries.
//
// Why 16 children hashed flat, not a binary tree (Jellyfish hashes each 16-ary node as 4 binary
// levels): on the server a sha256 call costs about 1 us whatever its input up to ~500 bytes, so one
// call per node instead of up to 15 cuts a block's hashing about fourfold, and a 16-ary node per
// 4 levels cuts LMDB writes alike (depth ~5 at 1M keys, against ~21 binary levels). The price is
// proof size: up to 15 sibling hashes per level, about 2.5 KB at 1M keys instead of ~0.7 KB, which
// still verifies in well under 0.1 ms in a browser.
import { sha256 } from '@noble/hashes/sha2.js';

export const leafPrefix = 0x00;
export const internalPrefix = 0x01;
export const hashBytes = 32;
export const childrenMax = 16;
/** sha256 gives 64 nibbles: no path is deeper. */
export const depthMax = 64;
/** A state key's size limit (application keys are short: a module, a kind, an id). */
export const stateKeyBytesMax = 1024;
/** A state value's size limit: records, not documents (documents go off chain, by hash). */
export const stateValueBytesMax = 1024 * 1024;

/** The root of the empty tree: the hash of a fixed text, so no tree of entries can produce it. */
export const emptyRoot: Uint8Array = sha256(new TextEncoder().encode('tally/state/empty/v1'));

/** Nibble `index` (0 = high half of byte 0) of a key hash. */
export function nibbleAt(keyHash: Uint8Array, index: number): number {
  const byte = keyHash[index >> 1]!;
  return index & 1 ? byte & 0x0f : byte >> 4;
}

export function popcount16(bitmap: number): number {
  let x = bitmap - ((bitmap >> 1) & 0x5555);
  x = (x & 0x3333) + ((x >> 2) & 0x3333);
  x = (x + (x >> 4)) & 0x0f0f;
  return (x + (x >> 8)) & 0x1f;
}
