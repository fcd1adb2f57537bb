// The LMDB store: tables, reads, range semantics, atomic batches, durability hooks, reopen, errors.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { keyBytesMax, openStore, type Store } from '../../src/storage/index.ts';
import { utf8 } from '../../src/util/bytes.ts';

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);
const k = (n: number) => Uint8Array.of(n);

describe('store', () => {
  let dir: string;
  let store: Store;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tally-store-'));
    store = openStore({ path: join(dir, 'db') });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('commits puts and deletes across tables in one batch', async () => {
    const a = store.db('a');
    const b = store.db('b');
    await store.batch([
      { type: 'put', table: a, key: utf8('x'), value: utf8('1') },
      { type: 'put', table: b, key: utf8('x'), value: utf8('2') },
      { type: 'put', table: b, key: utf8('y'), value: utf8('3') },
    ]);
    const batch = store.writeBatch().put(a, utf8('x'), utf8('10')).del(b, utf8('y'));
    assert.equal(batch.size, 2);
    const committed = batch.commit();
    // Handed to LMDB at once: the batch keeps no reference to its keys and values while it flushes.
    assert.equal(batch.size, 0);
    await committed;
    assert.equal(text(a.get(utf8('x'))), '10');
    assert.equal(text(b.get(utf8('x'))), '2');
    assert.equal(b.get(utf8('y')), undefined);
    assert.equal(b.has(utf8('x')), true);
    assert.equal(store.db('a'), a, 'the same table handle is handed out again');
  });

  test('returns values as copies that callers may keep', async () => {
    const t = store.db('copies');
    await store.batch([
      { type: 'put', table: t, key: k(1), value: utf8('one') },
      { type: 'put', table: t, key: k(2), value: utf8('two') },
    ]);
    const one = t.get(k(1))!;
    t.get(k(2));
    one[0] = 0x4f;
    assert.equal(text(t.get(k(1))), 'one');
  });

  test('ranges: start inclusive, end exclusive, in either direction, with a limit', async () => {
    const t = store.db('ranges');
    await store.batch(
      [1, 2, 3, 4, 5, 6].map((n) => ({ type: 'put', table: t, key: k(n), value: k(n) })),
    );
    const keys = (o: Parameters<typeof t.range>[0]) => [...t.range(o)].map((e) => e.key[0]);
    assert.deepEqual(keys({}), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(keys({ start: k(2), end: k(5) }), [2, 3, 4]);
    assert.deepEqual(keys({ start: k(2), end: k(5), reverse: true }), [4, 3, 2]);
    assert.deepEqual(keys({ end: k(3), reverse: true }), [2, 1]);
    assert.deepEqual(keys({ start: k(4), reverse: true }), [6, 5, 4]);
    assert.deepEqual(keys({ reverse: true, limit: 2 }), [6, 5]);
    assert.deepEqual(keys({ start: k(3), limit: 1 }), [3]);
    assert.deepEqual(
      [...t.keys({ start: k(5) })].map((key) => key[0]),
      [5, 6],
    );
    assert.equal(t.stats().entries, 6);
  });

  test('runs settled callbacks at commit, before the durable promise resolves', async () => {
    const t = store.db('hooks');
    const events: string[] = [];
    const batch = store.writeBatch().put(t, k(1), k(1));
    batch.onSettled((error) => events.push(error === undefined ? 'visible' : 'failed'));
    const done = batch.commit().then(() => events.push('durable'));
    await done;
    assert.deepEqual(events, ['visible', 'durable']);
    await store.batch([{ type: 'put', table: t, key: k(2), value: k(2) }], { durable: false });
    assert.deepEqual(t.get(k(2)), k(2));
    await store.flushed();
  });

  test('commits an empty batch', async () => {
    let settled = false;
    const batch = store.writeBatch();
    batch.onSettled(() => {
      settled = true;
    });
    await batch.commit();
    assert.equal(settled, true);
  });

  test('error: a batch is committed once', async () => {
    const batch = store.writeBatch().put(store.db('a'), k(9), k(9));
    await batch.commit();
    await assert.rejects(batch.commit(), /already committed/);
    assert.throws(() => batch.put(store.db('a'), k(9), k(9)), /already committed/);
  });

  test('error: invalid keys and values name the field', () => {
    const t = store.db('a');
    const batch = store.writeBatch();
    assert.throws(
      () => batch.put(t, new Uint8Array(0), k(1)),
      /a\.put key: a key may not be empty/,
    );
    assert.throws(() => batch.put(t, new Uint8Array(keyBytesMax + 1), k(1)), /exceeds 1978/);
    assert.throws(
      () => batch.put(t, 'x' as unknown as Uint8Array, k(1)),
      /a\.put key: expected a Uint8Array/,
    );
    assert.throws(
      () => batch.put(t, k(1), null as unknown as Uint8Array),
      /a\.put value: expected/,
    );
    assert.throws(() => t.get(new Uint8Array(0)), /a\.get key/);
    assert.throws(() => t.range({ limit: -1 }), /a\.range limit/);
    assert.throws(() => store.db('Bad Name'), /table name/);
  });

  test('error: a table of another store is refused', async () => {
    const other = openStore({ path: join(dir, 'other') });
    try {
      const foreign = other.db('a');
      await assert.rejects(
        store.batch([{ type: 'put', table: foreign, key: k(1), value: k(1) }]),
        /another store/,
      );
    } finally {
      await other.close();
    }
  });

  test('error: committing on a closed store fails and runs the settled callbacks with the error', async () => {
    const other = openStore({ path: join(dir, 'closing') });
    const batch = other.writeBatch().put(other.db('t'), k(1), k(1));
    const seen: (Error | undefined)[] = [];
    batch.onSettled((error) => seen.push(error));
    await other.close();
    await assert.rejects(batch.commit(), /store .*closing: closed/);
    assert.equal(seen.length, 1);
    assert.match(String(seen[0]?.message), /closed/);
  });

  // lmdb-js never unmaps a map it outgrew, so each growth left the file mapped once more and every
  // page read through an old map resident for good (RssFile above the file's size).
  test('data that outgrows the starting map of lmdb-js leaves the file mapped once', {
    skip: !existsSync('/proc/self/maps') && 'needs /proc/self/maps',
  }, async () => {
    const path = join(dir, 'one-map');
    const big = openStore({ path });
    try {
      const table = big.db('t');
      const value = new Uint8Array(64 * 1024).fill(7);
      for (let batch = 0; batch < 8; batch++) {
        const ops = Array.from({ length: 64 }, (_, i) => ({
          type: 'put' as const,
          table,
          key: Uint8Array.of(batch, i),
          value,
        }));
        await big.batch(ops);
      }
      assert.equal(table.stats().entries, 512);
      const file = join(path, 'data.mdb');
      const maps = readFileSync('/proc/self/maps', 'utf8')
        .split('\n')
        .filter((line) => line.endsWith(file));
      assert.equal(maps.length, 1, maps.join('\n'));
    } finally {
      await big.close();
    }
  });

  test('keeps nothing for a wait on a flush that has ended (a soak found a leak there)', async () => {
    // The store used to race each flush against a promise that settles only on failure, and every
    // race left a reaction on it for the store's life: about 250 bytes a commit, never freed.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const waits = 50_000;
    const live = () => {
      gc();
      return getHeapStatistics().used_heap_size;
    };
    // Warm up first: compiling the loop's code takes heap of its own.
    for (let i = 0; i < waits / 5; i++) await store.flushed();
    const before = live();
    for (let i = 0; i < waits; i++) await store.flushed();
    const grown = live() - before;
    // Held reactions cost about 650 bytes a wait; what is left of a clean run is noise.
    assert.ok(grown < waits * 50, `${grown} bytes still held after ${waits} flush waits`);
  });

  test('keeps data across close and reopen', async () => {
    const path = join(dir, 'reopen');
    const first = openStore({ path, mapSizeBytes: 1 << 20 });
    await first.batch([{ type: 'put', table: first.db('t'), key: utf8('k'), value: utf8('v') }]);
    await first.close();
    assert.throws(() => first.db('t'), /closed/);
    const second = openStore({ path });
    try {
      assert.equal(text(second.db('t').get(utf8('k'))), 'v');
    } finally {
      await second.close();
    }
  });
});
