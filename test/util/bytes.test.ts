// Hex as the node (Buffer) and the browser (no Buffer) write it: the same flat lower-case string.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesFromLatin1, fromHex, toHex, toHexPortable } from '../../src/util/bytes.ts';

describe('hex', () => {
  it('writes known bytes, including a view into a larger buffer', () => {
    assert.equal(toHex(new Uint8Array([0, 1, 0x7f, 0x80, 0xfe, 0xff])), '00017f80feff');
    assert.equal(toHexPortable(new Uint8Array([0, 1, 0x7f, 0x80, 0xfe, 0xff])), '00017f80feff');
    const backing = new Uint8Array([0xaa, 0x12, 0x34, 0xbb]);
    assert.equal(toHex(backing.subarray(1, 3)), '1234');
    assert.equal(toHexPortable(backing.subarray(1, 3)), '1234');
    assert.equal(toHex(new Uint8Array(0)), '');
  });

  it('both paths agree and round-trip through fromHex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const hex = toHex(bytes);
        assert.equal(toHexPortable(bytes), hex);
        assert.deepEqual(fromHex(hex), bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('latin1', () => {
  it('gives one byte per character, as Buffer reads latin1, in a plain Uint8Array', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = Buffer.from(bytes).toString('latin1');
        const out = bytesFromLatin1(text);
        assert.equal(toHex(out), toHex(bytes));
        assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
      }),
    );
  });
});
