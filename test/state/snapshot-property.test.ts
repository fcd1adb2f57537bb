// Properties of state snapshots: any set of keys, cut into chunks of any size, restores to the root the
// tree computed; chunk bytes round-trip canonically, and oversize or garbled bytes are refused.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { CodecError, encode } from '../../src/codec/index.ts';
import { encodeStateProof, openStateTree } from '../../src/ledger/state/index.ts';
import { exportSnapshotChunks, restoreSnapshot } from '../../src/ledger/state/snapshot.ts';
import {
  decodeSnapshotChunk,
  encodeSnapshotChunk,
  type SnapshotChunk,
  snapshotChunkBytesMax,
  snapshotChunkLeavesMax,
} from '../../src/ledger/state/snapshot-codec.ts';
import { stateKeyBytesMax } from '../../src/ledger/state/spec.ts';
import { tempStores } from './helpers.ts';

const stores = tempStores('tally-snapshot-prop-');
after(() => stores.remove());

const entries = fc.uniqueArray(
  fc.record({
    key: fc.uint8Array({ minLength: 1, maxLength: 6 }),
    value: fc.uint8Array({ maxLength: 8 }),
  }),
  { minLength: 1, maxLength: 60, selector: (e) => Buffer.from(e.key).toString('hex') },
);

test('any key set, in chunks of any size, restores to the same root', async () => {
  await fc.assert(
    fc.asyncProperty(entries, fc.integer({ min: 1, max: 7 }), async (list, chunkLeavesMax) => {
      const source = stores.open();
      const target = stores.open();
      try {
        const root = await openStateTree(source).applyBlock(4, list);
        const restorer = await restoreSnapshot(target, 4, root);
        const chunks = [...exportSnapshotChunks(source, 4, { chunkLeavesMax })];
        assert.equal(chunks.length, Math.ceil(list.length / chunkLeavesMax));
        for (const chunk of chunks) {
          assert.equal(restorer.complete, false);
          await restorer.add(chunk);
        }
        assert.equal(restorer.complete, true);
        assert.deepEqual(await restorer.finish(), root);
        const restored = openStateTree(target);
        for (const { key, value } of list) assert.deepEqual(restored.get(key), value);
      } finally {
        await source.close();
        await target.close();
      }
    }),
    { numRuns: 30 },
  );
});

const chunkArbitrary: fc.Arbitrary<SnapshotChunk> = fc
  .record({
    height: fc.nat(),
    index: fc.nat(),
    leaves: fc.array(
      fc.record({
        key: fc.uint8Array({ minLength: 1, maxLength: 40 }),
        value: fc.uint8Array({ maxLength: 40 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    proof: fc.record({
      levels: fc.array(
        fc.integer({ min: 1, max: 0xffff }).chain((bitmap) =>
          fc.record({
            bitmap: fc.constant(bitmap),
            siblings: fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
              minLength: Math.max(popcount(bitmap) - 1, 0),
              maxLength: Math.max(popcount(bitmap) - 1, 0),
            }),
          }),
        ),
        { maxLength: 4 },
      ),
      leaf: fc.constant(null),
    }),
  })
  .map((c) => ({
    // Plain objects, as the decoder builds them (fast-check's records have no prototype).
    height: c.height,
    index: c.index,
    leaves: c.leaves.map(({ key, value }) => ({ key, value })),
    proof: {
      levels: c.proof.levels.map(({ bitmap, siblings }) => ({ bitmap, siblings })),
      leaf: null,
    },
  }));

test('chunks round-trip through their canonical bytes', () => {
  fc.assert(
    fc.property(chunkArbitrary, (chunk) => {
      const bytes = encodeSnapshotChunk(chunk);
      const back = decodeSnapshotChunk(bytes);
      assert.deepEqual(back, chunk);
      assert.deepEqual(encodeSnapshotChunk(back), bytes);
    }),
    { numRuns: 200 },
  );
});

test('error: garbled chunk bytes are refused with a CodecError', () => {
  fc.assert(
    fc.property(chunkArbitrary, fc.nat(), fc.integer({ min: 1, max: 255 }), (chunk, at, flip) => {
      const bytes = encodeSnapshotChunk(chunk);
      const garbled = Uint8Array.from(bytes);
      garbled[at % bytes.length]! ^= flip;
      try {
        const back = decodeSnapshotChunk(garbled);
        // A flip inside a key, value or hash still decodes: then it is another chunk, not this one.
        assert.notDeepEqual(encodeSnapshotChunk(back), bytes);
      } catch (error) {
        assert.ok(error instanceof CodecError, String(error));
      }
    }),
    { numRuns: 300 },
  );
  const bytes = encodeSnapshotChunk(fc.sample(chunkArbitrary, { numRuns: 1, seed: 1 })[0]!);
  assert.throws(() => decodeSnapshotChunk(bytes.subarray(0, bytes.length - 1)), CodecError);
});

test('error: oversize chunks, too many leaves, empty or long keys are refused by field', () => {
  const proofBytes = encodeStateProof({ levels: [], leaf: null });
  const leaf = [new Uint8Array(1), new Uint8Array(0)];
  const cases: [string, Uint8Array][] = [
    ['snapshotChunk', new Uint8Array(snapshotChunkBytesMax + 1)],
    [
      'snapshotChunk.leaves',
      encode([1, 0, new Array(snapshotChunkLeavesMax + 1).fill(leaf), proofBytes]),
    ],
    ['snapshotChunk.leaves', encode([1, 0, [], proofBytes])],
    [
      'snapshotChunk.leaves[0].key',
      encode([1, 0, [[new Uint8Array(0), new Uint8Array(0)]], proofBytes]),
    ],
    [
      'snapshotChunk.leaves[0].key',
      encode([1, 0, [[new Uint8Array(stateKeyBytesMax + 1), new Uint8Array(0)]], proofBytes]),
    ],
    ['snapshotChunk.proof', encode([1, 0, [leaf], new Uint8Array([1, 2])])],
    ['snapshotChunk', encode([1, 0, [leaf]])],
  ];
  for (const [field, bytes] of cases) {
    assert.throws(
      () => decodeSnapshotChunk(bytes),
      (error: unknown) => error instanceof CodecError && error.field.startsWith(field),
      field,
    );
  }
});

function popcount(n: number): number {
  let count = 0;
  for (let x = n; x !== 0; x >>= 1) count += x & 1;
  return count;
}
