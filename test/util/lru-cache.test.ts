// The two-generation cache behind the state tree's node cache and the executor's value cache.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LruCache } from '../../src/util/lru-cache.ts';

test('holds at most its size, and the most recently used half survives', () => {
  const cache = new LruCache<number, string>(8);
  for (let i = 0; i < 100; i++) {
    cache.set(i, `v${i}`);
    assert.ok(cache.size <= 8, `size ${cache.size} after ${i + 1} sets`);
  }
  for (let i = 96; i < 100; i++) assert.equal(cache.get(i), `v${i}`);
  assert.equal(cache.get(0), undefined);
});

test('a hit in the old generation moves the key to the young one', () => {
  const cache = new LruCache<string, number>(4);
  cache.set('a', 1);
  cache.set('b', 2); // young is full: a and b become the old generation
  assert.equal(cache.get('a'), 1); // a moves to the young generation
  cache.set('c', 3); // young full again: a and c are now old, b is dropped
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
});

test('replace updates a key it holds, in either generation, and adds none', () => {
  const cache = new LruCache<string, number>(4);
  cache.set('old', 1);
  cache.set('young', 2); // both old now
  cache.set('new', 3);
  assert.equal(cache.replace('old', 10), true);
  assert.equal(cache.replace('new', 30), true);
  assert.equal(cache.replace('absent', 99), false);
  assert.equal(cache.get('absent'), undefined);
  assert.equal(cache.get('old'), 10);
  assert.equal(cache.get('new'), 30);
  assert.ok(cache.size <= 4);
});

test('delete and clear', () => {
  const cache = new LruCache<string, number>(4);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('c', 3);
  cache.delete('a');
  cache.delete('c');
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.get('c'), undefined);
  assert.equal(cache.get('b'), 2);
  cache.clear();
  assert.equal(cache.size, 0);
});

test('a cache of size 0 holds nothing', () => {
  const cache = new LruCache<string, number>(0);
  cache.set('a', 1);
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.replace('a', 2), false);
});
