// A bounded least-recently-used map from key bytes to imported node:crypto KeyObjects. Importing a
// key costs about as much as a verify (DESIGN: re-importing each time halves the rate), and a
// sign with a re-imported private key is ten times slower, so the suites keep recent keys here.

import { assert } from '../util/assert.ts';
import { latin1FromBytes } from '../util/bytes.ts';

export class KeyCache<V> {
  readonly entriesMax: number;
  private readonly entries = new Map<string, V>();

  constructor(entriesMax: number) {
    assert(Number.isInteger(entriesMax) && entriesMax > 0, 'KeyCache: entriesMax must be positive');
    this.entriesMax = entriesMax;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value for `keyBytes`, or `create(keyBytes)` stored as the newest; create may throw. */
  getOrCreate(keyBytes: Uint8Array, create: (keyBytes: Uint8Array) => V): V {
    // latin1 maps each byte to one code unit: a cheap, collision-free string key.
    const id = latin1FromBytes(keyBytes);
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      // Re-insert so that Map's insertion order doubles as recency order.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const value = create(keyBytes);
    if (this.entries.size >= this.entriesMax) {
      const oldest = this.entries.keys().next();
      assert(oldest.done !== true, 'KeyCache: full cache has an oldest entry');
      this.entries.delete(oldest.value);
    }
    this.entries.set(id, value);
    assert(this.entries.size <= this.entriesMax, 'KeyCache: bound holds');
    return value;
  }
}
