// Integer keys sort numerically as bytes; prefix ends bound prefix scans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeUintKey,
  encodePrefixedUintKey,
  encodeUintKey,
  prefixEnd,
  writeUint64,
} from '../../src/storage/index.ts';
import { compareBytes } from '../../src/util/bytes.ts';

test('integer keys round-trip and sort in numeric order', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
      assert.equal(decodeUintKey(encodeUintKey(a)), a);
      assert.equal(Math.sign(compareBytes(encodeUintKey(a), encodeUintKey(b))), Math.sign(a - b));
    }),
  );
});

test('writeUint64 gives the big-endian bytes DataView gives, at any offset', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), fc.nat({ max: 8 }), (value, at) => {
      const expected = new Uint8Array(16);
      new DataView(expected.buffer).setBigUint64(at, BigInt(value));
      const out = new Uint8Array(16);
      writeUint64(out, at, value);
      assert.deepEqual(out, expected);
    }),
  );
});

test('prefixed integer keys place the integer after the prefix', () => {
  const key = encodePrefixedUintKey(Uint8Array.of(7, 7), 258);
  assert.deepEqual(key, Uint8Array.of(7, 7, 0, 0, 0, 0, 0, 0, 1, 2));
  assert.equal(decodeUintKey(key, 2), 258);
});

test('prefix end is the first key past the prefix', () => {
  assert.deepEqual(prefixEnd(Uint8Array.of(1, 2)), Uint8Array.of(1, 3));
  assert.deepEqual(prefixEnd(Uint8Array.of(1, 0xff)), Uint8Array.of(2));
  assert.equal(prefixEnd(Uint8Array.of(0xff, 0xff)), undefined);
});

test('error: negative or unsafe integers are refused with the field name', () => {
  assert.throws(() => encodeUintKey(-1, 'height'), /height: expected a non-negative safe integer/);
  assert.throws(() => encodeUintKey(2 ** 53, 'height'), /height/);
  assert.throws(() => decodeUintKey(Uint8Array.of(1), 0, 'height'), /height: expected 8 bytes/);
  assert.throws(
    () => encodePrefixedUintKey(Uint8Array.of(1), -1, 'seq'),
    /seq: expected a non-negative/,
  );
});
