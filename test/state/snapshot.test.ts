// State sync: a tree exported in chunks and restored into a fresh LMDB store has the same root, values
// and proofs; every kind of tampered chunk is refused before it is applied; an interrupted or failed
// restore leaves nothing that opens as a tree.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  emptyRoot,
  openStateTree,
  stateTableNames,
  verifyStateProof,
} from '../../src/ledger/state/index.ts';
import {
  exportSnapshotChunks,
  readSnapshotChunk,
  restoreSnapshot,
  type SnapshotChunk,
} from '../../src/ledger/state/snapshot.ts';
import type { Store } from '../../src/storage/index.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import type { TallyError } from '../../src/util/errors.ts';
import { keyOf, tempStores } from './helpers.ts';

const stores = tempStores('tally-snapshot-');
const keysCount = 3000;
const chunkLeavesMax = 400;
let source: Store;
let root: Uint8Array;
let chunks: SnapshotChunk[];

before(async () => {
  source = stores.open();
  const tree = openStateTree(source);
  const first = [];
  for (let i = 0; i < 2000; i++) first.push({ key: keyOf(i), value: utf8(`v1/${i}`) });
  await tree.applyBlock(1, first);
  const second = [];
  for (let i = 2000; i < keysCount + 200; i++)
    second.push({ key: keyOf(i), value: utf8(`v2/${i}`) });
  for (let i = 0; i < 300; i++) second.push({ key: keyOf(i), value: utf8(`updated/${i}`) });
  for (let i = 300; i < 500; i++) second.push({ key: keyOf(i), value: null });
  root = await tree.applyBlock(2, second);
  chunks = [...exportSnapshotChunks(source, 2, { chunkLeavesMax })];
});

after(async () => {
  await source.close();
  stores.remove();
});

function expectCode(code: string) {
  return (error: unknown) => {
    assert.equal((error as TallyError).code, code, (error as Error).message);
    return true;
  };
}

async function restoreAll(store: Store, list: readonly SnapshotChunk[] = chunks) {
  const restorer = await restoreSnapshot(store, 2, root);
  for (const chunk of list) await restorer.add(chunk);
  return restorer;
}

/** A chunk with its leaves replaced (the proof is kept, as a peer forging leaves would). */
function withLeaves(chunk: SnapshotChunk, leaves: SnapshotChunk['leaves']): SnapshotChunk {
  return { ...chunk, leaves };
}

