// A Map-backed committed state for tests, benchmarks and the simulator: the same StateReader the
// state tree offers, plus applying a block's changes.
import { compareBytes } from '../util/bytes.ts';
import { keyId } from './overlay.ts';
import type { StateChange, StateReader } from './types.ts';

export type MemoryState = StateReader & {
  apply(changes: readonly StateChange[]): void;
  readonly size: number;
  /** Every key and value, sorted by key bytes. */
  entries(): Array<{ key: Uint8Array; value: Uint8Array }>;
};

export function createMemoryState(): MemoryState {
  const map = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  return {
    get: (key) => map.get(keyId(key))?.value,
    apply(changes) {
      for (const change of changes) {
        const id = keyId(change.key);
        if (change.value === null) map.delete(id);
        else map.set(id, { key: change.key, value: change.value });
      }
    },
    get size() {
      return map.size;
    },
    entries: () => [...map.values()].sort((a, b) => compareBytes(a.key, b.key)),
  };
}
