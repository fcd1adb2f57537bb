// The benches' pipelined commit: the next block is staged while the one before is written, and the
// tree ends where committing the same blocks one at a time leaves it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitPipelined } from '../../bench/lib/tree-pipeline.ts';
import { openStateTree, type StateChange } from '../../src/ledger/state/index.ts';
import { openStore } from '../../src/storage/index.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Five blocks of 40 keys each, some rewriting or deleting keys of the block before. */
function blocks(): StateChange[][] {
  return Array.from({ length: 5 }, (_, b) =>
    Array.from({ length: 40 }, (_, i) => ({
      key: utf8(`key-${(b * 30 + i) % 150}`),
      value: (b + i) % 7 === 0 && b > 0 ? null : utf8(`value-${b}-${i}`),
    })),
  );
}

function withTree<T>(run: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-tree-pipeline-'));
  const store = openStore({ path: dir });
  return run(store).finally(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

test('commits every block durably, in order, to the root one-at-a-time commits give', async () => {
  const expected = await withTree(async (store) => {
    const tree = openStateTree(store);
    for (const [i, changes] of blocks().entries()) await tree.applyBlock(i + 1, changes);
    return { root: tree.root(5), missing: tree.get(utf8('key-0'), 5) };
  });
  await withTree(async (store) => {
    const tree = openStateTree(store);
    const last = await commitPipelined(store, tree, 0, blocks());
    assert.equal(last, 5);
    assert.equal(tree.committedHeight, 5);
    assert.deepEqual(tree.root(5), expected.root);
    assert.deepEqual(tree.get(utf8('key-0'), 5), expected.missing);
    assert.deepEqual(tree.get(utf8('key-149'), 5), utf8('value-4-29'));
  });
});
