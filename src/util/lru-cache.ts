// A bounded cache of recently used entries (the state tree's decoded nodes, the executor's values,
// signatures already checked). Two generations approximate least-recently-used: hits in
// the old generation move to the young one, and when the young one fills up the old one is dropped
// whole. (A single Map evicting its oldest key per insert degrades badly in V8: the deleted slots at
// the front are scanned again by every keys().next() until the table is rehashed.)
import { assert } from './assert.ts';

export class LruCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #generationMax: number;

  /** Holds at most `sizeMax` entries, and at least the `sizeMax / 2` most recently used. */
  constructor(sizeMax: number) {
    assert(
      Number.isSafeInteger(sizeMax) && sizeMax >= 0,
      'lru: size must be a non-negative integer',
    );
    this.#generationMax = Math.floor(sizeMax / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) {
      this.#old.delete(key);
      this.#insert(key, old);
    }
    return old;
  }

  set(key: K, value: V): void {
    this.#old.delete(key);
    this.#insert(key, value);
  }

  /** Gives a key already held a new value (and makes it recent); false, and nothing held, if absent. */
  replace(key: K, value: V): boolean {
    if (this.#young.has(key)) {
      this.#young.set(key, value);
      return true;
    }
    if (!this.#old.delete(key)) return false;
    this.#insert(key, value);
    return true;
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  clear(): void {
    this.#young = new Map();
    this.#old = new Map();
  }

  #insert(key: K, value: V): void {
    if (this.#generationMax === 0) return;
    this.#young.set(key, value);
    if (this.#young.size >= this.#generationMax) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    assert(
      this.#young.size < this.#generationMax && this.#old.size <= this.#generationMax,
      'lru: over its bound',
    );
  }
}
