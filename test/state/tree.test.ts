// The state tree's behaviour case by case: empty tree, heights, deletes, the batch seam with the
// block store, pipelined staging, reopening, and the errors callers see.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sha256, toPathHex } from '../../src/ledger/state/hash.ts';
import {
  emptyRoot,
  openStateTree,
  stateKeyBytesMax,
  stateTableNames,
  verifyStateProof,
} from '../../src/ledger/state/index.ts';
import { encodeUintKey } from '../../src/storage/index.ts';
import { compareBytes, utf8 } from '../../src/util/bytes.ts';
import { tempStores } from './helpers.ts';

const stores = tempStores('tally-state-tree-');
after(() => stores.remove());

const put = (key: string, value: string) => ({ key: utf8(key), value: utf8(value) });
const del = (key: string) => ({ key: utf8(key), value: null });

test('an empty block on an empty tree gives the placeholder root, and absence proofs', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    assert.equal(tree.latestHeight, undefined);
    assert.deepEqual(await tree.applyBlock(0, []), emptyRoot);
    assert.equal(tree.get(utf8('a')), null);
    const proof = tree.prove(utf8('a'));
    assert.deepEqual(proof, { levels: [], leaf: null });
    assert.ok(verifyStateProof(emptyRoot, utf8('a'), null, proof));
    assert.ok(!verifyStateProof(emptyRoot, utf8('a'), utf8('x'), proof));
  } finally {
    await store.close();
  }
});

test('a single key is the root leaf; a second key splits it; deleting one lifts the other', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    const one = await tree.applyBlock(1, [put('a', '1')]);
    assert.deepEqual(tree.prove(utf8('a')).levels, []);
    const two = await tree.applyBlock(2, [put('b', '2')]);
    assert.ok(tree.prove(utf8('a')).levels.length >= 1);
    const back = await tree.applyBlock(3, [del('b')]);
    assert.deepEqual(back, one, 'the same map gives the same root');
    assert.notDeepEqual(two, one);
    assert.deepEqual(tree.get(utf8('b'), 2), utf8('2'));
    assert.equal(tree.get(utf8('b'), 3), null);
    assert.deepEqual(await tree.applyBlock(4, [del('a')]), emptyRoot);
  } finally {
    await store.close();
  }
});

test('takes changes as a Map, and the last change of a key in a block wins', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    await tree.applyBlock(0, new Map([[utf8('k'), utf8('v')]]));
    await tree.applyBlock(1, [put('x', '1'), put('x', '2'), del('k'), put('k', '3')]);
    assert.deepEqual(tree.get(utf8('x')), utf8('2'));
    assert.deepEqual(tree.get(utf8('k')), utf8('3'));
    assert.deepEqual(tree.get(utf8('k'), 0), utf8('v'));
  } finally {
    await store.close();
  }
});

test('commits a block and the caller’s own writes in one batch', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    const blocks = store.db('blocks');
    const prepared = tree.prepareBlock(7, [put('a', '1')]);
    assert.equal(tree.latestHeight, undefined, 'preparing writes nothing');
    const batch = store.writeBatch();
    batch.put(blocks, encodeUintKey(7), utf8('block 7'));
    tree.stageBlock(prepared, batch);
    assert.equal(tree.latestHeight, 7);
    assert.equal(tree.committedHeight, undefined);
    assert.deepEqual(tree.get(utf8('a')), utf8('1'), 'a staged height is readable');
    await batch.commit();
    assert.equal(tree.committedHeight, 7);
    assert.deepEqual(tree.root(7), prepared.root);
    assert.deepEqual(blocks.get(encodeUintKey(7)), utf8('block 7'));
  } finally {
    await store.close();
  }
});

test('stages the next block while the previous batch is still committing', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    const batches = [];
    for (let h = 0; h < 5; h++) {
      const batch = store.writeBatch();
      tree.stageBlock(tree.prepareBlock(h, [put(`k${h}`, `v${h}`), put('shared', `${h}`)]), batch);
      batches.push(batch.commit());
    }
    await Promise.all(batches);
    assert.equal(tree.committedHeight, 4);
    for (let h = 0; h < 5; h++) assert.deepEqual(tree.get(utf8('shared'), h), utf8(`${h}`));
  } finally {
    await store.close();
  }
});

test('reopens with the same roots and values', async () => {
  const store = stores.open();
  const roots: Uint8Array[] = [];
  const tree = openStateTree(store);
  for (let h = 0; h < 4; h++) {
    const changes = Array.from({ length: 50 }, (_, i) =>
      put(`key/${(i * 7 + h) % 90}`, `value ${h}/${i}`),
    );
    roots.push(await tree.applyBlock(h, changes));
  }
  await store.close();
  const reopenedStore = stores.reopen();
  try {
    const reopened = openStateTree(reopenedStore);
    assert.equal(reopened.latestHeight, 3);
    assert.equal(reopened.oldestHeight, 0);
    for (let h = 0; h < 4; h++) assert.deepEqual(reopened.root(h), roots[h]);
    assert.deepEqual(reopened.get(utf8('key/3'), 3), utf8('value 3/0'));
    assert.deepEqual(await reopened.applyBlock(4, []), roots[3]);
  } finally {
    await reopenedStore.close();
  }
});

