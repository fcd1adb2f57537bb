// The wire form of a chunk of verify items between the main thread and a verify worker: one
// transferable buffer instead of three cloned byte arrays per item. Per item: suite index (u8, 255
// for anything malformed), message length (u32), signature and public key lengths (u16), the bytes.

import { assert } from '../util/assert.ts';
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

export function packItems(items: readonly PackableItem[], from: number, to: number): ArrayBuffer {
  let size = 0;
  for (let i = from; i < to; i++) {
    const item = items[i]!;
    size += headerBytes;
    if (packedSuiteIndex(item) >= 0)
      size += item.message.length + item.signature.length + item.publicKey.length;
  }
  const buffer = new ArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  let at = 0;
  for (let i = from; i < to; i++) {
    const item = items[i]!;
    const suiteIndex = packedSuiteIndex(item);
    if (suiteIndex < 0) {
      view.setUint8(at, malformedSuite);
      at += headerBytes;
      continue;
    }
    view.setUint8(at, suiteIndex);
    view.setUint32(at + 1, item.message.length);
    view.setUint16(at + 5, item.signature.length);
    view.setUint16(at + 7, item.publicKey.length);
    at += headerBytes;
    for (const field of [item.message, item.signature, item.publicKey]) {
      bytes.set(field, at);
      at += field.length;
    }
  }
  assert(at === size, 'packItems: wrote exactly the computed size');
  return buffer;
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
