// Records in the state tree (ledger/state/spec.ts): write-once keys placed by their block and order
// instead of their hash. They read, prove, persist and travel in snapshots like any key, and the
// tree refuses to change or delete one.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sha256 } from '../../src/ledger/state/hash.ts';
import {
  decodeStateProof,
  encodeStateProof,
  openStateTree,
  type StateChange,
  type StateTree,
  verifyStateProof,
} from '../../src/ledger/state/index.ts';
import {
  exportSnapshotChunks,
  restoreSnapshot,
  type SnapshotLeaf,
} from '../../src/ledger/state/snapshot.ts';
import { recordKeyTag, recordPath } from '../../src/ledger/state/spec.ts';
import { concatBytes, toHex, utf8 } from '../../src/util/bytes.ts';
import type { TallyError } from '../../src/util/errors.ts';
import { keyOf, tempStores } from './helpers.ts';

const stores = tempStores('tally-records-');
after(() => stores.remove());

const recordKey = (i: number) => concatBytes(Uint8Array.of(recordKeyTag), utf8(`rec/${i}`));
const recordValue = (i: number) => utf8(`value of record ${i}`);

/** Block h (1-based) adds records 100(h-1) .. 100h-1 and rewrites keys h .. h+4. */
function blockChanges(height: number): StateChange[] {
  const changes: StateChange[] = [];
  for (let i = 100 * (height - 1); i < 100 * height; i++)
    changes.push({ key: recordKey(i), value: recordValue(i) });
  for (let k = height; k < height + 5; k++)
    changes.push({ key: keyOf(k), value: utf8(`key ${k} at ${height}`) });
  return changes;
}

async function buildTree(blocks: number, reverse = false): Promise<StateTree> {
  const tree = openStateTree(stores.open());
  for (let h = 1; h <= blocks; h++) {
    const changes = blockChanges(h);
    await tree.applyBlock(h, reverse ? changes.reverse() : changes);
  }
  return tree;
}

function expectCode(code: string) {
  return (error: unknown) => (error as TallyError).code === code;
}

