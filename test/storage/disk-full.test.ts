// The store on a disk that fills: a real LMDB file on a small tmpfs. A commit that finds no room
// rejects with `disk_full` naming the store (never a crash, never SIGBUS), later writes are refused,
// nothing waits forever, and the folder reopens with every batch committed before, whole. The
// first two tests turn the free-space reserve off, so that LMDB itself meets the full disk (what a
// disk that fills within one commit does); the last one fills the disk down into the reserve.
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  decodeUintKey,
  encodeUintKey,
  isStorageFailure,
  openStore,
  type Store,
  type Table,
} from '../../src/storage/index.ts';
import { TallyError } from '../../src/util/errors.ts';
import { fill, freeBytes, mountTmpfs, type Tmpfs, tmpfsUnavailable } from './tmpfs.ts';

const tmpfsBytes = 4 * 1024 * 1024;
const keysPerBatch = 8;
const valueBytes = 4096;
/** Far more than fits in the tmpfs: the loop ends at the failure, this only bounds a broken run. */
const batchesMax = 10_000;
const skip = tmpfsUnavailable();
if (skip !== undefined) console.error(`skipping the disk-full store tests: ${skip}`);

function valueFor(batch: number, i: number): Uint8Array {
  const value = new Uint8Array(valueBytes).fill((batch + i) & 0xff);
  value.set(encodeUintKey(batch), 0);
  return value;
}

function putBatch(store: Store, table: Table, n: number, durable: boolean): Promise<void> {
  const batch = store.writeBatch();
  for (let i = 0; i < keysPerBatch; i++)
    batch.put(table, encodeUintKey(n * keysPerBatch + i), valueFor(n, i));
  return batch.commit({ durable });
}

/** Reads back every batch below `count` and checks that nothing else is there. */
function assertBatches(table: Table, count: number): void {
  let entries = 0;
  for (const { key, value } of table.range()) {
    const index = decodeUintKey(key);
    const n = Math.floor(index / keysPerBatch);
    assert.ok(n < count, `batch ${n} was never reported committed`);
    assert.deepEqual(value, valueFor(n, index % keysPerBatch));
    entries++;
  }
  assert.equal(entries, count * keysPerBatch, 'every committed batch is there, whole');
}

