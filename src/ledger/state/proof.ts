// State proofs and their canonical bytes (deterministic CBOR), so a proof can travel over the API
// and be checked in a browser. Browser-safe: no node: imports.
//
//   proof = [levels, leaf] | [levels, leaf, record path]   (the path for a record's proof only)
//   levels = [[bitmap, [sibling hash, ...]], ...]   one per internal node on the key's path, root first
//   leaf = null | [key hash, value hash]             the other key found where this key would be
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readBytes,
  readTuple,
  readUint,
} from '../../codec/index.ts';
import { childrenMax, depthMax, hashBytes, popcount16 } from './spec.ts';

/** One internal node on the path: which children it has, and the hashes of all but the path's. */
export type StateProofLevel = { readonly bitmap: number; readonly siblings: readonly Uint8Array[] };

/**
 * Proves a key's value (inclusion) or its absence (non-inclusion) against a root. The value itself
 * is not in the proof: the verifier is told which value (or null) to check.
 */
export type StateProof = {
  readonly levels: readonly StateProofLevel[];
  /** For absence only: the other key's leaf that sits where the proven key would be. */
  readonly leaf: { readonly keyHash: Uint8Array; readonly valueHash: Uint8Array } | null;
  /** For a record (spec.ts) only: where it sits, which its key alone does not tell. */
  readonly recordPath?: Uint8Array;
};

/** The largest encoded proof: 64 levels of 16 hashes, plus the leaf. */
export const stateProofBytesMax =
  depthMax * (8 + childrenMax * (hashBytes + 2)) + 3 * (hashBytes + 2) + 8;

export function encodeStateProof(proof: StateProof): Uint8Array {
  const levels: CborValue[] = proof.levels.map((level) => [level.bitmap, [...level.siblings]]);
  const leaf: CborValue = proof.leaf === null ? null : [proof.leaf.keyHash, proof.leaf.valueHash];
  return encode(proof.recordPath === undefined ? [levels, leaf] : [levels, leaf, proof.recordPath]);
}

/** Decodes and checks the shape of a proof; whether it proves anything is verifyStateProof's job. */
export function decodeStateProof(bytes: Uint8Array): StateProof {
  const value = decode(bytes, { bytesMax: stateProofBytesMax, field: 'proof' });
  const withPath = Array.isArray(value) && value.length === 3;
  const [levelsValue, leafValue, pathValue] = readTuple(value, 'proof', withPath ? 3 : 2);
  const recordPath = withPath ? readBytes(pathValue, 'proof.recordPath', hashBytes) : undefined;
  const levels = readArray(levelsValue, 'proof.levels', depthMax).map((levelValue, i) => {
    const field = `proof.levels[${i}]`;
    const [bitmapValue, siblingsValue] = readTuple(levelValue, field, 2);
    const bitmap = readUint(bitmapValue, `${field}.bitmap`, 0xffff);
    const siblings = readArray(siblingsValue, `${field}.siblings`, childrenMax).map((hash, j) =>
      readBytes(hash, `${field}.siblings[${j}]`, hashBytes),
    );
    const children = popcount16(bitmap);
    if (siblings.length !== children && siblings.length !== children - 1) {
      throw new CodecError(
        'out_of_range',
        `${field}.siblings`,
        `${siblings.length} hashes for ${children} children`,
      );
    }
    return { bitmap, siblings };
  });
  if (leafValue === null)
    return recordPath === undefined ? { levels, leaf: null } : { levels, leaf: null, recordPath };
  if (recordPath !== undefined)
    throw new CodecError('out_of_range', 'proof.leaf', 'a record proof proves presence only');
  const [keyHash, valueHash] = readTuple(leafValue, 'proof.leaf', 2);
  return {
    levels,
    leaf: {
      keyHash: readBytes(keyHash, 'proof.leaf.keyHash', hashBytes),
      valueHash: readBytes(valueHash, 'proof.leaf.valueHash', hashBytes),
    },
  };
}
