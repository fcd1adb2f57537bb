// The wire form of a batch of verify items between the main thread and the verify workers: one
// shared buffer, cut into chunks the workers claim, instead of three cloned byte arrays per item.
// Per item: suite index (u8, 255 for anything malformed), message length (u32), signature and
// public key lengths (u16), the bytes.

import { assert } from '../util/assert.ts';
import type { Ed25519Backend } from './libsodium.ts';
import { type SuiteId, suiteIds } from './suite.ts';

export type PackableItem = {
  readonly suite: SuiteId;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
};

const headerBytes = 9;
const malformedSuite = 255;
const shortFieldBytesMax = 0xffff;

/** The item's suite index, or -1 where it cannot be packed (unknown suite, not bytes, too long). */
function packedSuiteIndex(item: PackableItem): number {
  if (item === null || typeof item !== 'object') return -1;
  if (!(item.message instanceof Uint8Array) || !(item.signature instanceof Uint8Array)) return -1;
  if (!(item.publicKey instanceof Uint8Array)) return -1;
  if (item.signature.length > shortFieldBytesMax || item.publicKey.length > shortFieldBytesMax)
    return -1;
  return suiteIds.indexOf(item.suite);
}

/** Bytes `item` takes packed. */
function packedBytes(item: PackableItem): number {
  if (packedSuiteIndex(item) < 0) return headerBytes;
  return headerBytes + item.message.length + item.signature.length + item.publicKey.length;
}

/** Writes `item` at `at`; returns where the next item goes. */
function packItem(item: PackableItem, bytes: Uint8Array, view: DataView, at: number): number {
  const suiteIndex = packedSuiteIndex(item);
  if (suiteIndex < 0) {
    view.setUint8(at, malformedSuite);
    return at + headerBytes;
  }
  view.setUint8(at, suiteIndex);
  view.setUint32(at + 1, item.message.length);
  view.setUint16(at + 5, item.signature.length);
  view.setUint16(at + 7, item.publicKey.length);
  let next = at + headerBytes;
  for (const field of [item.message, item.signature, item.publicKey]) {
    bytes.set(field, next);
    next += field.length;
  }
  return next;
}

/** Items packed into shared memory in chunks that several workers claim one at a time. */
export type PackedBatch = {
  readonly packed: SharedArrayBuffer;
  /** Chunk c's items are packed[byteStarts[c], byteStarts[c + 1]). */
  readonly byteStarts: Int32Array;
  /** Chunk c's first item is item itemStarts[c] of the batch; itemStarts[chunks] is the count. */
  readonly itemStarts: Int32Array;
  readonly chunks: number;
};

/**
 * Lays items[from, to) out in shared memory in chunks of `chunkItems` (the last may be short),
 * without writing them yet (packChunk does), so workers can start on the first chunks while the
 * rest are packed. Reads every item's fields once, so an item that cannot be read throws here.
 */
export function layoutBatch(
  items: readonly PackableItem[],
  from: number,
  to: number,
  chunkItems: number,
): PackedBatch {
  assert(Number.isSafeInteger(chunkItems) && chunkItems > 0, 'layoutBatch: chunk size');
  const chunks = Math.ceil((to - from) / chunkItems);
  const byteStarts = new Int32Array(new SharedArrayBuffer(4 * (chunks + 1)));
  const itemStarts = new Int32Array(new SharedArrayBuffer(4 * (chunks + 1)));
  let size = 0;
  for (let i = from; i < to; i++) {
    const offset = i - from;
    if (offset % chunkItems === 0) {
      byteStarts[offset / chunkItems] = size;
      itemStarts[offset / chunkItems] = offset;
    }
    size += packedBytes(items[i]!);
  }
  byteStarts[chunks] = size;
  itemStarts[chunks] = to - from;
  return { packed: new SharedArrayBuffer(size), byteStarts, itemStarts, chunks };
}

/** Writes chunk `chunk` of a batch laid out from items[from, ...) by layoutBatch. */
export function packChunk(
  batch: PackedBatch,
  items: readonly PackableItem[],
  from: number,
  chunk: number,
): void {
  const bytes = new Uint8Array(batch.packed);
  const view = new DataView(batch.packed);
  let at = batch.byteStarts[chunk]!;
  const end = from + batch.itemStarts[chunk + 1]!;
  for (let i = from + batch.itemStarts[chunk]!; i < end; i++)
    at = packItem(items[i]!, bytes, view, at);
  assert(at === batch.byteStarts[chunk + 1], 'packChunk: wrote exactly the laid-out size');
}

/** Calls `visit` per packed item in order; `suite` is undefined for a malformed item. */
export function unpackItems(
  buffer: ArrayBuffer,
  visit: (
    suite: SuiteId | undefined,
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
  ) => void,
): void {
  const view = new DataView(buffer);
  const empty = new Uint8Array(0);
  let at = 0;
  while (at < buffer.byteLength) {
    const suite = suiteIds[view.getUint8(at)];
    if (suite === undefined) {
      at += headerBytes;
      visit(undefined, empty, empty, empty);
      continue;
    }
    const lengths = [view.getUint32(at + 1), view.getUint16(at + 5), view.getUint16(at + 7)];
    at += headerBytes;
    const [message, signature, publicKey] = lengths.map((length) => {
      const field = new Uint8Array(buffer, at, length);
      at += length;
      return field;
    }) as [Uint8Array, Uint8Array, Uint8Array];
    visit(suite, message, signature, publicKey);
  }
  assert(at === buffer.byteLength, 'unpackItems: consumed the whole buffer');
}

/** Slots of a batch's control array (an Int32Array over shared memory). */
export const controlNextChunk = 0;
export const controlChunksDone = 1;
/** Chunks the main thread has packed: a worker that claims one beyond waits for it. */
export const controlChunksPacked = 2;
/** Non-zero once the main thread gave up packing: workers count the chunks done unverified. */
export const controlAbandoned = 3;
export const controlSlots = 4;

// What the pool and its workers say to each other (verify-pool.ts, verify-worker.ts).
export type VerifyRequest =
  | { readonly kind: 'ping'; readonly id: number }
  | {
      readonly kind: 'batch';
      readonly id: number;
      readonly batch: PackedBatch;
      readonly control: Int32Array;
      readonly results: Uint8Array;
    };
/** A ping's answer, or a batch's: all its chunks are done and its results written. */
export type VerifyResponse = { readonly id: number };
/** The worker's first message: which Ed25519 library it loaded. */
export type VerifyWorkerHello = { readonly hello: { readonly ed25519: Ed25519Backend } };
