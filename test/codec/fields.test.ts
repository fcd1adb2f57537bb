// Typed field readers: wrong types, ranges, missing and unknown fields are refused with the field name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CodecError,
  readBytes,
  readEnum,
  readRecord,
  readString,
  readTuple,
  readUint,
  readUint64,
} from '../../src/codec/index.ts';

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(
    fn,
    (e: unknown) => e instanceof CodecError && e.code === code && e.message === message,
  );
}

describe('field readers', () => {
  it('reads well-typed fields', () => {
    assert.equal(readUint(5, 'n'), 5);
    assert.equal(readUint64(5, 'n'), 5n);
    assert.equal(readUint64(2n ** 64n - 1n, 'n'), 2n ** 64n - 1n);
    assert.deepEqual(readBytes(new Uint8Array(2), 'b', 2), new Uint8Array(2));
    assert.equal(readEnum('HKD', 'c', ['HKD', 'PHP']), 'HKD');
    assert.deepEqual(readRecord({ a: 1, b: 2 }, 'r', ['a'], ['b']), { a: 1, b: 2 });
  });

  it('error: wrong types name the field', () => {
    fails(() => readUint(-1, 'tx.height'), 'wrong_type', 'tx.height: expected an unsigned integer');
    fails(
      () => readUint('1', 'tx.height'),
      'wrong_type',
      'tx.height: expected an unsigned integer',
    );
    fails(
      () => readUint64(-1n, 'amount'),
      'wrong_type',
      'amount: expected an unsigned 64-bit integer',
    );
    fails(() => readBytes('ab', 'hash'), 'wrong_type', 'hash: expected a byte string');
    fails(() => readString(1, 'name', 10), 'wrong_type', 'name: expected a text string');
    fails(() => readTuple([1], 'vote', 2), 'wrong_type', 'vote: expected 2 items, got 1');
    fails(
      () => readEnum('EUR', 'currency', ['HKD', 'PHP']),
      'wrong_type',
      'currency: expected one of HKD, PHP',
    );
  });

  it('error: out-of-range values name the field', () => {
    fails(() => readUint(11, 'round', 10), 'out_of_range', 'round: greater than 10');
    fails(
      () => readBytes(new Uint8Array(31), 'hash', 32),
      'out_of_range',
      'hash: expected 32 bytes, got 31',
    );
    fails(() => readString('abcdef', 'name', 3), 'out_of_range', 'name: longer than 3 characters');
  });

  it('error: missing and unknown fields are named', () => {
    fails(() => readRecord({ b: 1 }, 'quote', ['a']), 'missing_field', 'quote.a: is required');
    fails(
      () => readRecord({ a: 1, z: 2 }, 'quote', ['a']),
      'unknown_field',
      'quote.z: is not a known field',
    );
  });
});
