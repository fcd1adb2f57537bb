// verifyBatch (worker threads for large batches; in place, or on libuv's thread pool, for small ones) must give exactly
// what each suite's single verify gives, on valid, spoiled and malformed items of every suite.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ed25519Backend } from '../../src/crypto/libsodium.ts';
import { suiteIds } from '../../src/crypto/suite.ts';
import { getSuite, isSuiteId } from '../../src/crypto/suites.ts';
import {
  poolBatchItemsMin,
  type VerifyItem,
  verifyBatch,
  verifyBatchOnThreadPool,
  verifyBatchOnWorkers,
} from '../../src/crypto/verify-batch.ts';
import { VerifyPool } from '../../src/crypto/verify-pool.ts';
import { tsxWorkerSource } from '../../src/crypto/verify-worker-source.ts';

const keyPairs = suiteIds.map((id) => getSuite(id).generateKeyPair());

/** An item of any suite, signed, then possibly spoiled in one of several ways. */
const item: fc.Arbitrary<VerifyItem> = fc
  .record({
    keyIndex: fc.nat(keyPairs.length - 1),
    message: fc.uint8Array({ maxLength: 100 }),
    spoil: fc.constantFrom(
      'none',
      'none',
      'message',
      'signature',
      'key',
      'truncate',
      'suite',
      'garbage',
    ),
  })
  .map(({ keyIndex, message, spoil }) => {
    const kp = keyPairs[keyIndex]!;
    const signature = getSuite(kp.suite).sign(message, kp.secretKey);
    const valid: VerifyItem = { suite: kp.suite, message, signature, publicKey: kp.publicKey };
    switch (spoil) {
      case 'message':
        return { ...valid, message: Uint8Array.of(...message, 1) };
      case 'signature':
        return { ...valid, signature: signature.map((b, i) => (i === 5 ? b ^ 1 : b)) };
      case 'key':
        return { ...valid, publicKey: keyPairs[(keyIndex + 1) % keyPairs.length]!.publicKey };
      case 'truncate':
        return { ...valid, signature: signature.subarray(1) };
      case 'suite':
        return { ...valid, suite: 'rsa' as unknown as VerifyItem['suite'] };
      case 'garbage':
        return { ...valid, publicKey: new Uint8Array(33).fill(9) };
      default:
        return valid;
    }
  });

const pool = new VerifyPool(2);
after(() => pool.close());

const expectedOf = (items: readonly VerifyItem[]): boolean[] =>
  items.map(
    (it) =>
      isSuiteId(it.suite) && getSuite(it.suite).verify(it.message, it.signature, it.publicKey),
  );

test('verifyBatch agrees with single verify on mixed valid and invalid items of all suites', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(item, { maxLength: 2 * poolBatchItemsMin }), async (items) => {
      assert.deepEqual(await verifyBatch(items), expectedOf(items));
    }),
    { numRuns: 20 },
  );
});

test('both parallel paths (worker threads, libuv thread pool) agree with single verify', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(item, { maxLength: 100 }), async (items) => {
      const expected = expectedOf(items);
      assert.deepEqual(await verifyBatchOnWorkers(items, pool), expected);
      assert.deepEqual(await verifyBatchOnThreadPool(items), expected);
    }),
    { numRuns: 15 },
  );
});

test('verifyBatch: items that are not even objects of bytes give false', async () => {
  const kp = keyPairs[0]!;
  const message = Uint8Array.of(1);
  const good: VerifyItem = {
    suite: kp.suite,
    message,
    signature: getSuite(kp.suite).sign(message, kp.secretKey),
    publicKey: kp.publicKey,
  };
  const bad = [
    null,
    { ...good, message: 'text' },
    { ...good, signature: [1, 2] },
    { ...good, publicKey: undefined },
  ] as unknown as VerifyItem[];
  const items = [good, ...bad, good];
  assert.deepEqual(await verifyBatchOnWorkers(items, pool), [
    true,
    false,
    false,
    false,
    false,
    true,
  ]);
  assert.deepEqual(await verifyBatchOnThreadPool(items), [true, false, false, false, false, true]);
});

test('verifyBatch: an empty batch gives an empty answer', async () => {
  assert.deepEqual(await verifyBatch([]), []);
  assert.deepEqual(await verifyBatchOnWorkers([], pool), []);
});

test('verifyBatch: a large batch keeps item order', async () => {
  const kp = keyPairs[0]!;
  const suite = getSuite(kp.suite);
  const items: VerifyItem[] = [];
  for (let i = 0; i < 300; i++) {
    const message = Uint8Array.of(i & 0xff, i >> 8);
    const signature = suite.sign(message, kp.secretKey);
    items.push({
      suite: kp.suite,
      message: i % 3 === 0 ? Uint8Array.of(9) : message,
      signature,
      publicKey: kp.publicKey,
    });
  }
  assert.deepEqual(
    await verifyBatch(items),
    items.map((_, i) => i % 3 !== 0),
  );
});

test('an idle verify pool does not keep the process alive', () => {
  // Workers that finished their jobs, and workers that never got one, must both be unref'd.
  const poolUrl = new URL('../../src/crypto/verify-pool.ts', import.meta.url).href;
  const script = `
    import { VerifyPool } from ${JSON.stringify(poolUrl)};
    const warmed = new VerifyPool(1);
    await warmed.warm();
    const fresh = new VerifyPool(1);
    const items = [{ suite: 'ed25519', get message() { throw new Error('unpackable'); } }];
    await fresh.verifyRange(items, 0, 1).catch(() => {});
    console.log('done');`;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.equal(child.signal, null, 'the child exited by itself');
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'done');
});

test('workers start from the in-memory bundle, load the main thread Ed25519 library, and agree with the tsx fallback', async () => {
  const bundled = new VerifyPool(2);
  const throughTsx = new VerifyPool(1, () => tsxWorkerSource);
  try {
    await Promise.all([bundled.warm(), throughTsx.warm()]);
    assert.deepEqual(bundled.describe(), {
      source: 'bundle',
      ed25519: [ed25519Backend, ed25519Backend],
    });
    assert.deepEqual(throughTsx.describe(), { source: 'tsx', ed25519: [ed25519Backend] });
    const items = fc.sample(item, { numRuns: 120, seed: 7 });
    const expected = expectedOf(items);
    assert.ok(expected.includes(true) && expected.includes(false));
    assert.deepEqual(await verifyBatchOnWorkers(items, bundled), expected);
    assert.deepEqual(await verifyBatchOnWorkers(items, throughTsx), expected);
  } finally {
    await Promise.all([bundled.close(), throughTsx.close()]);
  }
});
