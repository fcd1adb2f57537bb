// A binary min-heap of (expiresAtMs, seq) so that expired transactions are found in O(log n) each.
// Removal is lazy: the owner checks each popped entry against its live set (see mempool.ts).

import { assert } from '../util/assert.ts';

export type ExpiryEntry = {
  readonly expiresAtMs: number;
  /** Arrival sequence number: unique, so it also tells a live entry from a removed one. */
  readonly seq: number;
  readonly key: string;
};

function before(a: ExpiryEntry, b: ExpiryEntry): boolean {
  return a.expiresAtMs < b.expiresAtMs || (a.expiresAtMs === b.expiresAtMs && a.seq < b.seq);
}

export class ExpiryQueue {
  private heap: ExpiryEntry[] = [];

  get length(): number {
    return this.heap.length;
  }

  push(entry: ExpiryEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let at = heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[at] = heap[parent]!;
      at = parent;
    }
    heap[at] = entry;
  }

  peek(): ExpiryEntry | undefined {
    return this.heap[0];
  }

  pop(): ExpiryEntry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    this.siftDown(last, 0);
    assert(!before(heap[0]!, top), 'ExpiryQueue: pop keeps the minimum first');
    return top;
  }

  /** Replaces the contents with `entries` in O(n) (Floyd's heap construction). */
  rebuild(entries: ExpiryEntry[]): void {
    this.heap = entries;
    for (let at = (entries.length >> 1) - 1; at >= 0; at--) this.siftDown(entries[at]!, at);
  }

  private siftDown(entry: ExpiryEntry, start: number): void {
    const heap = this.heap;
    const n = heap.length;
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, entry)) break;
      heap[at] = heap[child]!;
      at = child;
    }
    heap[at] = entry;
  }
}
