// The canonical writer against cborg, an independent encoder: for any encodable value both must
// write the same bytes (cborg's default map order is RFC 8949's for text keys; cbor.test.ts pins it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode as cborgEncode } from 'cborg';
import fc from 'fast-check';
import { type CborValue, decode, encode } from '../../src/codec/index.ts';
import { toHex } from '../../src/util/bytes.ts';

const key = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', 'é', '€', '𝄞', '\ud800', '\udc00'), maxLength: 6 }),
);
const value: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.maxSafeInteger(),
    fc.constantFrom(
      0,
      -0,
      23,
      24,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      2 ** 32,
      -24,
      -25,
      -(2 ** 32),
    ),
    fc.bigInt({ min: -(1n << 64n), max: (1n << 64n) - 1n }),
    fc.constantFrom(0n, 23n, 24n, 2n ** 53n, 2n ** 64n - 1n, -(2n ** 64n), -(2n ** 53n) - 1n),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 30 }),
    fc.dictionary(key, tie('value'), { maxKeys: 30 }),
  ),
})).value;

describe('canonical writer', () => {
  it('writes the same bytes as cborg for any encodable value', () => {
    fc.assert(
      fc.property(value, (v) => {
        assert.equal(toHex(encode(v)), toHex(cborgEncode(v)));
      }),
      { numRuns: 10000 },
    );
  });

  it('writes values larger than its scratch buffer, and small ones after that', () => {
    const big = { a: new Uint8Array(3 * 1024 * 1024).fill(5), b: 'x'.repeat(70_000) };
    const bytes = encode(big);
    assert.equal(toHex(bytes.subarray(0, 64)), toHex(cborgEncode(big).subarray(0, 64)));
    assert.deepEqual(decode(bytes), big);
    assert.equal(toHex(encode({ c: 1 })), 'a1616301');
  });

  it('returns a fresh array each time, not a view of its scratch buffer', () => {
    const first = encode([1, 2, 3]);
    encode([4, 5, 6]);
    assert.equal(toHex(first), '83010203');
  });
});

describe('canonical writer output', () => {
  it('is a plain Uint8Array, whatever the size', () => {
    for (const v of [1, 'x'.repeat(100), new Uint8Array(5000)]) {
      assert.equal(Object.getPrototypeOf(encode(v)), Uint8Array.prototype);
    }
  });
});
