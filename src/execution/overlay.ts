// Write sets layered over the committed state: one for the block, one per transaction, one per
// `atomically` scope. A child is merged into its parent on success and dropped on failure.
import { assert } from '../util/assert.ts';
import { bytesEqual, compareBytes } from '../util/bytes.ts';
import type { Event, StateChange, StateReader } from './types.ts';

/** Thrown when the committed state cannot be read: the environment failed, not the module. */
export class StateReadError extends Error {
  override name = 'StateReadError';
}

type Entry = { readonly key: Uint8Array; readonly value: Uint8Array | null };

/** A byte string as a Map key: one UTF-16 unit per byte, so equal bytes give equal strings. */
export function keyId(key: Uint8Array): string {
  // fromCharCode takes any array-like of numbers; keys are short (state keys are at most 256 + 33 bytes).
  return String.fromCharCode.apply(null, key as unknown as number[]);
}

/** The committed state, read once per key and block (reads are deterministic, so caching is safe). */
class CommittedView {
  private readonly cache = new Map<string, Uint8Array | undefined>();

  constructor(private readonly reader: StateReader) {}

  get(id: string, key: Uint8Array): Uint8Array | undefined {
    if (this.cache.has(id)) return this.cache.get(id);
    let value: Uint8Array | undefined;
    try {
      value = this.reader.get(key);
    } catch (error) {
      throw new StateReadError('the committed state could not be read', { cause: error });
    }
    if (value !== undefined && !(value instanceof Uint8Array)) {
      throw new StateReadError('the state reader returned a value that is not bytes');
    }
    this.cache.set(id, value);
    return value;
  }
}

export class Overlay {
  private readonly writes = new Map<string, Entry>();
  readonly events: Event[] = [];
  readonly depth: number;

  private constructor(
    private readonly parent: Overlay | null,
    private readonly committed: CommittedView,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
  }

  static root(reader: StateReader): Overlay {
    return new Overlay(null, new CommittedView(reader));
  }

  child(): Overlay {
    return new Overlay(this, this.committed);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const id = keyId(key);
    for (let o: Overlay | null = this; o !== null; o = o.parent) {
      const entry = o.writes.get(id);
      if (entry !== undefined) return entry.value ?? undefined;
    }
    return this.committed.get(id, key);
  }

  /** `value` null deletes. The key is copied so a caller reusing its buffer cannot change it. */
  put(key: Uint8Array, value: Uint8Array | null): void {
    this.writes.set(keyId(key), { key: key.slice(), value });
  }

  /** Moves this overlay's writes and events into its parent. */
  mergeIntoParent(): void {
    const parent = this.parent;
    assert(parent !== null, 'the root overlay has no parent to merge into');
    for (const [id, entry] of this.writes) parent.writes.set(id, entry);
    for (const event of this.events) parent.events.push(event);
    this.writes.clear();
    this.events.length = 0;
  }

  /** The root's writes as state-tree changes: sorted by key, without writes that change nothing. */
  changes(): StateChange[] {
    assert(this.parent === null, 'changes are taken from the block overlay only');
    const out: StateChange[] = [];
    for (const [id, entry] of this.writes) {
      const before = this.committed.get(id, entry.key);
      if (
        entry.value === null
          ? before === undefined
          : before !== undefined && bytesEqual(before, entry.value)
      ) {
        continue;
      }
      out.push({ key: entry.key, value: entry.value });
    }
    out.sort((a, b) => compareBytes(a.key, b.key));
    for (let i = 1; i < out.length; i++) {
      assert(
        compareBytes(out[i - 1]!.key, out[i]!.key) < 0,
        'changes hold each key once, in order',
      );
    }
    return out;
  }
}
