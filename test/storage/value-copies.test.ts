// A batch's values are copied for lmdb-js when it commits, into buffers used again once their
// transaction has committed: what is stored is what the caller handed over, whatever the caller
// does with its arrays afterwards, and a reused buffer never overwrites a batch still in flight.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '../../src/storage/index.ts';

/** A fixed sequence (xorshift32), so a failure names values that can be made again. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function keyOf(batch: number, index: number): Uint8Array {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setUint32(0, batch);
  new DataView(key.buffer).setUint32(4, index);
  return key;
}

describe('value copies', () => {
  let dir: string;
  let store: Store;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-value-copies-'));
    store = openStore({ path: join(dir, 'db') });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('stores the bytes handed over, though the caller overwrites them after commit()', async () => {
    const table = store.db('overwritten');
    const small = Uint8Array.of(1, 2, 3);
    const large = new Uint8Array(100_000).fill(7);
    const empty = new Uint8Array(0);
    const batch = store
      .writeBatch()
      .put(table, keyOf(0, 0), small)
      .put(table, keyOf(0, 1), large)
      .put(table, keyOf(0, 2), empty);
    const committed = batch.commit();
    small.fill(9);
    large.fill(9);
    await committed;
    assert.deepEqual(table.get(keyOf(0, 0)), Uint8Array.of(1, 2, 3));
    assert.deepEqual(table.get(keyOf(0, 1)), new Uint8Array(100_000).fill(7));
    assert.deepEqual(table.get(keyOf(0, 2)), new Uint8Array(0));
  });

  test('batches committed back to back, small and large, each keep their own values', async () => {
    const table = store.db('pipelined');
    const next = prng(20261207);
    const expected = new Map<string, Uint8Array>();
    const inFlight: Promise<void>[] = [];
    for (let b = 0; b < 40; b++) {
      const batch = store.writeBatch();
      // From a few bytes to about 600 KB a batch, so buffers are both made and reused.
      const values = b % 5 === 0 ? 3 : 50 + (next() % 1500);
      for (let i = 0; i < values; i++) {
        const value = new Uint8Array(next() % 700);
        for (let j = 0; j < value.length; j++) value[j] = next() & 0xff;
        const key = keyOf(b, i);
        expected.set(Buffer.from(key).toString('hex'), value.slice());
        batch.put(table, key, value);
      }
      // The next batch is staged while this one commits, as the block pipeline does.
      inFlight.push(batch.commit());
      if (inFlight.length > 2) await inFlight.shift();
    }
    await Promise.all(inFlight);
    let checked = 0;
    for (const { key, value } of table.range({})) {
      const want = expected.get(Buffer.from(key).toString('hex'));
      assert.ok(want !== undefined, 'only the keys written');
      assert.deepEqual(value, want);
      checked++;
    }
    assert.equal(checked, expected.size);
  });
});