describe('state tree records', () => {
  it('a record reads from its height on, and not before it', async () => {
    const tree = await buildTree(3);
    assert.deepEqual(tree.get(recordKey(250), 3), recordValue(250));
    assert.equal(tree.get(recordKey(250), 2), null, 'record 250 is added at height 3');
    assert.deepEqual(tree.get(recordKey(5), 2), recordValue(5));
    assert.equal(tree.get(recordKey(300)), null, 'never added');
    assert.deepEqual(tree.get(keyOf(3), 2), utf8('key 3 at 2'));
  });

  it('a block numbers its records in key order, whatever order they are handed in', async () => {
    const inOrder = await buildTree(2);
    const reversed = await buildTree(2, true);
    assert.equal(toHex(reversed.root()), toHex(inOrder.root()));
  });

  it('the index survives a reopen, and a staged height reads its records before it commits', async () => {
    const tree = await buildTree(2);
    const store = stores.reopen();
    const reopened = openStateTree(store);
    assert.deepEqual(reopened.get(recordKey(150)), recordValue(150));
    const batch = store.writeBatch();
    reopened.stageBlock(reopened.prepareBlock(3, blockChanges(3)), batch);
    assert.deepEqual(reopened.get(recordKey(299), 3), recordValue(299), 'read while staged');
    await batch.commit();
    assert.deepEqual(reopened.get(recordKey(299), 3), recordValue(299), 'read once committed');
    assert.notEqual(toHex(tree.root(2)), toHex(reopened.root(3)));
  });

  it('a record proof verifies; moved to another path, or asked of the wrong value, it does not', async () => {
    const tree = await buildTree(3);
    const key = recordKey(123);
    const proof = decodeStateProof(encodeStateProof(tree.prove(key, 2)));
    const root = tree.root(2);
    assert.ok(proof.recordPath !== undefined);
    assert.equal(toHex(proof.recordPath), toHex(recordPath(sha256(key), 2, 23)));
    assert.ok(verifyStateProof(root, key, recordValue(123), proof));
    assert.ok(!verifyStateProof(root, key, recordValue(124), proof));
    assert.ok(!verifyStateProof(root, key, null, proof), 'a record has no proof of absence');
    // The same record placed at another sequence number: the path still ends in the key's hash.
    const moved = { ...proof, recordPath: recordPath(sha256(key), 2, 24) };
    assert.ok(!verifyStateProof(root, key, recordValue(123), moved));
    // Another record's proof does not pass for this key, nor a plain key's proof for a record.
    const other = tree.prove(recordKey(124), 2);
    assert.ok(!verifyStateProof(root, key, recordValue(124), other));
    const plain = tree.prove(keyOf(2), 2);
    assert.ok(
      !verifyStateProof(root, keyOf(2), utf8('key 2 at 2'), {
        ...plain,
        recordPath: proof.recordPath,
      }),
    );
    assert.ok(verifyStateProof(root, keyOf(2), utf8('key 2 at 2'), plain));
  });

  it('error: the absence of a record has no proof, and the tree says so', async () => {
    const tree = await buildTree(2);
    assert.throws(() => tree.prove(recordKey(999)), expectCode('state_record_absent'));
    assert.throws(() => tree.prove(recordKey(150), 1), expectCode('state_record_absent'));
  });

  it('error: a record is never changed, deleted or added twice', async () => {
    const tree = await buildTree(1);
    assert.throws(() => tree.prepareBlock(2, [{ key: recordKey(1), value: null }]), /written once/);
    assert.throws(
      () => tree.prepareBlock(2, [{ key: recordKey(1), value: utf8('x'), existed: true }]),
      /written once/,
    );
    const twice = [
      { key: recordKey(7), value: utf8('a') },
      { key: recordKey(7), value: utf8('b') },
    ];
    assert.throws(() => tree.prepareBlock(2, twice), /a record twice/);
  });

  it('a block of new records rewrites a few nodes above them; a block of hashed keys, many', async () => {
    const records = openStateTree(stores.open());
    const hashed = openStateTree(stores.open());
    const count = 2000;
    const nodesWritten = (tree: StateTree, key: (i: number) => Uint8Array, height: number) => {
      const changes = Array.from({ length: count }, (_, i) => ({
        key: key(height * count + i),
        value: recordValue(i),
      }));
      return tree.prepareBlock(height, changes).writer.pinned.size - count;
    };
    for (let h = 0; h < 3; h++) {
      await records.applyBlock(h, blockChanges(h + 1));
      await hashed.applyBlock(
        h,
        blockChanges(h + 1).filter((c) => c.key[0] !== recordKeyTag),
      );
    }
    // 2,000 leaves each; above them, a new record subtree against paths split all over the tree.
    const aboveRecords = nodesWritten(records, recordKey, 3);
    const aboveHashed = nodesWritten(hashed, keyOf, 3);
    assert.ok(aboveRecords < 200, `${aboveRecords} internal nodes above 2,000 records`);
    assert.ok(
      aboveHashed > 3 * aboveRecords,
      `${aboveHashed} internal nodes above 2,000 hashed keys`,
    );
  });

  it('a snapshot carries records with their paths, and the restored tree reads and proves them', async () => {
    const tree = await buildTree(3);
    const source = stores.reopen();
    const root = tree.root(3);
    const chunks = [...exportSnapshotChunks(source, 3, { chunkLeavesMax: 64 })];
    assert.ok(chunks.some((c) => c.leaves.some((l) => l.path !== undefined)));
    const target = stores.open();
    const restorer = await restoreSnapshot(target, 3, root);
    for (const chunk of chunks) await restorer.add(chunk);
    assert.equal(toHex(await restorer.finish()), toHex(root));
    const restored = openStateTree(target);
    assert.deepEqual(restored.get(recordKey(42)), recordValue(42));
    assert.ok(
      verifyStateProof(root, recordKey(42), recordValue(42), restored.prove(recordKey(42))),
    );
    // Blocks go on from the restored tree as they do from the source.
    await tree.applyBlock(4, blockChanges(4));
    await restored.applyBlock(4, blockChanges(4));
    assert.equal(toHex(restored.root()), toHex(tree.root()));
  });

  it('error: a snapshot leaf whose record path is missing, foreign or moved is refused', async () => {
    const tree = await buildTree(1);
    const source = stores.reopen();
    const root = tree.root(1);
    const [chunk] = [...exportSnapshotChunks(source, 1)];
    assert.ok(chunk !== undefined);
    const at = chunk.leaves.findIndex((l) => l.path !== undefined);
    const plainAt = chunk.leaves.findIndex((l) => l.path === undefined);
    const record = chunk.leaves[at]!;
    const withLeaf = (i: number, leaf: SnapshotLeaf) =>
      chunk.leaves.map((l, j) => (j === i ? leaf : l));
    const cases: [SnapshotLeaf[], RegExp][] = [
      [withLeaf(at, { key: record.key, value: record.value }), /comes with its path/],
      [
        withLeaf(plainAt, { ...chunk.leaves[plainAt]!, path: record.path! }),
        /a path comes with a record only/,
      ],
      [
        withLeaf(at, { ...record, path: recordPath(sha256(record.key), 1, 77) }),
        /not after the previous key|does not verify|subtree|sibling/,
      ],
      [
        withLeaf(at, { ...record, path: recordPath(sha256(utf8('x')), 1, 0) }),
        /does not fit its key/,
      ],
    ];
    for (const [leaves, message] of cases) {
      const restorer = await restoreSnapshot(stores.open(), 1, root);
      await assert.rejects(restorer.add({ ...chunk, leaves }), (error: Error) => {
        assert.equal((error as TallyError).code, 'snapshot_chunk_invalid');
        assert.match(error.message, message);
        return true;
      });
    }
  });
});