describe('store on a full disk', { skip }, () => {
  let tmpfs: Tmpfs;
  before(() => {
    tmpfs = mountTmpfs(tmpfsBytes);
  });
  after(() => tmpfs?.close());

  test('error: a commit with no room rejects with disk_full; the store reopens with its data', async () => {
    const path = join(tmpfs.path, 'sequential');
    const reported: TallyError[] = [];
    const store = openStore({
      path,
      reserveBytes: 0,
      onWriteFailed: (error) => reported.push(error),
    });
    const table = store.db('data');
    let committed = 0;
    let failure: unknown;
    while (committed < batchesMax) {
      try {
        await putBatch(store, table, committed, true);
        committed++;
      } catch (error) {
        failure = error;
        break;
      }
    }
    assert.ok(committed > 0, 'some batches fit before the disk filled');
    assert.ok(failure instanceof TallyError, `a TallyError, got ${String(failure)}`);
    assert.equal(failure.code, 'disk_full');
    assert.match(
      failure.message,
      /^disk full: .*sequential: no room for a write of \d+ bytes \(E[A-Z]+, \d+ bytes free\)$/,
    );
    assert.equal(failure.details.path, path);
    assert.deepEqual(reported, [failure], 'the hook heard of it once, with the same error');

    await assert.rejects(putBatch(store, table, committed, false), (error) => error === failure);
    assertBatches(table, committed);
    await assert.rejects(store.flushed(), (error) => error === failure);
    await store.close();

    const reopened = openStore({ path, reserveBytes: 0 });
    assertBatches(reopened.db('data'), committed);
    tmpfs.resize(tmpfsBytes * 2);
    await putBatch(reopened, reopened.db('data'), committed, true);
    assertBatches(reopened.db('data'), committed + 1);
    await reopened.close();
  });

  test('error: writes in flight when the disk fills all settle; none is lost once reported', async () => {
    const path = join(tmpfs.path, 'pipelined');
    const store = openStore({ path, reserveBytes: 0 });
    const table = store.db('data');
    await putBatch(store, table, 0, true);
    fill(join(tmpfs.path, 'filler'));
    const outcomes: Promise<'ok' | string>[] = [Promise.resolve('ok')];
    for (let n = 1; n < 64; n++) {
      outcomes.push(
        putBatch(store, table, n, n % 2 === 0).then(
          () => 'ok',
          (error: unknown) => (isStorageFailure(error) ? error.code : String(error)),
        ),
      );
    }
    const settled = await Promise.all(outcomes);
    const okCount = settled.filter((s) => s === 'ok').length;
    assert.ok(okCount < settled.length, 'the disk filled during the run');
    assert.deepEqual(new Set(settled.filter((s) => s !== 'ok')), new Set(['disk_full']));
    // Batches run in order, so those reported committed are a prefix.
    assert.ok(
      settled.slice(0, okCount).every((s) => s === 'ok'),
      settled.join(' '),
    );
    await store.close();
    const reopened = openStore({ path, reserveBytes: 0 });
    const table2 = reopened.db('data');
    let entries = 0;
    for (const _ of table2.keys()) entries++;
    assert.ok(entries >= okCount * keysPerBatch, 'every batch reported committed is on disk');
    assert.equal(entries % keysPerBatch, 0, 'no batch is there in part');
    await reopened.close();
  });

  test('error: a new store on a full disk is refused with disk_full, not a SIGBUS', () => {
    // The test above left the filler: the tmpfs is full.
    const path = join(tmpfs.path, 'fresh');
    assert.throws(
      () => openStore({ path }),
      (error) =>
        error instanceof TallyError &&
        error.code === 'disk_full' &&
        /^disk full: .*fresh: \d+ bytes free, too few to create the store's files/.test(
          error.message,
        ),
    );
  });

  test('error: a commit that would leave less than the reserve is refused before it begins', async () => {
    const filler = join(tmpfs.path, 'filler');
    rmSync(filler, { force: true });
    const path = join(tmpfs.path, 'reserved');
    const reserveBytes = 1024 * 1024;
    const reported: TallyError[] = [];
    const store = openStore({ path, reserveBytes, onWriteFailed: (e) => reported.push(e) });
    const table = store.db('data');
    await putBatch(store, table, 0, true);
    await putBatch(store, table, 1, true);
    fill(filler, reserveBytes + 64 * 1024);
    const free = freeBytes(tmpfs.path);
    assert.ok(free > reserveBytes, `${free} bytes free: above the reserve, so LMDB could write`);
    assert.equal(store.freeBytes(), free);
    assert.equal(store.reserveBytes, reserveBytes);
    assert.equal(store.dataBytes(), statSync(join(path, 'data.mdb')).size);
    assert.ok(store.dataBytes() > 0);

    const failure = await putBatch(store, table, 2, true).then(
      () => assert.fail('a batch that eats into the reserve committed'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof TallyError, `a TallyError, got ${String(failure)}`);
    assert.equal(failure.code, 'disk_full');
    assert.match(
      failure.message,
      /^disk full: .*reserved: \d+ bytes free, below the 1048576-byte reserve the store keeps \(a write of \d+ bytes was refused before it began\)$/,
    );
    assert.equal(failure.details.reserveBytes, reserveBytes);
    assert.equal(failure.cause, undefined, 'LMDB was never asked to write');
    assert.deepEqual(reported, [failure]);
    await assert.rejects(putBatch(store, table, 2, false), (error) => error === failure);
    assertBatches(table, 2);
    await store.close();

    rmSync(filler);
    const reopened = openStore({ path, reserveBytes });
    assertBatches(reopened.db('data'), 2);
    await putBatch(reopened, reopened.db('data'), 2, true);
    assertBatches(reopened.db('data'), 3);
    await reopened.close();
  });
});
