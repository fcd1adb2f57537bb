// Reads at one height: walks from that height's root along the key's hash, for a value or a proof.
import { bytesEqual } from '../../util/bytes.ts';
import { toPathHex } from './hash.ts';
import type { NodeStore } from './node-store.ts';
import { pathNibble, type RootRef, readLeaf } from './nodes.ts';
import type { StateProof, StateProofLevel } from './proof.ts';

type Walk = {
  readonly levels: StateProofLevel[];
  /** The leaf record at the end of the path, if the path ends at a leaf. */
  readonly leaf: Uint8Array | undefined;
};

/** The proof levels along `path` and the leaf it ends at (see leafOnPath for a read alone). */
function walk(nodes: NodeStore, root: RootRef, path: string): Walk {
  const levels: StateProofLevel[] = [];
  let ref = root;
  let depth = 0;
  while (ref !== undefined) {
    const prefix = path.slice(0, depth);
    if (ref.leaf) return { levels, leaf: nodes.loadLeaf(ref.height, prefix) };
    const node = nodes.loadInternal(ref.height, prefix);
    const nibble = pathNibble(path, depth);
    levels.push(proofLevel(node.bitmap, nibble, (i) => node.childHash(i)));
    ref = node.child(nibble);
    depth++;
  }
  return { levels, leaf: undefined };
}

function proofLevel(
  bitmap: number,
  nibble: number,
  childHash: (index: number) => Uint8Array,
): StateProofLevel {
  const siblings: Uint8Array[] = [];
  let index = 0;
  for (let n = 0; n < 16; n++) {
    if (((bitmap >> n) & 1) === 0) continue;
    if (n !== nibble) siblings.push(childHash(index).slice());
    index++;
  }
  return { bitmap, siblings };
}

/**
 * The leaf record at the end of `path`, if the path ends at one: walk() without a proof, which
 * follows children by height and kind alone and so never builds a child's hash view (most reads
 * execution makes are of keys that do not exist yet, a new transfer's id, and each takes this walk).
 */
function leafOnPath(nodes: NodeStore, root: RootRef, path: string): Uint8Array | undefined {
  if (root === undefined) return undefined;
  let height = root.height;
  let leaf = root.leaf;
  for (let depth = 0; ; depth++) {
    const prefix = path.slice(0, depth);
    if (leaf) return nodes.loadLeaf(height, prefix);
    const node = nodes.loadInternal(height, prefix);
    const nibble = pathNibble(path, depth);
    if (!node.has(nibble)) return undefined;
    height = node.childHeight(node.indexOf(nibble));
    leaf = node.isLeaf(nibble);
  }
}

/** The value at path `keyHash` (a key's hash, or a record's path) in the tree with root `root`, or null. */
export function readValue(nodes: NodeStore, root: RootRef, keyHash: Uint8Array): Uint8Array | null {
  const leaf = leafOnPath(nodes, root, toPathHex(keyHash));
  if (leaf === undefined) return null;
  const record = readLeaf(leaf);
  return bytesEqual(record.keyHash, keyHash) ? record.value.slice() : null;
}

/** A proof of the value or absence at path `keyHash` in the tree with root `root`. */
export function proveKey(nodes: NodeStore, root: RootRef, keyHash: Uint8Array): StateProof {
  const { levels, leaf } = walk(nodes, root, toPathHex(keyHash));
  if (leaf === undefined) return { levels, leaf: null };
  const record = readLeaf(leaf);
  if (bytesEqual(record.keyHash, keyHash)) return { levels, leaf: null };
  return {
    levels,
    leaf: { keyHash: record.keyHash.slice(), valueHash: record.valueHash.slice() },
  };
}
