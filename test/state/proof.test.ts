// State proofs: canonical bytes round-trip, malformed bytes are refused with the field named,
// tampered proofs never verify, and the verifier's imports stay browser-safe.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { encode } from '../../src/codec/index.ts';
import {
  decodeStateProof,
  encodeStateProof,
  openStateTree,
  type StateProof,
  type StateTree,
  verifyStateProof,
} from '../../src/ledger/state/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { tempStores } from './helpers.ts';

const stores = tempStores('tally-state-proof-');
let store: Store;
let tree: StateTree;
let root: Uint8Array;
const keyCount = 600;
const keyAt = (i: number) => utf8(`account/${i}`);
const valueAt = (i: number) => utf8(`balance ${i}`);

before(async () => {
  store = stores.open();
  tree = openStateTree(store);
  root = await tree.applyBlock(
    0,
    Array.from({ length: keyCount }, (_, i) => ({ key: keyAt(i), value: valueAt(i) })),
  );
});
after(async () => {
  await store.close();
  stores.remove();
});

/** Keys 0..keyCount-1 are present; higher ones are absent. */
const keyIndexArb = fc.nat(2 * keyCount);
const expectedValue = (i: number) => (i < keyCount ? valueAt(i) : null);

test('proofs round-trip through canonical bytes and still verify', () => {
  fc.assert(
    fc.property(keyIndexArb, (i) => {
      const proof = tree.prove(keyAt(i));
      const bytes = encodeStateProof(proof);
      const decoded = decodeStateProof(bytes);
      assert.deepEqual(decoded, proof);
      assert.deepEqual(encodeStateProof(decoded), bytes);
      assert.ok(verifyStateProof(root, keyAt(i), expectedValue(i), decoded));
    }),
    { numRuns: 200 },
  );
});

test('absence proofs cover both endings: an empty slot and another key’s leaf', () => {
  let emptySlot = 0;
  let otherLeaf = 0;
  for (let i = keyCount; i < 2 * keyCount; i++) {
    const proof = tree.prove(keyAt(i));
    if (proof.leaf === null) emptySlot++;
    else otherLeaf++;
    assert.ok(verifyStateProof(root, keyAt(i), null, proof));
    assert.ok(!verifyStateProof(root, keyAt(i), utf8('anything'), proof));
  }
  assert.ok(
    emptySlot > 0 && otherLeaf > 0,
    `${emptySlot} empty-slot and ${otherLeaf} other-leaf proofs`,
  );
});

test('a tampered proof never verifies', () => {
  fc.assert(
    fc.property(keyIndexArb, fc.nat(), fc.nat(), (i, where, bit) => {
      const proof = tree.prove(keyAt(i));
      for (const tampered of tamperings(proof, where, bit)) {
        assert.ok(!verifyStateProof(root, keyAt(i), expectedValue(i), tampered));
      }
    }),
    { numRuns: 200 },
  );
});

test('a proof of a present key does not prove it absent, nor an absent key present', () => {
  const present = tree.prove(keyAt(1));
  assert.ok(!verifyStateProof(root, keyAt(1), null, present));
  const absent = tree.prove(keyAt(keyCount + 1));
  assert.ok(!verifyStateProof(root, keyAt(keyCount + 1), valueAt(1), absent));
  assert.ok(!verifyStateProof(root, keyAt(2), valueAt(1), present), 'not for another key');
});

/** Each way of changing one thing in a proof: a bit of a hash, the bitmap, the levels, the leaf. */
function tamperings(proof: StateProof, where: number, bit: number): StateProof[] {
  const out: StateProof[] = [];
  const levels = proof.levels;
  if (levels.length > 0) {
    const at = where % levels.length;
    const level = levels[at]!;
    const withLevel = (replacement: StateProof['levels'][number] | undefined) => ({
      ...proof,
      levels:
        replacement === undefined
          ? levels.filter((_, j) => j !== at)
          : levels.map((l, j) => (j === at ? replacement : l)),
    });
    if (level.siblings.length > 0) {
      const s = where % level.siblings.length;
      const flipped = level.siblings[s]!.slice();
      flipped[bit % 32]! ^= 1 << (bit % 8);
      out.push(
        withLevel({ ...level, siblings: level.siblings.map((h, j) => (j === s ? flipped : h)) }),
      );
      out.push(withLevel({ ...level, siblings: level.siblings.slice(1) }));
    }
    out.push(withLevel({ ...level, bitmap: level.bitmap ^ (1 << (bit % 16)) }));
    out.push(withLevel(undefined));
  }
  out.push({ ...proof, levels: [...levels, { bitmap: 3, siblings: [new Uint8Array(32)] }] });
  if (proof.leaf !== null) {
    const valueHash = proof.leaf.valueHash.slice();
    valueHash[bit % 32]! ^= 1;
    out.push({ ...proof, leaf: { ...proof.leaf, valueHash } });
    out.push({ ...proof, leaf: null });
  } else {
    out.push({ ...proof, leaf: { keyHash: new Uint8Array(32), valueHash: new Uint8Array(32) } });
  }
  return out;
}

test('error: malformed proof bytes are refused with the field named', () => {
  const hash = new Uint8Array(32);
  const cases: [unknown, RegExp][] = [
    [[[], null, hash, 1], /proof: expected 2 items/],
    [[[], null, 1], /proof\.recordPath: expected a byte string/],
    [[[], null, new Uint8Array(31)], /proof\.recordPath: expected 32 bytes/],
    [[[], [hash, hash], hash], /proof\.leaf: a record proof proves presence only/],
    [[[[3, [hash, hash, hash]]], null], /proof\.levels\[0\]\.siblings: 3 hashes for 2 children/],
    [[[[0x10000, []]], null], /proof\.levels\[0\]\.bitmap: greater than 65535/],
    [[[[3, [new Uint8Array(31)]]], null], /proof\.levels\[0\]\.siblings\[0\]: expected 32 bytes/],
    [[[], [hash]], /proof\.leaf: expected 2 items/],
    [[Array.from({ length: 65 }, () => [1, []]), null], /proof\.levels: more than 64 items/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => decodeStateProof(encode(value as Parameters<typeof encode>[0])), message);
  }
  assert.throws(() => decodeStateProof(Uint8Array.of(0x82, 0x80)), /proof/);
});

test('error: verify refuses a root that is not 32 bytes', () => {
  assert.throws(
    () => verifyStateProof(new Uint8Array(31), utf8('a'), null, { levels: [], leaf: null }),
    {
      message: 'root: expected 32 bytes',
    },
  );
});

test('the verifier and proof codec import nothing from node: (they run in a browser)', () => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
      assert.ok(!specifier!.startsWith('node:'), `${file} imports ${specifier}`);
      if (specifier!.startsWith('.')) visit(join(dirname(file), specifier!));
    }
  };
  const dir = new URL('../../src/ledger/state/', import.meta.url).pathname;
  visit(join(dir, 'verify.ts'));
  visit(join(dir, 'proof.ts'));
  assert.ok(seen.size >= 4, `walked ${[...seen].join(', ')}`);
});
