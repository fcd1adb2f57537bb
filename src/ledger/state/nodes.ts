// Stored forms of the state tree's nodes, node keys and per-height roots. A node is written once,
// at the height that created it, under (height, path); later heights point at it until it is
// replaced, and then it is listed as stale at the replacing height (see prune.ts).
//
//   internal record: 0x01 | bitmap u16 | child hashes (32 each) | leaf mask u16 | child heights (u48 each)
//   leaf record:     0x00 | key hash (32) | value hash (32) | key length u16 | key | value
//   node key:        height u64 | depth u8 | path nibbles packed two to a byte
//   root record:     kind u8 (0 empty, 1 leaf, 2 internal) | hash (32) | height u48
//
// Both records begin with their own hash preimage (internal: the first 3 + 32 * children bytes;
// leaf: the first 65), so hashing a node never copies it.
import { writeUint64 } from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { depthMax, hashBytes, internalPrefix, leafPrefix, popcount16 } from './spec.ts';

/** Heights are stored in 6 bytes inside records. */
export const heightMax = 2 ** 48 - 1;

/** Where a child lives: its hash, the height that wrote it, and whether it is a leaf. */
export type ChildRef = {
  readonly hash: Uint8Array;
  readonly height: number;
  readonly leaf: boolean;
};

export class InternalNode {
  readonly raw: Uint8Array;
  readonly bitmap: number;
  readonly leafMask: number;
  readonly count: number;

  constructor(raw: Uint8Array) {
    assert(raw.length >= 3 && raw[0] === internalPrefix, 'state node: not an internal record');
    this.raw = raw;
    this.bitmap = (raw[1]! << 8) | raw[2]!;
    this.count = popcount16(this.bitmap);
    assert(raw.length === 5 + this.count * (hashBytes + 6), 'state node: internal record length');
    const maskAt = 3 + this.count * hashBytes;
    this.leafMask = (raw[maskAt]! << 8) | raw[maskAt + 1]!;
    assert((this.leafMask & ~this.bitmap) === 0, 'state node: leaf mask outside the bitmap');
  }

  /** The preimage of this node's hash. */
  hashInput(): Uint8Array {
    return this.raw.subarray(0, 3 + this.count * hashBytes);
  }

  has(nibble: number): boolean {
    return ((this.bitmap >> nibble) & 1) === 1;
  }

  isLeaf(nibble: number): boolean {
    return ((this.leafMask >> nibble) & 1) === 1;
  }

  /** The position of child `nibble` among the present children. */
  indexOf(nibble: number): number {
    return popcount16(this.bitmap & ((1 << nibble) - 1));
  }

  /** The child at `nibble`, or undefined. */
  child(nibble: number): ChildRef | undefined {
    if (!this.has(nibble)) return undefined;
    const index = this.indexOf(nibble);
    return {
      hash: this.childHash(index),
      height: this.childHeight(index),
      leaf: ((this.leafMask >> nibble) & 1) === 1,
    };
  }

  /** The height that wrote the `index`-th present child (a read that needs no hash takes this). */
  childHeight(index: number): number {
    return readUint48(this.raw, 5 + this.count * hashBytes + index * 6);
  }

  /**
   * Copies `count` children from the `index`-th on (hashes and heights) into another internal
   * record. Both records keep their children in nibble order, so a run of kept children is two
   * contiguous copies.
   */
  copyChildren(
    index: number,
    count: number,
    out: Uint8Array,
    hashAt: number,
    heightAt: number,
  ): void {
    const from = 3 + index * hashBytes;
    out.set(this.raw.subarray(from, from + count * hashBytes), hashAt);
    const heightFrom = 5 + this.count * hashBytes + index * 6;
    out.set(this.raw.subarray(heightFrom, heightFrom + count * 6), heightAt);
  }

  /** The hash of the `index`-th present child (in nibble order). */
  childHash(index: number): Uint8Array {
    const at = 3 + index * hashBytes;
    return this.raw.subarray(at, at + hashBytes);
  }
}

/**
 * An internal record being filled in: the header is written, the children's hashes and heights
 * go in by index (nibble order) with setChild, or copyChildren from the node being replaced.
 */
export class InternalRecordBuilder {
  readonly raw: Uint8Array;
  readonly #heightsAt: number;
  readonly #count: number;
  #filled = 0;

  constructor(bitmap: number, leafMask: number) {
    const count = popcount16(bitmap);
    this.#count = count;
    assert(count > 0, 'state node: an internal node has a child');
    assert((leafMask & ~bitmap) === 0, 'state node: leaf mask outside the bitmap');
    const length = 5 + count * (hashBytes + 6);
    this.raw = count === 16 ? allocRecord(length) : allocSparseRecord(length);
    this.raw[0] = internalPrefix;
    this.raw[1] = bitmap >> 8;
    this.raw[2] = bitmap & 0xff;
    const maskAt = 3 + count * hashBytes;
    this.raw[maskAt] = leafMask >> 8;
    this.raw[maskAt + 1] = leafMask & 0xff;
    this.#heightsAt = maskAt + 2;
  }