test('a leaf the block read is rewritten without reading LMDB again, to the same root', async () => {
  const keys = Array.from({ length: 200 }, (_, i) => put(`key/${i}`, `value ${i}`));
  const changed = [put('key/5', 'new'), put('key/77', 'new too'), put('key/new', 'fresh')];
  const store = stores.open();
  const control = stores.open();
  try {
    const tree = openStateTree(store);
    await tree.applyBlock(1, keys);
    const nodes = store.db(stateTableNames.nodes);
    const get = nodes.get.bind(nodes);
    let reads = 0;
    nodes.get = (key) => {
      reads++;
      return get(key);
    };
    // What execution does first: read the keys the block then writes (key/new reads its neighbour).
    for (const { key } of changed) tree.get(key);
    const readsBefore = reads;
    assert.ok(readsBefore >= 2, 'the reads went to LMDB for the leaves');
    const root = await tree.applyBlock(2, changed);
    assert.equal(reads, readsBefore, 'the update found the leaves it needed among those read');
    // The same blocks on a tree that read nothing first give the same root and values.
    const fresh = openStateTree(control);
    await fresh.applyBlock(1, keys);
    assert.deepEqual(await fresh.applyBlock(2, changed), root);
    for (const { key, value } of changed) assert.deepEqual(tree.get(key), value);
    assert.deepEqual(tree.get(utf8('key/5'), 1), utf8('value 5'));
  } finally {
    await store.close();
    await control.close();
  }
});

test('prune drops old heights and their stale nodes', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    for (let h = 0; h < 6; h++)
      await tree.applyBlock(h, [put('hot', `${h}`), put(`cold${h}`, 'x')]);
    const result = await tree.prune(4);
    assert.equal(result.heightsRemoved, 4);
    assert.ok(result.nodesRemoved > 0);
    assert.equal(tree.oldestHeight, 4);
    assert.deepEqual(
      [3, 4, 5, 6].map((h) => tree.holds(h)),
      [false, true, true, false],
    );
    assert.deepEqual(tree.get(utf8('hot'), 4), utf8('4'));
    assert.deepEqual(tree.get(utf8('cold0'), 4), utf8('x'));
    assert.equal(store.db(stateTableNames.roots).stats().entries, 2);
    assert.deepEqual(await tree.prune(2), { nodesRemoved: 0, heightsRemoved: 0 });
  } finally {
    await store.close();
  }
});

test('error: heights out of range name the retained range', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    assert.equal(tree.holds(0), false);
    assert.throws(() => tree.root(), {
      code: 'state_height_unavailable',
      message: 'the state tree has no blocks yet',
    });
    await tree.applyBlock(3, [put('a', '1')]);
    await tree.applyBlock(4, [put('a', '2')]);
    assert.throws(() => tree.get(utf8('a'), 5), {
      code: 'state_height_unavailable',
      message: 'height 5 is not retained (retained: 3 to 4)',
    });
    assert.throws(() => tree.prove(utf8('a'), 2), { code: 'state_height_unavailable' });
    assert.throws(() => tree.prepareBlock(6, []), {
      message: 'height: expected 5, the height after 4, got 6',
    });
    await assert.rejects(tree.prune(9), /belowHeight: 9 is past the last committed height 4/);
  } finally {
    await store.close();
  }
});

test('error: invalid keys and values name the change', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    assert.throws(() => tree.prepareBlock(0, [{ key: new Uint8Array(0), value: null }]), {
      message: `changes[0].key: a state key has 1 to ${stateKeyBytesMax} bytes, got 0`,
    });
    assert.throws(
      () =>
        tree.prepareBlock(0, [
          put('a', '1'),
          { key: utf8('b'), value: 'x' as unknown as Uint8Array },
        ]),
      {
        message: 'changes[1].value: expected a Uint8Array or null',
      },
    );
    assert.throws(() => tree.get('a' as unknown as Uint8Array), {
      message: 'key: expected a Uint8Array',
    });
  } finally {
    await store.close();
  }
});

test('error: a block prepared on an older height is refused', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    const stale = tree.prepareBlock(0, [put('a', '1')]);
    await tree.applyBlock(0, [put('b', '1')]);
    assert.throws(() => tree.stageBlock(stale, store.writeBatch()), {
      message: 'block 0: prepared on the empty tree, but the tree is now at height 0',
    });
  } finally {
    await store.close();
  }
});

