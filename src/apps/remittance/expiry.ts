// Deadlines of pending remittances: one FIFO queue per accept window. Block time never goes back and
// deadline = block time + window, so within one window's queue deadlines come in order and the sweep
// stops at the first entry not yet due. An entry whose remittance was resolved (or re-queued with a
// new deadline) is skipped. The work per block is bounded; what is left waits for the next block.
import { readBytes, readTuple, readUint } from '../../codec/index.ts';
import { decoding } from '../../modules/bank/records.ts';
import { assert } from '../../util/assert.ts';
import { acceptWindowsMax, expiriesPerBlockMax, expirySweepStepsPerBlockMax } from './constants.ts';
import type { Remittance } from './records.ts';
import { type RemittanceReader, type RemittanceStore, remittanceKeys } from './store.ts';

type Queue = { head: number; tail: number };

function readQueue(reader: RemittanceReader, windowSec: number): Queue {
  const v = reader.raw(remittanceKeys.queue(windowSec));
  if (v === undefined) return { head: 0, tail: 0 };
  return decoding('queue', () => {
    const f = readTuple(v, 'queue', 2);
    return { head: readUint(f[0], 'head'), tail: readUint(f[1], 'tail') };
  });
}

function writeQueue(store: RemittanceStore, windowSec: number, q: Queue): void {
  assert(q.head <= q.tail, 'a queue head never passes its tail');
  // An empty queue keeps its numbering: entries are never renumbered, so no stale entry can alias.
  store.putRaw(remittanceKeys.queue(windowSec), [q.head, q.tail]);
}

function readEntry(
  reader: RemittanceReader,
  windowSec: number,
  index: number,
): { id: Uint8Array; deadlineMs: number } {
  const v = reader.raw(remittanceKeys.queueEntry(windowSec, index));
  assert(v !== undefined, 'an entry between head and tail exists');
  return decoding('queue entry', () => {
    const f = readTuple(v, 'entry', 2);
    return { id: readBytes(f[0], 'id', 16), deadlineMs: readUint(f[1], 'deadlineMs') };
  });
}

/**
 * Makes room for `windowSec` in the list of queues the sweep visits. When the list is full, windows
 * that no corridor uses and whose queue is empty are dropped first. False when there is no room.
 */
export function admitWindow(
  store: RemittanceStore,
  windowSec: number,
  windowsInUse: ReadonlySet<number>,
): boolean {
  const windows = store.queueWindows();
  if (windows.includes(windowSec)) return true;
  let kept = windows;
  if (windows.length >= acceptWindowsMax) {
    kept = windows.filter((w) => {
      const q = readQueue(store, w);
      return windowsInUse.has(w) || q.head < q.tail;
    });
  }
  if (kept.length >= acceptWindowsMax) return false;
  store.putQueueWindows([...kept, windowSec].sort((a, b) => a - b));
  return true;
}

/** Queues a pending remittance's deadline at the tail of its window's queue. */
export function enqueueDeadline(
  store: RemittanceStore,
  windowSec: number,
  id: Uint8Array,
  deadlineMs: number,
): void {
  assert(store.queueWindows().includes(windowSec), 'a corridor window has a queue');
  const q = readQueue(store, windowSec);
  if (q.head < q.tail) {
    const last = readEntry(store, windowSec, q.tail - 1);
    assert(last.deadlineMs <= deadlineMs, 'deadlines in one window come in order');
  }
  store.putRaw(remittanceKeys.queueEntry(windowSec, q.tail), [id, deadlineMs]);
  writeQueue(store, windowSec, { head: q.head, tail: q.tail + 1 });
}

export type ExpireFn = (r: Remittance) => void;

/** Expires the pending remittances whose deadline has come; returns how many it expired. */
export function sweepDeadlines(store: RemittanceStore, timeMs: number, expire: ExpireFn): number {
  let steps = 0;
  let expired = 0;
  for (const windowSec of store.queueWindows()) {
    const q = readQueue(store, windowSec);
    const start = q.head;
    while (
      q.head < q.tail &&
      steps < expirySweepStepsPerBlockMax &&
      expired < expiriesPerBlockMax
    ) {
      const entry = readEntry(store, windowSec, q.head);
      const r = store.remittance(entry.id);
      assert(r !== undefined, 'a queued remittance exists');
      const live = r.status === 'pending' && r.deadlineMs === entry.deadlineMs;
      if (live && entry.deadlineMs > timeMs) break; // the rest of this queue is due later
      steps += 1;
      store.putRaw(remittanceKeys.queueEntry(windowSec, q.head), null);
      q.head += 1;
      if (live) {
        expire(r);
        expired += 1;
      }
    }
    // A quiet block changes no state.
    if (q.head !== start) writeQueue(store, windowSec, q);
  }
  return expired;
}
