// A Map-backed committed state for tests, benchmarks and the simulator: the same StateReader the
// state tree offers, plus applying a block's changes.
import { compareBytes } from '../util/bytes.ts';
import { keyId } from './overlay.ts';
import type { StateChange, StateReader } from './types.ts';

export type MemoryState = StateReader & {
  /** A block's changes, or any list of keys and values (`existed` is not needed here). */
  apply(changes: readonly Omit<StateChange, 'existed'>[]): void;
  readonly size: number;
  /** Every key and value, sorted by key bytes. */
  entries(): Array<{ key: Uint8Array; value: Uint8Array }>;
};

/** The bytes a key id stands for (keyId gives one UTF-16 unit per byte). */
function keyOfId(id: string): Uint8Array {
  const key = new Uint8Array(id.length);
  for (let i = 0; i < id.length; i++) key[i] = id.charCodeAt(i);
  return key;
}

export function createMemoryState(): MemoryState {
  // Values by key id only: a read is one lookup with nothing more to follow, and the key bytes
  // can be rebuilt from the id when entries() needs them.
  const map = new Map<string, Uint8Array>();
  return {
    get: (key, id) => map.get(id ?? keyId(key)),
    apply(changes) {
      for (const change of changes) {
        const id = keyId(change.key);
        if (change.value === null) map.delete(id);
        else map.set(id, change.value);
      }
    },
    get size() {
      return map.size;
    },
    entries: () =>
      [...map]
        .map(([id, value]) => ({ key: keyOfId(id), value }))
        .sort((a, b) => compareBytes(a.key, b.key)),
  };
}