  setChild(index: number, child: ChildRef): void {
    assert(child.hash.length === hashBytes, 'state node: child hash length');
    assert(index === this.#filled, 'state node: children are set in order');
    this.raw.set(child.hash, 3 + index * hashBytes);
    writeUint48(this.raw, this.#heightsAt + index * 6, child.height);
    this.#filled++;
  }

  /** Sets children `index..index+count` to `from`'s children `fromIndex..fromIndex+count`. */
  copyChildren(index: number, from: InternalNode, fromIndex: number, count: number): void {
    assert(index === this.#filled, 'state node: children are set in order');
    assert(fromIndex + count <= from.count, 'state node: copied children exist');
    from.copyChildren(
      fromIndex,
      count,
      this.raw,
      3 + index * hashBytes,
      this.#heightsAt + index * 6,
    );
    this.#filled += count;
  }

  /** The record, once every child is in (its memory is not zeroed first, so all must be). */
  finish(): InternalNode {
    assert(this.#filled === this.#count, 'state node: every child is set');
    return new InternalNode(this.raw);
  }
}

/** Builds an internal record from its children, indexed by nibble (at least one present). */
export function encodeInternal(children: readonly (ChildRef | undefined)[]): InternalNode {
  let bitmap = 0;
  let leafMask = 0;
  for (let n = 0; n < 16; n++) {
    const child = children[n];
    if (child === undefined) continue;
    bitmap |= 1 << n;
    if (child.leaf) leafMask |= 1 << n;
  }
  const builder = new InternalRecordBuilder(bitmap, leafMask);
  let index = 0;
  for (const child of children) if (child !== undefined) builder.setChild(index++, child);
  return builder.finish();
}

/** A new leaf record; `keyHash` and `valueHash` are sha256 of `key` and `value`. */
export function encodeLeaf(
  keyHash: Uint8Array,
  valueHash: Uint8Array,
  key: Uint8Array,
  value: Uint8Array,
): Uint8Array {
  assert(keyHash.length === hashBytes && valueHash.length === hashBytes, 'state leaf: hash length');
  assert(key.length <= 0xffff, 'state leaf: key length');
  const raw = allocRecord(67 + key.length + value.length);
  raw[0] = leafPrefix;
  raw.set(keyHash, 1);
  raw.set(valueHash, 33);
  raw[65] = key.length >> 8;
  raw[66] = key.length & 0xff;
  raw.set(key, 67);
  raw.set(value, 67 + key.length);
  return raw;
}

/** Views into a leaf record (no copies). */
export function readLeaf(raw: Uint8Array): {
  keyHash: Uint8Array;
  valueHash: Uint8Array;
  key: Uint8Array;
  value: Uint8Array;
} {
  assert(raw.length >= 67 && raw[0] === leafPrefix, 'state node: not a leaf record');
  const keyLength = (raw[65]! << 8) | raw[66]!;
  assert(raw.length >= 67 + keyLength, 'state node: leaf record length');
  return {
    keyHash: raw.subarray(1, 33),
    valueHash: raw.subarray(33, 65),
    key: raw.subarray(67, 67 + keyLength),
    value: raw.subarray(67 + keyLength),
  };
}

export function leafHashInput(raw: Uint8Array): Uint8Array {
  return raw.subarray(0, 65);
}

export function leafKeyHash(raw: Uint8Array): Uint8Array {
  return raw.subarray(1, 33);
}

/** Bytes of the table key of a node at a path of `depth` nibbles. */
export function nodeKeyLength(depth: number): number {
  return 9 + ((depth + 1) >> 1);
}

/** The table key of the node written at `height` for the nibble path `path` (lowercase hex). */
export function encodeNodeKey(height: number, path: string): Uint8Array {
  const key = new Uint8Array(nodeKeyLength(path.length));
  writeNodeKey(key, 0, height, path);
  return key;
}

/** Writes the node key of (`height`, `path`) at `at` in `out`, whose bytes there must be zero. */
export function writeNodeKey(out: Uint8Array, at: number, height: number, path: string): void {
  const depth = path.length;
  writeUint64(out, at, height);
  out[at + 8] = depth;
  for (let i = 0; i < depth; i++) {
    const nibble = hexValue(path.charCodeAt(i));
    out[at + 9 + (i >> 1)]! |= i & 1 ? nibble : nibble << 4;
  }
}

export type RootRef = ChildRef | undefined;

export function encodeRoot(root: RootRef): Uint8Array {
  if (root === undefined) return Uint8Array.of(0);
  const raw = new Uint8Array(1 + hashBytes + 6);
  raw[0] = root.leaf ? 1 : 2;
  raw.set(root.hash, 1);
  writeUint48(raw, 1 + hashBytes, root.height);
  return raw;
}

export function decodeRoot(raw: Uint8Array): RootRef {
  if (raw.length === 1 && raw[0] === 0) return undefined;
  assert(raw.length === 1 + hashBytes + 6 && (raw[0] === 1 || raw[0] === 2), 'state root record');
  return {
    leaf: raw[0] === 1,
    hash: raw.subarray(1, 1 + hashBytes),
    height: readUint48(raw, 1 + hashBytes),
  };
}

/**
 * A height's stale list encoded as it grows, in records of at most `keysMax` node keys: each key
 * goes straight into its record's bytes, so a block that replaces thousands of nodes makes a few
 * records instead of a small array per node that lives until the block's batch commits.
 */
export class StaleListWriter {
  readonly #keysMax: number;
  readonly #done: Uint8Array[] = [];
  /** Made at the first key: most empty blocks replace no node. */
  #open: Uint8Array | undefined;
  #used = 0;
  #keys = 0;

  constructor(keysMax: number) {
    assert(Number.isSafeInteger(keysMax) && keysMax > 0, 'state stale list: keys per record');
    this.#keysMax = keysMax;
  }

  add(height: number, path: string): void {
    this.#open ??= new Uint8Array(this.#keysMax * (1 + nodeKeyLength(depthMax)));
    if (this.#keys === this.#keysMax) this.#close(this.#open);
    const length = nodeKeyLength(path.length);
    this.#open[this.#used] = length;
    writeNodeKey(this.#open, this.#used + 1, height, path);
    this.#used += 1 + length;
    this.#keys++;
  }

  /** The records: node keys, each behind a one-byte length (decodeStaleList reads one). */
  records(): Uint8Array[] {
    const open = this.#open;
    return open === undefined || this.#keys === 0
      ? this.#done
      : [...this.#done, open.slice(0, this.#used)];
  }

  #close(open: Uint8Array): void {
    this.#done.push(open.slice(0, this.#used));
    open.fill(0, 0, this.#used);
    this.#used = 0;
    this.#keys = 0;
  }
}

export function decodeStaleList(raw: Uint8Array): Uint8Array[] {
  const keys: Uint8Array[] = [];
  let at = 0;
  while (at < raw.length) {
    const length = raw[at]!;
    assert(at + 1 + length <= raw.length, 'state stale list: truncated');
    keys.push(raw.subarray(at + 1, at + 1 + length));
    at += 1 + length;
  }
  return keys;
}

/**
 * Memory for a record that is written in full before anyone reads it. Node's pooled allocation
 * costs a third of a fresh ArrayBuffer per record, and a block makes thousands of records.
 */
function allocRecord(length: number): Uint8Array {
  const pooled = Buffer.allocUnsafe(length);
  return new Uint8Array(pooled.buffer, pooled.byteOffset, length);
}

/**
 * Internal nodes go into the node cache. A full node lies where many keys pass, so some block
 * rewrites it within a few blocks; a sparser one lies near the keys and can stay cached for
 * hundreds. A slab is freed only when all that share it are gone, so sparse nodes, a few among each
 * block's garbage, kept whole 8 KB slabs alive: 106 MB of ArrayBuffers after 100 blocks of 1,000
 * transfers on 2,000 accounts. An ArrayBuffer per node brought that to 26 MB at about 1 us a node;
 * 512-byte slabs hold it to 39 MB at a quarter of the allocations, and no node keeps more than
 * 512 bytes (or its own size) alive.
 */
const sparseSlabBytes = 512;
let sparseSlab = new ArrayBuffer(0);
let sparseSlabUsed = 0;

function allocSparseRecord(length: number): Uint8Array {
  if (sparseSlabUsed + length > sparseSlab.byteLength) {
    sparseSlab = new ArrayBuffer(Math.max(sparseSlabBytes, length));
    sparseSlabUsed = 0;
  }
  const record = new Uint8Array(sparseSlab, sparseSlabUsed, length);
  sparseSlabUsed += length;
  return record;
}

function hexValue(code: number): number {
  // '0'..'9' are 48..57, 'a'..'f' are 97..102
  return code <= 57 ? code - 48 : code - 87;
}

/** Nibble `depth` of a hex path, as a number. */
export function pathNibble(pathHex: string, depth: number): number {
  return hexValue(pathHex.charCodeAt(depth));
}

function writeUint48(out: Uint8Array, at: number, value: number): void {
  assert(
    Number.isSafeInteger(value) && value >= 0 && value <= heightMax,
    'state node: height range',
  );
  const high = Math.floor(value / 2 ** 32);
  out[at] = high >> 8;
  out[at + 1] = high & 0xff;
  writeUint32(out, at + 2, value >>> 0);
}

function readUint48(raw: Uint8Array, at: number): number {
  const high = (raw[at]! << 8) | raw[at + 1]!;
  return high * 2 ** 32 + readUint32(raw, at + 2);
}

/** Big-endian, as every length and height in the state's records (tree-wire.ts too). */
export function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

export function readUint32(raw: Uint8Array, at: number): number {
  return ((raw[at]! << 24) >>> 0) + (raw[at + 1]! << 16) + (raw[at + 2]! << 8) + raw[at + 3]!;
}
