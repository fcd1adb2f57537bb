// The epoch records on a real LMDB store: written in the caller's batch, visible only once that batch
// is durable, found by epoch and by height, and read back after the store is reopened.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { getSuite } from '../../src/crypto/suites.ts';
import { EpochStore } from '../../src/ledger/epoch-store.ts';
import { createValidatorSet, type ValidatorSet } from '../../src/ledger/validator-set.ts';
import { openStore } from '../../src/storage/index.ts';

function setOf(epoch: number, size: number): ValidatorSet {
  return createValidatorSet({
    epoch,
    validators: Array.from({ length: size }, (_, i) => ({
      suite: 'ed25519' as const,
      publicKey: getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(i + 1)).publicKey,
      orgId: `org-${i}`,
    })),
  });
}

test('epochs: written with a batch, looked up by epoch and height, kept across a reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-epochs-'));
  const path = join(dir, 'db');
  const genesis = setOf(1, 4);
  let store = openStore({ path });
  let epochs = new EpochStore(store, genesis);
  assert.equal(epochs.current().set, genesis);
  assert.equal(epochs.atHeight(0).set, genesis);

  const second = setOf(2, 5);
  const batch = store.writeBatch();
  const visible = epochs.add(batch, second, 11);
  await batch.commit();
  // Not visible until the caller says the batch is durable: a crash before it must not show it.
  assert.equal(epochs.current().set.epoch, 1);
  visible();
  assert.equal(epochs.current().set.epoch, 2);
  assert.equal(epochs.current().startHeight, 11);
  assert.equal(epochs.atHeight(10).set.epoch, 1);
  assert.equal(epochs.atHeight(11).set.epoch, 2);
  assert.equal(epochs.atHeight(1_000).set.epoch, 2);
  assert.equal(epochs.byEpoch(2)?.set.validators.length, 5);
  assert.equal(epochs.byEpoch(3), undefined);

  // An epoch that skips one, or starts no later than the last, is a bug in the caller.
  assert.throws(() => epochs.add(store.writeBatch(), setOf(4, 4), 20), /does not follow/);
  assert.throws(() => epochs.add(store.writeBatch(), setOf(3, 4), 11), /starts after/);

  await store.close();
  store = openStore({ path });
  epochs = new EpochStore(store, genesis);
  assert.equal(epochs.current().set.epoch, 2);
  assert.deepEqual(
    epochs.all().map((r) => [r.set.epoch, r.startHeight]),
    [
      [1, 1],
      [2, 11],
    ],
  );
  assert.deepEqual(epochs.byEpoch(2)?.set, second);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
