// Property tests of the state tree against a plain Map: values at every retained height, proofs of
// presence and absence, roots that depend only on the final map, pruning. Real LMDB files.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import {
  openStateTree,
  type StateChange,
  type StateTree,
  stateTableNames,
  verifyStateProof,
} from '../../src/ledger/state/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { applyToModel, keyOf, type Model, tempStores } from './helpers.ts';

const stores = tempStores('tally-state-model-');
after(() => stores.remove());

const keysInUniverse = 40;
const changeArb = fc.record({
  key: fc.nat(keysInUniverse - 1).map(keyOf),
  value: fc.option(fc.uint8Array({ minLength: 0, maxLength: 24 }), { freq: 4, nil: null }),
});
const blocksArb = fc.array(fc.array(changeArb, { maxLength: 24 }), { minLength: 1, maxLength: 7 });

/** Last change of each key wins, as in the tree. */
function checkHeight(tree: StateTree, height: number, model: Model): void {
  const root = tree.root(height);
  for (let i = 0; i < keysInUniverse; i++) {
    const key = keyOf(i);
    const expected = model.get(Buffer.from(key).toString('hex')) ?? null;
    const value = tree.get(key, height);
    assert.deepEqual(value, expected, `key ${i} at height ${height}`);
    const proof = tree.prove(key, height);
    assert.ok(
      verifyStateProof(root, key, expected, proof),
      `proof of key ${i} at height ${height}`,
    );
    const wrong = expected === null ? Uint8Array.of(1) : null;
    assert.ok(!verifyStateProof(root, key, wrong, proof), `no proof of a wrong value for key ${i}`);
    if (expected !== null) {
      const altered = Uint8Array.from([...expected, 0]);
      assert.ok(!verifyStateProof(root, key, altered, proof), 'no proof of a longer value');
    }
    const otherRoot = root.slice();
    otherRoot[i % 32]! ^= 1;
    assert.ok(
      !verifyStateProof(otherRoot, key, expected, proof),
      `no proof against a wrong root (key ${i})`,
    );
  }
}

test('matches a Map model at every height, with proofs that verify only for the right value', async () => {
  await fc.assert(
    fc.asyncProperty(blocksArb, async (blocks) => {
      const store = stores.open();
      try {
        const tree = openStateTree(store);
        const models: Model[] = [];
        let model: Model = new Map();
        for (let h = 0; h < blocks.length; h++) {
          const changes = blocks[h]!;
          model = applyToModel(model, changes);
          models.push(model);
          await tree.applyBlock(h, changes);
          for (let past = 0; past <= h; past++) checkHeight(tree, past, models[past]!);
        }
      } finally {
        await store.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('the root depends only on the final map, not on the blocks or their order', async () => {
  await fc.assert(
    fc.asyncProperty(blocksArb, fc.integer(), async (blocks, seed) => {
      const first = stores.open();
      const second = stores.open();
      try {
        const stepwise = openStateTree(first);
        let model: Model = new Map();
        for (let h = 0; h < blocks.length; h++) {
          model = applyToModel(model, blocks[h]!);
          await stepwise.applyBlock(h, blocks[h]!);
        }
        const finalEntries: StateChange[] = [...model].map(([hex, value]) => ({
          key: Buffer.from(hex, 'hex'),
          value,
        }));
        shuffle(finalEntries, seed);
        const direct = openStateTree(second);
        const root = await direct.applyBlock(0, finalEntries);
        assert.deepEqual(root, stepwise.root());
      } finally {
        await first.close();
        await second.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('saying which keys existed changes nothing the tree writes, only what it reads', async () => {
  await fc.assert(
    fc.asyncProperty(blocksArb, async (blocks) => {
      const plain = stores.open();
      const hinted = stores.open();
      try {
        const plainTree = openStateTree(plain);
        const hintedTree = openStateTree(hinted);
        let model: Model = new Map();
        for (let h = 0; h < blocks.length; h++) {
          const before = model;
          // What the executor says: the key held a value at the parent version.
          const changes = blocks[h]!.map((c) => ({ ...c, existed: before.has(toHex(c.key)) }));
          model = applyToModel(model, changes);
          const root = await plainTree.applyBlock(h, blocks[h]!);
          assert.deepEqual(await hintedTree.applyBlock(h, changes), root, `root at height ${h}`);
        }
        checkHeight(hintedTree, blocks.length - 1, model);
        for (const name of Object.values(stateTableNames))
          assert.deepEqual(tableEntries(hinted, name), tableEntries(plain, name), name);
      } finally {
        await plain.close();
        await hinted.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('pruning keeps the retained heights readable and provable', async () => {
  await fc.assert(
    fc.asyncProperty(blocksArb, fc.nat(), async (blocks, pick) => {
      const store = stores.open();
      try {
        const tree = openStateTree(store);
        const models: Model[] = [];
        let model: Model = new Map();
        for (let h = 0; h < blocks.length; h++) {
          model = applyToModel(model, blocks[h]!);
          models.push(model);
          await tree.applyBlock(h, blocks[h]!);
        }
        const below = pick % blocks.length;
        await tree.prune(below);
        assert.equal(tree.oldestHeight, below);
        for (let h = below; h < blocks.length; h++) checkHeight(tree, h, models[h]!);
        if (below > 0)
          assert.throws(() => tree.get(keyOf(0), below - 1), { code: 'state_height_unavailable' });
        // Pruned down to the last height, the tree holds exactly the nodes of that height's tree:
        // as many as a fresh tree built from the final map in one block.
        await tree.prune(blocks.length - 1);
        checkHeight(tree, blocks.length - 1, models[blocks.length - 1]!);
        const fresh = stores.open();
        try {
          const entries = [...model].map(([hex, value]) => ({
            key: Buffer.from(hex, 'hex'),
            value,
          }));
          await openStateTree(fresh).applyBlock(0, entries);
          assert.equal(nodeCount(store), nodeCount(fresh));
          assert.equal(store.db(stateTableNames.stale).stats().entries, 0);
          assert.equal(store.db(stateTableNames.roots).stats().entries, 1);
        } finally {
          await fresh.close();
        }
      } finally {
        await store.close();
      }
    }),
    { numRuns: 20 },
  );
});

function tableEntries(store: Store, name: string): string[] {
  return [...store.db(name).range({})].map(({ key, value }) => `${toHex(key)}=${toHex(value)}`);
}

function nodeCount(store: Store): number {
  return store.db(stateTableNames.nodes).stats().entries;
}

function shuffle<T>(items: T[], seed: number): void {
  let state = seed >>> 0 || 1;
  for (let i = items.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
