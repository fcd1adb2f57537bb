// Checks a state proof against a root: runs anywhere, the browser included (no node: imports;
// sha256 from @noble/hashes). The hashing rules are in spec.ts.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual } from '../../util/bytes.ts';
import type { StateProof } from './proof.ts';
import {
  depthMax,
  emptyRoot,
  hashBytes,
  internalPrefix,
  isRecordKey,
  leafPrefix,
  nibbleAt,
  popcount16,
  recordPathFits,
} from './spec.ts';

/**
 * True when `proof` shows that, in the tree with root `root`, `key` holds `value` (or, with
 * `value` null, that `key` is absent). A malformed proof is simply not a proof: false. A record
 * (spec.ts) is proven at the path its proof carries, and only present: its absence has no proof.
 */
export function verifyStateProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | null,
  proof: StateProof,
): boolean {
  if (!(root instanceof Uint8Array) || root.length !== hashBytes)
    throw new TypeError('root: expected 32 bytes');
  if (!(key instanceof Uint8Array)) throw new TypeError('key: expected a Uint8Array');
  if (value !== null && !(value instanceof Uint8Array))
    throw new TypeError('value: expected a Uint8Array or null');
  const levels = proof.levels;
  if (!Array.isArray(levels) || levels.length > depthMax) return false;
  const keyHash = pathOf(key, value, proof);
  if (keyHash === undefined) return false;
  let hash = bottomHash(keyHash, value, proof);
  if (hash === false) return false;
  if (hash === null && levels.length === 0) return bytesEqual(root, emptyRoot);
  for (let depth = levels.length - 1; depth >= 0; depth--) {
    hash = internalHash(levels[depth]!, nibbleAt(keyHash, depth), hash);
    if (hash === null) return false;
  }
  return hash !== null && bytesEqual(hash, root);
}

/** The path the proof walks: the key's hash, or a record's path that fits the key (else undefined). */
function pathOf(
  key: Uint8Array,
  value: Uint8Array | null,
  proof: StateProof,
): Uint8Array | undefined {
  const keyHash = sha256(key);
  const { recordPath } = proof;
  if (!isRecordKey(key)) return recordPath === undefined ? keyHash : undefined;
  if (value === null || proof.leaf !== null || !(recordPath instanceof Uint8Array))
    return undefined;
  return recordPathFits(recordPath, keyHash) ? recordPath : undefined;
}

/** The hash at the bottom of the path: the key's own leaf, another key's leaf, or nothing (null). */
function bottomHash(
  keyHash: Uint8Array,
  value: Uint8Array | null,
  proof: StateProof,
): Uint8Array | null | false {
  const other = proof.leaf;
  if (value !== null) return other === null ? leafHash(keyHash, sha256(value)) : false;
  if (other === null) return null;
  if (!isHash(other.keyHash) || !isHash(other.valueHash)) return false;
  if (bytesEqual(other.keyHash, keyHash)) return false;
  // The other leaf sits on this key's path, so the two key hashes share the path's nibbles.
  for (let depth = 0; depth < proof.levels.length; depth++) {
    if (nibbleAt(other.keyHash, depth) !== nibbleAt(keyHash, depth)) return false;
  }
  return leafHash(other.keyHash, other.valueHash);
}

/** The hash of one internal node on the path, with `below` at `nibble` (null: no child there). */
function internalHash(
  level: StateProof['levels'][number],
  nibble: number,
  below: Uint8Array | null,
): Uint8Array | null {
  const { bitmap, siblings } = level;
  if (!Number.isInteger(bitmap) || bitmap <= 0 || bitmap > 0xffff || !Array.isArray(siblings))
    return null;
  const present = ((bitmap >> nibble) & 1) === 1;
  if (present !== (below !== null)) return null;
  const children = popcount16(bitmap);
  if (siblings.length !== (present ? children - 1 : children)) return null;
  const input = new Uint8Array(3 + children * hashBytes);
  input[0] = internalPrefix;
  input[1] = bitmap >> 8;
  input[2] = bitmap & 0xff;
  let index = 0;
  let sibling = 0;
  for (let n = 0; n < 16; n++) {
    if (((bitmap >> n) & 1) === 0) continue;
    const hash = n === nibble ? below : siblings[sibling++];
    if (!isHash(hash)) return null;
    input.set(hash, 3 + index * hashBytes);
    index++;
  }
  return sha256(input);
}

function leafHash(keyHash: Uint8Array, valueHash: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + 2 * hashBytes);
  input[0] = leafPrefix;
  input.set(keyHash, 1);
  input.set(valueHash, 1 + hashBytes);
  return sha256(input);
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === hashBytes;
}
