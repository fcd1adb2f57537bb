// SHA-256 (FIPS 180-4) in both forms and SM3 (GB/T 32905-2016) against published digests and node:crypto.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256Node } from '../../src/crypto/hash-node.ts';
import { sha256, sha256Noble } from '../../src/crypto/sha256.ts';
import { sm3 } from '../../src/crypto/sm3.ts';
import { concatBytes, toHex, utf8 } from '../../src/util/bytes.ts';

test('sha256 of "abc" and of the empty string (FIPS 180-4 examples)', () => {
  for (const hash of [sha256, sha256Noble, sha256Node]) {
    assert.equal(
      toHex(hash(utf8('abc'))),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(toHex(hash()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  }
});

test('sha256 (node:crypto under Node), sha256Noble and sha256Node agree on the concatenation of their parts', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 150 }), { maxLength: 4 }), (parts) => {
      const whole = sha256(concatBytes(...parts));
      assert.deepEqual(sha256(...parts), whole);
      assert.deepEqual(sha256Node(...parts), whole);
      assert.deepEqual(sha256Noble(...parts), whole);
      assert.equal(
        toHex(whole),
        createHash('sha256')
          .update(concatBytes(...parts))
          .digest('hex'),
      );
      assert.equal(Object.getPrototypeOf(sha256(...parts)), Uint8Array.prototype);
      assert.equal(Object.getPrototypeOf(sha256Node(...parts)), Uint8Array.prototype);
    }),
  );
});

test('sha256 of parts longer than its join buffer, then of short parts again', () => {
  // sha256.ts lays multi-part inputs end to end in one buffer it grows on demand (1 KiB at first,
  // 128 KiB at most; a longer input is copied whole).
  const sizes = [
    [40, 33],
    [700, 600],
    [5000, 1, 3000],
    [1, 64],
    [100_000, 40_000],
    [90_000, 30_000],
    [2, 0, 1],
  ];
  for (const lengths of sizes) {
    const parts = lengths.map((n, i) =>
      Uint8Array.from({ length: n }, (_, j) => (j * 7 + i) & 0xff),
    );
    const expected = createHash('sha256')
      .update(concatBytes(...parts))
      .digest('hex');
    assert.equal(toHex(sha256(...parts)), expected, `parts of ${lengths.join(', ')} bytes`);
  }
});

test('sm3 of the standard examples (GB/T 32905-2016 appendix A)', () => {
  assert.equal(
    toHex(sm3(utf8('abc'))),
    '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
  );
  assert.equal(
    toHex(sm3(utf8('abcd'.repeat(16)))),
    'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
  );
});

test('sm3 agrees with node:crypto across padding boundaries', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (bytes, cut) => {
      const expected = createHash('sm3').update(bytes).digest('hex');
      const at = Math.min(cut, bytes.length);
      assert.equal(toHex(sm3(bytes.subarray(0, at), bytes.subarray(at))), expected);
    }),
  );
});
