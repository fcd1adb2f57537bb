// State snapshot chunks and their canonical bytes (deterministic CBOR), as peers send them:
//
//   chunk = [height, index, [leaf, ...], proof]
//   leaf  = [key, value] | [key, value, path]      (the path for a record's leaf only: spec.ts)
//
// `proof` is the encoded StateProof (proof.ts) of the chunk's last key at `height`: with the leaves
// received before, it is a range proof (snapshot-builder.ts checkRangeProof).
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readBytes,
  readBytesMax,
  readTuple,
  readUint,
} from '../../codec/index.ts';
import {
  decodeStateProof,
  encodeStateProof,
  type StateProof,
  stateProofBytesMax,
} from './proof.ts';
import { hashBytes, stateKeyBytesMax, stateValueBytesMax } from './spec.ts';

/** Most leaves one chunk may carry. */
export const snapshotChunkLeavesMax = 4096;
/** The exporter's default leaves per chunk (peers serving one restore must agree on it). */
export const snapshotChunkLeavesDefault = 1024;
/** The exporter closes a chunk once its keys and values reach this many bytes. */
export const snapshotChunkLeafBytesTarget = 2 * 1024 * 1024;
/** CBOR bytes around one leaf: the array, two byte strings' lengths (at most 5 each), a record's path. */
const leafOverheadBytes = 1 + 3 + 5 + 2 + hashBytes;
/** The largest encoded chunk: the byte target plus one largest leaf, headers, and a largest proof. */
export const snapshotChunkBytesMax =
  snapshotChunkLeafBytesTarget +
  stateKeyBytesMax +
  stateValueBytesMax +
  snapshotChunkLeavesMax * leafOverheadBytes +
  stateProofBytesMax +
  64;

export type SnapshotLeaf = {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** A record's path (spec.ts), which its key does not tell; absent for any other key. */
  readonly path?: Uint8Array;
};

export type SnapshotChunk = {
  /** The state height the snapshot is of. */
  readonly height: number;
  /** 0 for the first chunk, then one more for each. */
  readonly index: number;
  /** In the tree's order: ascending path (sha256(key), or a record's path). */
  readonly leaves: readonly SnapshotLeaf[];
  /** Proof of the last leaf at `height`. */
  readonly proof: StateProof;
};

export function snapshotChunkToValue(chunk: SnapshotChunk): CborValue {
  return [
    chunk.height,
    chunk.index,
    chunk.leaves.map((leaf) =>
      leaf.path === undefined ? [leaf.key, leaf.value] : [leaf.key, leaf.value, leaf.path],
    ),
    encodeStateProof(chunk.proof),
  ];
}

export function encodeSnapshotChunk(chunk: SnapshotChunk): Uint8Array {
  return encode(snapshotChunkToValue(chunk));
}

/** Checks the chunk's shape and limits; whether its contents belong to the tree is the restorer's job. */
export function snapshotChunkFromValue(value: CborValue | undefined, field: string): SnapshotChunk {
  const [height, index, leaves, proof] = readTuple(value, field, 4);
  const list = readArray(leaves, `${field}.leaves`, snapshotChunkLeavesMax);
  if (list.length === 0)
    throw new CodecError('out_of_range', `${field}.leaves`, 'a chunk has a leaf');
  return Object.freeze({
    height: readUint(height, `${field}.height`),
    index: readUint(index, `${field}.index`),
    leaves: Object.freeze(
      list.map((item, i) => {
        const at = `${field}.leaves[${i}]`;
        const withPath = Array.isArray(item) && item.length === 3;
        const [key, leafValue, path] = readTuple(item, at, withPath ? 3 : 2);
        const keyBytes = readBytesMax(key, `${at}.key`, stateKeyBytesMax);
        if (keyBytes.length === 0) {
          throw new CodecError('out_of_range', `${at}.key`, 'a key is not empty');
        }
        const value = readBytesMax(leafValue, `${at}.value`, stateValueBytesMax);
        if (!withPath) return Object.freeze({ key: keyBytes, value });
        return Object.freeze({
          key: keyBytes,
          value,
          path: readBytes(path, `${at}.path`, hashBytes),
        });
      }),
    ),
    proof: readProof(proof, `${field}.proof`),
  });
}

/** The embedded proof, with errors named under the chunk's field. */
function readProof(value: CborValue | undefined, field: string): StateProof {
  const bytes = readBytesMax(value, field, stateProofBytesMax);
  try {
    return decodeStateProof(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    throw new CodecError(error.code, field, error.message, { cause: error });
  }
}

export function decodeSnapshotChunk(bytes: Uint8Array): SnapshotChunk {
  return snapshotChunkFromValue(
    decode(bytes, { bytesMax: snapshotChunkBytesMax, field: 'snapshotChunk' }),
    'snapshotChunk',
  );
}
