// Rebuilds the state tree from leaves that arrive in key-hash order, after Jellyfish's restore idea:
// only the rightmost path is open; every subtree left of it is complete, so it is hashed and written
// once. Also checks a chunk's range proof against what has been received (see checkRangeProof).
import { assert } from '../../util/assert.ts';
import { bytesEqual } from '../../util/bytes.ts';
import { sha256, toPathHex } from './hash.ts';
import {
  type ChildRef,
  encodeInternal,
  encodeLeaf,
  encodeNodeKey,
  leafHashInput,
  pathNibble,
  type RootRef,
} from './nodes.ts';
import type { StateProof } from './proof.ts';
import { childrenMax, depthMax, isRecordKey, popcount16, recordPathFits } from './spec.ts';

/** One received leaf, hashed, with its stored record. */
export type BuilderLeaf = {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** sha256(key), or a record's path, as lowercase hex: the leaf's nibble path. */
  readonly path: string;
  readonly hash: Uint8Array;
  readonly raw: Uint8Array;
};

export type NodeWrite = { readonly key: Uint8Array; readonly raw: Uint8Array };

/**
 * A leaf as received: `recordPath` is a record's path (spec.ts), required for a record's key and
 * refused for any other. Returns a reason instead when the path does not belong to the key.
 */
export function toBuilderLeaf(
  key: Uint8Array,
  value: Uint8Array,
  recordPath?: Uint8Array,
): BuilderLeaf | string {
  let keyHash = sha256(key);
  if (isRecordKey(key)) {
    if (recordPath === undefined) return 'a record comes with its path';
    if (!recordPathFits(recordPath, keyHash)) return "the record's path does not fit its key";
    keyHash = recordPath;
  } else if (recordPath !== undefined) return 'a path comes with a record only';
  const raw = encodeLeaf(keyHash, sha256(value), key, value);
  return { key, value, path: toPathHex(keyHash), hash: sha256(leafHashInput(raw)), raw };
}

/**
 * The open (rightmost) path of the tree being restored. stack[d] is the open internal node at depth
 * d, holding its completed children (all left of the path); the last leaf added is pending at depth
 * stack.length, because a later key may still share its path and push it deeper.
 */
export class SnapshotBuilder {
  readonly height: number;
  readonly #stack: (ChildRef | undefined)[][];
  #pending: BuilderLeaf | undefined;
  /** Nodes completed since the last drain, in the order they were completed. */
  #writes: NodeWrite[] = [];

  constructor(
    height: number,
    stack: (ChildRef | undefined)[][] = [],
    pending: BuilderLeaf | undefined = undefined,
  ) {
    this.height = height;
    this.#stack = stack;
    this.#pending = pending;
  }

  get last(): BuilderLeaf | undefined {
    return this.#pending;
  }

  /** A copy to try a chunk on: a refused chunk leaves the original untouched. */
  clone(): SnapshotBuilder {
    return new SnapshotBuilder(
      this.height,
      this.#stack.map((children) => children.slice()),
      this.#pending,
    );
  }

