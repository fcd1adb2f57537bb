// Write scopes layered over the committed state: one for the block, one per transaction, one per
// `atomically` scope. A child is merged into its parent on success and discarded on failure.
import { assert } from '../util/assert.ts';
import { bytesEqual, latin1FromBytes } from '../util/bytes.ts';
import type { Event, StateChange, StateReader } from './types.ts';

/** Thrown when the committed state cannot be read: the environment failed, not the module. */
export class StateReadError extends Error {
  override name = 'StateReadError';
}

/** A byte string as a Map key: one UTF-16 unit per byte, so equal bytes give equal strings. */
export function keyId(key: Uint8Array): string {
  // A flat string: ids built by concatenation sort and compare about twice as slowly.
  return latin1FromBytes(key);
}

/**
 * One key the block has touched. The committed value is read once per key and block (reads are
 * deterministic, so caching is safe); the block's own value sits beside it, so that a read or a
 * write is one Map lookup.
 */
type Slot = {
  readonly key: Uint8Array;
  /** keyId(key), handed to the reader. */
  readonly id: string;
  /** What the committed state holds: null when it holds nothing, undefined until read. */
  committed: Uint8Array | null | undefined;
  written: boolean;
  /** The value the block wrote (null deletes); meaningful only when `written`. */
  value: Uint8Array | null;
};

function readCommitted(reader: StateReader, slot: Slot): Uint8Array | null {
  if (slot.committed !== undefined) return slot.committed;
  let value: Uint8Array | undefined;
  try {
    value = reader.get(slot.key, slot.id);
  } catch (error) {
    throw new StateReadError('the committed state could not be read', { cause: error });
  }
  if (value !== undefined && !(value instanceof Uint8Array)) {
    throw new StateReadError('the state reader returned a value that is not bytes');
  }
  slot.committed = value ?? null;
  return slot.committed;
}

/**
 * The one map of a block, shared by all its scopes, and an undo log for the scopes still open: a
 * write goes straight into the map, with what it replaced kept so that a failed scope can put it
 * back. A read is one lookup (not one per scope), and a scope that succeeds copies nothing.
 */
class Journal {
  readonly slots = new Map<string, Slot>();
  /** Parallel arrays, one item per write made inside an open scope: the slot and what it held. */
  readonly undoSlots: Slot[] = [];
  readonly undoWritten: boolean[] = [];
  readonly undoValues: Array<Uint8Array | null> = [];
  /** The innermost open scope: the only one that may read, write or open a child. */
  current: Overlay | null = null;

  constructor(readonly reader: StateReader) {}
}

export class Overlay {
  readonly events: Event[] = [];
  readonly depth: number;
  /** Length of the undo log when this scope opened: undoing back to it drops this scope's writes. */
  private readonly mark: number;

  private constructor(
    private readonly parent: Overlay | null,
    private readonly journal: Journal,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.mark = journal.undoSlots.length;
    journal.current = this;
  }

  static root(reader: StateReader): Overlay {
    return new Overlay(null, new Journal(reader));
  }

  /** Opens a nested scope; it must be merged or discarded before this one is used again. */
  child(): Overlay {
    assert(this.journal.current === this, 'a child opens from the innermost scope');
    return new Overlay(this, this.journal);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const journal = this.journal;
    assert(journal.current === this, 'reads go through the innermost scope');
    const id = keyId(key);
    let slot = journal.slots.get(id);
    if (slot === undefined) {
      slot = { key, id, committed: undefined, written: false, value: null };
      journal.slots.set(id, slot);
    }
    const value = slot.written ? slot.value : readCommitted(journal.reader, slot);
    return value ?? undefined;
  }

  /**
   * `value` null deletes. The overlay keeps `key` and `value` as they are, without a copy: the
   * caller (the module's state view) builds a fresh key and fresh value bytes for every write.
   */
  put(key: Uint8Array, value: Uint8Array | null): void {
    const journal = this.journal;
    assert(journal.current === this, 'writes go through the innermost scope');
    const id = keyId(key);
    let slot = journal.slots.get(id);
    if (slot === undefined) {
      slot = { key, id, committed: undefined, written: false, value: null };
      journal.slots.set(id, slot);
    }
    if (this.parent !== null) {
      journal.undoSlots.push(slot);
      journal.undoWritten.push(slot.written);
      journal.undoValues.push(slot.value);
    }
    slot.written = true;
    slot.value = value;
  }

  /** Keeps this scope's writes and moves its events into its parent, which becomes current. */
  mergeIntoParent(): void {
    const parent = this.parent;
    assert(parent !== null, 'the root overlay has no parent to merge into');
    assert(this.journal.current === this, 'only the innermost scope merges');
    for (const event of this.events) parent.events.push(event);
    this.events.length = 0;
    // The root is never undone: once writes reach it, their undo entries can go.
    if (parent.parent === null) this.truncateUndo();
    this.journal.current = parent;
  }

  /** Drops this scope's writes and events, putting back what they replaced; its parent is current. */
  discard(): void {
    const parent = this.parent;
    assert(parent !== null, 'the root overlay is never discarded');
    assert(this.journal.current === this, 'only the innermost scope is discarded');
    const { undoSlots, undoWritten, undoValues } = this.journal;
    for (let i = undoSlots.length - 1; i >= this.mark; i--) {
      const slot = undoSlots[i]!;
      slot.written = undoWritten[i]!;
      slot.value = undoValues[i]!;
    }
    this.truncateUndo();
    this.events.length = 0;
    this.journal.current = parent;
  }

  private truncateUndo(): void {
    this.journal.undoSlots.length = this.mark;
    this.journal.undoWritten.length = this.mark;
    this.journal.undoValues.length = this.mark;
  }

  /** The root's writes as state-tree changes: sorted by key, without writes that change nothing. */
  changes(): StateChange[] {
    assert(this.parent === null, 'changes are taken from the block overlay only');
    assert(this.journal.current === this, 'every scope of the block is closed');
    const { slots, reader } = this.journal;
    const ids: string[] = [];
    for (const [id, slot] of slots) {
      if (!slot.written) continue;
      const before = readCommitted(reader, slot);
      if (
        slot.value === null ? before === null : before !== null && bytesEqual(before, slot.value)
      ) {
        continue;
      }
      ids.push(id);
    }
    // A key id has one UTF-16 unit per byte, so the default string order is the keys' byte order,
    // and comparing strings is far cheaper than comparing the byte arrays.
    ids.sort();
    const out: StateChange[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const slot = slots.get(ids[i]!)!;
      // changes() read every written key's committed value just above, so `committed` is set.
      out[i] = { key: slot.key, value: slot.value, existed: slot.committed !== null };
    }
    // Checked on the ids, which are cheap to compare: byte order by the construction of keyId,
    // which a test pins (comparing the keys' bytes here took as long as the sort itself).
    for (let i = 1; i < ids.length; i++) {
      assert(ids[i - 1]! < ids[i]!, 'changes hold each key once, in order');
    }
    return out;
  }
}