describe('state snapshot', () => {
  it('exports every key once, in key-hash order, in chunks of the asked size', () => {
    const leaves = chunks.flatMap((c) => c.leaves);
    assert.equal(leaves.length, keysCount);
    assert.equal(chunks.length, Math.ceil(leaves.length / chunkLeavesMax));
    assert.deepEqual(
      chunks.map((c) => c.index),
      chunks.map((_, i) => i),
    );
    const tree = openStateTree(source);
    for (const { key, value } of leaves.slice(0, 50)) assert.deepEqual(tree.get(key, 2), value);
  });

  it('restores into a fresh store: same root, values and proofs, and the tree goes on from there', async () => {
    const store = stores.open();
    try {
      const restorer = await restoreAll(store);
      assert.equal(restorer.complete, true);
      assert.deepEqual(await restorer.finish(), root);
      const restored = openStateTree(store);
      const original = openStateTree(source);
      assert.equal(restored.committedHeight, 2);
      assert.equal(restored.oldestHeight, 2);
      assert.deepEqual(restored.root(2), root);
      for (let i = 0; i < keysCount + 200; i += 37) {
        const key = keyOf(i);
        assert.deepEqual(restored.get(key), original.get(key, 2), `key ${i}`);
        const proof = restored.prove(key);
        assert.deepEqual(proof, original.prove(key, 2));
        assert.ok(verifyStateProof(root, key, restored.get(key), proof));
      }
      const next = [
        { key: keyOf(1), value: utf8('next') },
        { key: keyOf(2), value: null },
        { key: utf8('fresh'), value: utf8('x') },
      ];
      const copy = stores.open();
      try {
        // The source moves on at height 3 in a copy of its history: compare roots, not stores.
        const replay = openStateTree(copy);
        await replay.applyBlock(
          2,
          chunks.flatMap((c) => c.leaves),
        );
        assert.deepEqual(replay.root(2), root, 'the same map gives the same root');
        assert.deepEqual(await restored.applyBlock(3, next), await replay.applyBlock(3, next));
      } finally {
        await copy.close();
      }
    } finally {
      await store.close();
    }
  });

  it("serves one chunk by index and the previous chunk's last key hash", () => {
    assert.deepEqual(readSnapshotChunk(source, 2, 0, null, { chunkLeavesMax }), chunks[0]);
    assert.deepEqual(
      readSnapshotChunk(source, 2, 3, keyHashOf(chunks[2]!), { chunkLeavesMax }),
      chunks[3],
    );
    const last = chunks.at(-1)!;
    assert.equal(
      readSnapshotChunk(source, 2, chunks.length, keyHashOf(last), { chunkLeavesMax }),
      undefined,
    );
  });

  it('the restorer names the cursor for the next request', async () => {
    const store = stores.open();
    try {
      const restorer = await restoreSnapshot(store, 2, root);
      assert.equal(restorer.lastKeyHash, null);
      await restorer.add(chunks[0]!);
      assert.equal(restorer.nextIndex, 1);
      assert.deepEqual(
        readSnapshotChunk(source, 2, 1, restorer.lastKeyHash, { chunkLeavesMax }),
        chunks[1],
      );
      await restorer.abort();
    } finally {
      await store.close();
    }
  });

  it('error: a tampered chunk is refused with snapshot_chunk_invalid, and the good one still applies', async () => {
    const store = stores.open();
    try {
      const restorer = await restoreSnapshot(store, 2, root);
      await restorer.add(chunks[0]!);
      const good = chunks[1]!;
      const leaves = [...good.leaves];
      const forged: [string, SnapshotChunk][] = [
        [
          'value',
          withLeaves(
            good,
            leaves.map((l, i) => (i === 5 ? { ...l, value: utf8('forged') } : l)),
          ),
        ],
        [
          'key',
          withLeaves(
            good,
            leaves.map((l, i) => (i === 5 ? { ...l, key: keyBetween(leaves[4]!, leaves[6]!) } : l)),
          ),
        ],
        ['order', withLeaves(good, [leaves[1]!, leaves[0]!, ...leaves.slice(2)])],
        [
          'dropped leaf',
          withLeaves(
            good,
            leaves.filter((_, i) => i !== 7),
          ),
        ],
        [
          'extra leaf',
          withLeaves(good, [
            ...leaves.slice(0, 3),
            { key: keyBetween(leaves[2]!, leaves[3]!), value: utf8('x') },
            ...leaves.slice(3),
          ]),
        ],
        ['missing chunk', { ...chunks[2]!, index: 1 }],
        ['wrong index', chunks[2]!],
        ['wrong height', { ...good, height: 1 }],
        ['proof of another key', { ...good, proof: chunks[2]!.proof }],
      ];
      for (const [what, chunk] of forged) {
        await assert.rejects(restorer.add(chunk), expectCode('snapshot_chunk_invalid'), what);
      }
      for (const chunk of chunks.slice(1)) await restorer.add(chunk);
      await assert.rejects(
        restorer.add({ ...chunks.at(-1)!, index: chunks.length }),
        expectCode('snapshot_chunk_invalid'),
        'extra chunk',
      );
      assert.deepEqual(await restorer.finish(), root);
    } finally {
      await store.close();
    }
  });

  it('error: chunks of another tree are refused at once against the expected root', async () => {
    const store = stores.open();
    try {
      const restorer = await restoreSnapshot(
        store,
        2,
        emptyRoot.map((b) => b ^ 1),
      );
      await assert.rejects(restorer.add(chunks[0]!), expectCode('snapshot_chunk_invalid'));
    } finally {
      await store.close();
    }
  });

  it('error: finishing an incomplete restore throws snapshot_root_mismatch and leaves no node', async () => {
    const store = stores.open();
    try {
      const restorer = await restoreAll(store, chunks.slice(0, 2));
      assert.ok(store.db(stateTableNames.nodes).stats().entries > 0);
      await assert.rejects(restorer.finish(), expectCode('snapshot_root_mismatch'));
      assert.equal(store.db(stateTableNames.nodes).stats().entries, 0);
      assert.equal(openStateTree(store).latestHeight, undefined);
    } finally {
      await store.close();
    }
  });

  it('an interrupted restore does not open as a tree, and a new restore into the same store succeeds', async () => {
    const first = stores.open();
    await restoreAll(first, chunks.slice(0, 3));
    await first.close();
    const store = stores.reopen();
    try {
      const tree = openStateTree(store);
      assert.equal(tree.latestHeight, undefined);
      assert.equal(tree.committedHeight, undefined);
      const restorer = await restoreAll(store);
      assert.deepEqual(await restorer.finish(), root);
      assert.deepEqual(openStateTree(store).root(), root);
    } finally {
      await store.close();
    }
  });

  it("the root record can join a caller's batch", async () => {
    const store = stores.open();
    try {
      const restorer = await restoreAll(store);
      const batch = store.writeBatch();
      await restorer.finish(batch);
      assert.equal(openStateTree(store).latestHeight, undefined, 'not before the batch commits');
      await batch.commit();
      assert.equal(openStateTree(store).committedHeight, 2);
    } finally {
      await store.close();
    }
  });

  it('an empty tree is a snapshot of no chunks', async () => {
    const empty = stores.open();
    const store = stores.open();
    try {
      await openStateTree(empty).applyBlock(0, []);
      assert.deepEqual([...exportSnapshotChunks(empty, 0)], []);
      const restorer = await restoreSnapshot(store, 0, emptyRoot);
      assert.equal(restorer.complete, true);
      assert.deepEqual(await restorer.finish(), emptyRoot);
      assert.equal(openStateTree(store).committedHeight, 0);
    } finally {
      await empty.close();
      await store.close();
    }
  });

  it('error: restoring into a store that holds a tree, or exporting a height it lacks', async () => {
    await assert.rejects(restoreSnapshot(source, 5, root), expectCode('snapshot_target_not_empty'));
    assert.throws(
      () => [...exportSnapshotChunks(source, 9)],
      expectCode('state_height_unavailable'),
    );
  });
});

function keyHashOf(chunk: SnapshotChunk): Uint8Array {
  return sha256Of(chunk.leaves.at(-1)!.key);
}

/** A key not in the tree whose hash falls between two leaves' key hashes. */
function keyBetween(lo: { key: Uint8Array }, hi: { key: Uint8Array }): Uint8Array {
  const from = toHex(sha256Of(lo.key));
  const to = toHex(sha256Of(hi.key));
  for (let n = 0; ; n++) {
    const key = utf8(`forged/${n}`);
    const hash = toHex(sha256Of(key));
    if (from < hash && hash < to) return key;
  }
}

function sha256Of(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}