  /** Adds the next leaf; its key hash must be above every key hash added before. */
  add(leaf: BuilderLeaf): void {
    const previous = this.#pending;
    this.#pending = leaf;
    if (previous === undefined) {
      assert(this.#stack.length === 0, 'snapshot builder: the first leaf opens the tree');
      return;
    }
    assert(previous.path < leaf.path, 'snapshot builder: leaves arrive in key-hash order');
    const shared = sharedNibbles(previous.path, leaf.path);
    assert(shared < depthMax, 'snapshot builder: two keys share a full key hash');
    const open = this.#stack.length;
    if (shared >= open) {
      // The new key shares the pending leaf's path below where it sits: open nodes down to the fork.
      while (this.#stack.length <= shared) this.#stack.push(emptyChildren());
      this.#completeLeaf(previous, shared + 1);
    } else {
      this.#completeLeaf(previous, open);
      this.#closeDownTo(previous.path, shared + 1);
    }
    assert(this.#stack.length === shared + 1, 'snapshot builder: the new leaf sits below the fork');
  }

  /** The root once every leaf is in; the open path is completed and written. */
  finish(): RootRef {
    const last = this.#pending;
    if (last === undefined) return undefined;
    const depth = this.#stack.length;
    if (depth === 0) {
      this.#writes.push({ key: encodeNodeKey(this.height, ''), raw: last.raw });
      return { hash: last.hash, height: this.height, leaf: true };
    }
    this.#completeLeaf(last, depth);
    this.#closeDownTo(last.path, 1);
    const root = this.#completeInternal(this.#stack.pop()!, '');
    assert(this.#stack.length === 0, 'snapshot builder: the whole path is closed');
    return root;
  }

  /** Hands over the nodes completed so far (and forgets them). */
  drainWrites(): NodeWrite[] {
    const writes = this.#writes;
    this.#writes = [];
    return writes;
  }

  /**
   * Checks `proof`, a proof of the last leaf added, against what was received: at each level of its
   * path, the siblings left of the path must be exactly the completed subtrees (same nibbles, same
   * hashes), and below the pending leaf's current depth there may be none. With the proof verified
   * against the root, this shows the leaves received are exactly the tree's leaves up to this key.
   * Returns a reason, or whether nothing lies right of the path (the tree is complete).
   */
  checkRangeProof(
    proof: StateProof,
  ): { ok: true; complete: boolean } | { ok: false; reason: string } {
    const last = this.#pending;
    assert(last !== undefined, 'snapshot builder: a range proof needs a leaf');
    const open = this.#stack.length;
    if (proof.levels.length < open) {
      return {
        ok: false,
        reason: `the proof puts the last key at depth ${proof.levels.length}, above ${open}`,
      };
    }
    let complete = true;
    for (let depth = 0; depth < proof.levels.length; depth++) {
      const { bitmap, siblings } = proof.levels[depth]!;
      const nibble = pathNibble(last.path, depth);
      const leftMask = bitmap & ((1 << nibble) - 1);
      if (bitmap >> (nibble + 1) !== 0) complete = false;
      const children = this.#stack[depth];
      for (let n = 0, index = 0; n < childrenMax; n++) {
        const have = children?.[n];
        const present = ((leftMask >> n) & 1) === 1;
        if (!present) {
          if (have !== undefined)
            return { ok: false, reason: `a key at depth ${depth} is not in the tree` };
          continue;
        }
        if (have === undefined) return { ok: false, reason: `keys are missing at depth ${depth}` };
        if (!bytesEqual(have.hash, siblings[index]!)) {
          return { ok: false, reason: `the keys at depth ${depth} do not match the proof` };
        }
        index++;
      }
      assert(popcount16(leftMask) <= siblings.length, 'snapshot builder: proof shape was verified');
    }
    return { ok: true, complete };
  }

  #completeLeaf(leaf: BuilderLeaf, depth: number): void {
    assert(
      depth >= 1 && depth <= this.#stack.length,
      'snapshot builder: a leaf under an open node',
    );
    this.#writes.push({
      key: encodeNodeKey(this.height, leaf.path.slice(0, depth)),
      raw: leaf.raw,
    });
    const parent = this.#stack[depth - 1]!;
    parent[pathNibble(leaf.path, depth - 1)] = { hash: leaf.hash, height: this.height, leaf: true };
  }

  /** Closes the open nodes at depth `depth` and below (along `path`) into their parents. */
  #closeDownTo(path: string, depth: number): void {
    while (this.#stack.length > depth) {
      const at = this.#stack.length - 1;
      const ref = this.#completeInternal(this.#stack.pop()!, path.slice(0, at));
      this.#stack[at - 1]![pathNibble(path, at - 1)] = ref;
    }
  }

  #completeInternal(children: readonly (ChildRef | undefined)[], path: string): ChildRef {
    const node = encodeInternal(children);
    assert(
      node.count > 1 || node.leafMask === 0,
      'snapshot builder: a lone leaf is never a node child',
    );
    this.#writes.push({ key: encodeNodeKey(this.height, path), raw: node.raw });
    return { hash: sha256(node.hashInput()), height: this.height, leaf: false };
  }
}

function emptyChildren(): (ChildRef | undefined)[] {
  return new Array<ChildRef | undefined>(childrenMax).fill(undefined);
}

function sharedNibbles(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}
