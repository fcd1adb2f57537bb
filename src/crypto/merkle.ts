// Binary Merkle tree over a list of 32-byte leaves (transaction ids, receipt hashes), in the shape of
// RFC 6962 section 2.1: leaf and node hashes are domain-separated (0x00 / 0x01 prefixes), and a list
// that is not a power of two splits at the largest power of two below its length. Browser-safe.
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';
import { sha256 } from './sha256.ts';

const leafPrefix = new Uint8Array([0]);
const nodePrefix = new Uint8Array([1]);
/** Root of an empty list: the hash of nothing, as RFC 6962 defines it. */
export const merkleEmptyRoot = sha256(new Uint8Array(0));

export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  return sha256(leafPrefix, leaf);
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(nodePrefix, left, right);
}

/** Largest power of two strictly less than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return merkleEmptyRoot;
  let level = leaves.map(merkleLeafHash);
  // Bottom-up pairing gives the same root as the recursive RFC 6962 split: an odd node is carried up.
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** Audit path for leaf `index`: sibling hashes from the leaf up (RFC 6962 section 2.1.1). */
export function merkleProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  assert(
    Number.isInteger(index) && index >= 0 && index < leaves.length,
    'merkleProof: index out of range',
  );
  return auditPath(leaves.map(merkleLeafHash), index);
}

function auditPath(hashes: readonly Uint8Array[], index: number): Uint8Array[] {
  if (hashes.length <= 1) return [];
  const k = splitPoint(hashes.length);
  if (index < k) return [...auditPath(hashes.slice(0, k), index), subtreeRoot(hashes.slice(k))];
  return [...auditPath(hashes.slice(k), index - k), subtreeRoot(hashes.slice(0, k))];
}

function subtreeRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 1) return hashes[0]!;
  const k = splitPoint(hashes.length);
  return nodeHash(subtreeRoot(hashes.slice(0, k)), subtreeRoot(hashes.slice(k)));
}

/** Checks that `leaf` is at `index` of a list of `size` leaves whose root is `root`. */
export function verifyMerkleProof(
  root: Uint8Array,
  leaf: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size)
    return false;
  let fn = index;
  let sn = size - 1;
  let hash = merkleLeafHash(leaf);
  for (const sibling of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      hash = nodeHash(sibling, hash);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && bytesEqual(hash, root);
}
