// The simulator's virtual clock: a binary heap of events ordered by time, then by insertion, so
// events at the same instant run in a fixed order and a seed replays exactly.

export type Timed<E> = { readonly atMs: number; readonly seq: number; readonly event: E };

export class EventQueue<E> {
  private heap: Timed<E>[] = [];
  private seq = 0;
  nowMs = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, event: E): void {
    const item = { atMs: Math.max(atMs, this.nowMs), seq: this.seq++, event };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): Timed<E> | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    this.nowMs = top.atMs;
    return top;
  }
}

function before<E>(a: Timed<E>, b: Timed<E>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
