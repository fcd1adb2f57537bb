// Where a batch's values are copied before lmdb-js takes them. lmdb-js keeps every value it is given
// until its write thread has committed the transaction (a block's time or more), and reads the
// address of the value's ArrayBuffer, which for a small array that V8 keeps on its heap means moving
// it off first. Handed over as they are, a block's thousands of small records survived the
// young-generation collections of that time and were copied and promoted: in the ledger's commit
// loop (blocks of 1,000 transfers, about 9,100 puts and 2 MB of values) the copies took the bytes
// scavenges keep from about 10.2 MB a block to 9.1 and their pauses from 13-18 ms a block to
// 11.5-14 (separate processes, alternating). A copy buffer is used again once its transaction has
// committed (LMDB has copied the values into its pages by then): a fresh one of a few megabytes a
// block cost more in page faults than the copying itself.
import type { StoreOp } from './batch.ts';

/** Copy buffers kept for later batches: two, since a block's batch may commit while the next is staged. */
const spareMax = 2;
/** Smaller copy buffers come from Buffer's shared pool and are not kept. */
const keptBytesMin = 64 * 1024;

export class ValueCopies {
  readonly #spare: Buffer[] = [];

  /**
   * Hands `ops` to lmdb-js (inside its batch callback) with every non-empty value copied into one
   * buffer. Returns that buffer, to give back with release() once the transaction has committed.
   */
  write(ops: readonly StoreOp[]): Buffer {
    let bytes = 0;
    for (const op of ops) if (op.type === 'put') bytes += op.value.length;
    const copies = this.#take(bytes);
    let at = 0;
    for (const op of ops) {
      if (op.type === 'del') op.table.lmdb.remove(op.key);
      else if (op.value.length === 0) op.table.lmdb.put(op.key, op.value);
      else {
        copies.set(op.value, at);
        op.table.lmdb.put(op.key, copies.subarray(at, at + op.value.length));
        at += op.value.length;
      }
    }
    return copies;
  }

  /** Takes back a buffer from write() whose transaction has committed (never one that failed). */
  release(copies: Buffer): void {
    if (copies.length < keptBytesMin) return;
    this.#spare.push(copies);
    this.#spare.sort((a, b) => b.length - a.length);
    this.#spare.length = Math.min(this.#spare.length, spareMax);
  }

  #take(bytes: number): Buffer {
    if (bytes < keptBytesMin / 2) return Buffer.allocUnsafe(bytes);
    // The smallest spare that fits (they are kept largest first).
    for (let i = this.#spare.length - 1; i >= 0; i--) {
      if (this.#spare[i]!.length >= bytes) return this.#spare.splice(i, 1)[0]!;
    }
    // Room to grow, so that a batch a little larger than the last does not allocate again.
    return Buffer.allocUnsafeSlow(Math.max(keptBytesMin, Math.ceil(bytes * 1.25)));
  }
}
