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
//
// Records: a key whose first byte is recordKeyTag (0x01, which no module name begins with) is a
// record, written once and never changed or deleted (a posted transfer). Its path is not its key's
// hash but its place in the chain:
//
//   record path   = 0xff || height (u64, big-endian) || seq (u32, big-endian) || sha256(key)[0..19]
//
// where seq numbers the block's new records in key order. A block's records then sit side by side
// in one young subtree, so adding a thousand of them rewrites a few dozen internal nodes instead of
// splitting a thousand random leaves and rewriting every node above each. Because the place is not
// computable from the key, a node keeps a local index from key to path, and a proof of a record
// carries its path; the verifier checks the path's tail against the key's hash. A record's absence
// cannot be proven (there is no one place it would be).
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

export const recordKeyTag = 0x01;
export const recordPathTag = 0xff;
/** The bytes of sha256(key) a record path ends with: 152 bits bind the path to one key. */
const recordPathHashBytes = 19;
const recordPathHashAt = hashBytes - recordPathHashBytes;

/** True when `key` names a record (written once, stored at a path by position: see above). */
export function isRecordKey(key: Uint8Array): boolean {
  return key[0] === recordKeyTag;
}

/** The path of a block's record number `seq`, whose key hashes to `keyHash`. */
export function recordPath(keyHash: Uint8Array, height: number, seq: number): Uint8Array {
  const path = new Uint8Array(hashBytes);
  path[0] = recordPathTag;
  // A height is below 2^48 (heightMax in nodes.ts): the top two bytes of the u64 stay zero.
  const high = Math.floor(height / 0x1_0000_0000);
  writeUint32BE(path, 1, high);
  writeUint32BE(path, 5, height - high * 0x1_0000_0000);
  writeUint32BE(path, 9, seq);
  path.set(keyHash.subarray(0, recordPathHashBytes), recordPathHashAt);
  return path;
}

/** True when `path` is a record path that belongs to the key hashing to `keyHash`. */
export function recordPathFits(path: Uint8Array, keyHash: Uint8Array): boolean {
  if (path.length !== hashBytes || path[0] !== recordPathTag) return false;
  for (let i = 0; i < recordPathHashBytes; i++)
    if (path[recordPathHashAt + i] !== keyHash[i]) return false;
  return true;
}

function writeUint32BE(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

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