test('error: a staged batch that fails to commit makes the tree refuse further use', async () => {
  const store = stores.open();
  const tree = openStateTree(store);
  await tree.applyBlock(0, [put('a', '1')]);
  const batch = store.writeBatch();
  tree.stageBlock(tree.prepareBlock(1, [put('a', '2')]), batch);
  await store.close();
  await assert.rejects(batch.commit(), /closed/);
  assert.throws(() => tree.get(utf8('a')), /the batch of height 1 failed; reopen the tree/);
  const reopened = stores.reopen();
  try {
    const again = openStateTree(reopened);
    assert.equal(again.latestHeight, 0);
    assert.deepEqual(again.get(utf8('a')), utf8('1'));
  } finally {
    await reopened.close();
  }
});

test('a block’s nodes reach the batch in key order, so LMDB fills its pages', async () => {
  const store = stores.open();
  try {
    const tree = openStateTree(store);
    const nodes = store.db(stateTableNames.nodes);
    let next = 0;
    for (let height = 0; height < 12; height++) {
      // New keys and rewrites of old ones, as a block of transfers makes.
      const changes = Array.from({ length: 600 }, (_, i) =>
        put(`k${i % 3 === 0 && next > 600 ? (next * 7 + i) % next : next++}`, `v${height}`),
      );
      const batch = store.writeBatch();
      tree.stageBlock(tree.prepareBlock(height, changes), batch);
      const keys = batch.ops.filter((op) => op.table === nodes).map((op) => op.key);
      assert.ok(keys.length > changes.length, 'a block writes its leaves and the nodes above them');
      for (let i = 1; i < keys.length; i++)
        assert.ok(
          compareBytes(keys[i - 1]!, keys[i]!) < 0,
          `node ${i} of block ${height} in order`,
        );
      await batch.commit();
    }
    let payload = 0;
    for (const { key, value } of nodes.range()) payload += key.length + value.length;
    const { bytes } = nodes.stats();
    // Measured: about 0.6 with the nodes in the order the update makes them, about 0.85 sorted.
    assert.ok(payload / bytes > 0.75, `pages ${((100 * payload) / bytes).toFixed(0)}% full`);
  } finally {
    await store.close();
  }
});

test('nodes cached by path (five levels), in the LRU (deeper) or not at all read and prove alike', async () => {
  // Keys in pairs whose hashes share five nibbles, so internal nodes sit below the levels kept by
  // path, plus keys that stay shallow.
  const byPrefix = new Map<string, string[]>();
  for (let i = 0; i < 20_000; i++) {
    const key = `deep/${i}`;
    const prefix = toPathHex(sha256(utf8(key))).slice(0, 5);
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), key]);
  }
  const deep = [...byPrefix.values()].filter((keys) => keys.length > 1).flat();
  assert.ok(deep.length >= 40, 'the search finds keys that share five nibbles');
  const keys = [...deep, ...Array.from({ length: 300 }, (_, i) => `shallow/${i}`)];
  const opened = [stores.open(), stores.open(), stores.open()];
  try {
    // Default cache; an LRU of two deep nodes (evicting all the time); no cache at all.
    const trees = [
      openStateTree(opened[0]!),
      openStateTree(opened[1]!, { cacheNodesMax: 2 }),
      openStateTree(opened[2]!, { cacheNodesMax: 0 }),
    ];
    const models: Map<string, string>[] = [];
    let model = new Map<string, string>();
    for (let h = 0; h < 5; h++) {
      const changes = keys
        .filter((_, i) => i % 5 !== h)
        .map((key, i) => (i % 7 === h ? del(key) : put(key, `${key}@${h}`)));
      model = new Map(model);
      for (const { key, value } of changes) {
        const text = Buffer.from(key).toString();
        if (value === null) model.delete(text);
        else model.set(text, Buffer.from(value).toString());
      }
      models.push(model);
      const roots = await Promise.all(trees.map((tree) => tree.applyBlock(h, changes)));
      assert.deepEqual(roots[1], roots[0]);
      assert.deepEqual(roots[2], roots[0]);
    }
    // Every height, newest first and then oldest first: a node cached at a later height must not
    // answer for an older one, and reading an older one must not displace the newer.
    for (const heights of [
      [4, 3, 2, 1, 0],
      [0, 1, 2, 3, 4],
    ]) {
      for (const h of heights) {
        for (const tree of trees) {
          const root = tree.root(h);
          for (const key of keys.filter((_, i) => i % 3 === h % 3)) {
            const expected = models[h]!.get(key);
            const value = tree.get(utf8(key), h);
            assert.equal(value === null ? undefined : Buffer.from(value).toString(), expected);
            const proof = tree.prove(utf8(key), h);
            assert.ok(verifyStateProof(root, utf8(key), value, proof), `${key}@${h}`);
          }
        }
      }
    }
  } finally {
    await Promise.all(opened.map((store) => store.close()));
  }
});
