// What crosses between the main thread and the tree worker (tree-worker.ts): a block's state changes
// one way, the tree's writes for it the other. Each goes as one ArrayBuffer that postMessage
// transfers instead of copying, and what unpacks it takes views of it, not copies.
//
//   entries: count u32 | per entry: tag u8 | key length u16 | value length u32 | key | value
//   changes: tag = flags (1 existed, 2 deleted)
//   writes:  tag = table (0 nodes, 1 roots, 2 stale, 3 records)
import { assert } from '../../util/assert.ts';
import { readUint32, writeUint32 } from './nodes.ts';
import type { StateTables } from './prune.ts';
import type { StateChange } from './tree.ts';

const tableOrder: readonly (keyof StateTables)[] = ['nodes', 'roots', 'stale', 'records'];
const entryHeaderBytes = 7;

/** Packs entries into one growing buffer, each written as it comes (no object per entry). */
export class Packer {
  #bytes: Uint8Array<ArrayBuffer>;
  #used = 4;
  #count = 0;

  constructor(bytesExpected = 64 * 1024) {
    this.#bytes = new Uint8Array(Math.max(bytesExpected, 16));
  }

  add(tag: number, key: Uint8Array, value: Uint8Array): void {
    const needed = this.#used + entryHeaderBytes + key.length + value.length;
    if (needed > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = grown;
    }
    const out = this.#bytes;
    let at = this.#used;
    out[at] = tag;
    out[at + 1] = key.length >> 8;
    out[at + 2] = key.length & 0xff;
    writeUint32(out, at + 3, value.length);
    at += entryHeaderBytes;
    out.set(key, at);
    at += key.length;
    out.set(value, at);
    this.#used = at + value.length;
    this.#count++;
  }

  /**
   * The packed entries, to transfer: the whole buffer, which may end in unused bytes (a reader
   * stops after the count), so that nothing is copied once more.
   */
  finish(): ArrayBuffer {
    writeUint32(this.#bytes, 0, this.#count);
    return this.#bytes.buffer;
  }
}

/** Calls `each` with every entry of `buffer`, in order; key and value are views of the buffer. */
export function forEachEntry(
  buffer: ArrayBuffer,
  each: (tag: number, key: Uint8Array, value: Uint8Array) => void,
): void {
  const bytes = new Uint8Array(buffer);
  assert(bytes.length >= 4, 'tree wire: no count');
  const count = readUint32(bytes, 0);
  let at = 4;
  for (let i = 0; i < count; i++) {
    assert(at + entryHeaderBytes <= bytes.length, 'tree wire: entry header past the end');
    const tag = bytes[at]!;
    const keyLength = (bytes[at + 1]! << 8) | bytes[at + 2]!;
    const valueLength = readUint32(bytes, at + 3);
    at += entryHeaderBytes;
    assert(at + keyLength + valueLength <= bytes.length, 'tree wire: entry past the end');
    const key = bytes.subarray(at, at + keyLength);
    at += keyLength;
    each(tag, key, bytes.subarray(at, at + valueLength));
    at += valueLength;
  }
}

const noValue = new Uint8Array(0);

export function packChanges(changes: readonly StateChange[]): ArrayBuffer {
  const packer = new Packer(changes.length * 256);
  for (const { key, value, existed } of changes)
    packer.add((existed === true ? 1 : 0) | (value === null ? 2 : 0), key, value ?? noValue);
  return packer.finish();
}

export function unpackChanges(buffer: ArrayBuffer): StateChange[] {
  const changes: StateChange[] = [];
  forEachEntry(buffer, (tag, key, value) => {
    changes.push({ key, value: (tag & 2) === 2 ? null : value, existed: (tag & 1) === 1 });
  });
  return changes;
}

/** The tag a write to `table` is packed with. */
export function tableTag(table: keyof StateTables): number {
  return tableOrder.indexOf(table);
}

/** Calls `each` with every write of a packed block (a Packer's buffer of table-tagged entries). */
export function forEachWrite(
  buffer: ArrayBuffer,
  each: (table: keyof StateTables, key: Uint8Array, value: Uint8Array) => void,
): void {
  forEachEntry(buffer, (tag, key, value) => {
    const table = tableOrder[tag];
    assert(table !== undefined, `tree wire: unknown table ${tag}`);
    each(table, key, value);
  });
}

/** Starts a tree worker: the store's folder and the tree's options. */
export type TreeWorkerInit = {
  readonly path: string;
  readonly mapSizeBytes: number;
  readonly cacheNodesMax: number;
};

export type TreeRequest =
  /** Prepare and stage `height` (the worker's next) with `changes` (packChanges). */
  | { readonly kind: 'prepare'; readonly height: number; readonly changes: ArrayBuffer }
  /** The main thread's batch of `height` settled: committed, or failed with `error`. */
  | { readonly kind: 'settled'; readonly height: number; readonly error?: string }
  | { readonly kind: 'close' };

export type TreeReply =
  | { readonly kind: 'ready'; readonly latestHeight: number | undefined }
  /** The block's writes to the tree's tables (packed, tagged by table), to stage on the main thread. */
  | { readonly kind: 'prepared'; readonly height: number; readonly writes: ArrayBuffer }
  | { readonly kind: 'failed'; readonly height: number; readonly message: string }
  | { readonly kind: 'closed' };
