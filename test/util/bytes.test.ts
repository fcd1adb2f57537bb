// Hex as the node (Buffer) and the browser (no Buffer) write it: the same flat lower-case string.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bytesFromLatin1,
  compareBytes,
  fromHex,
  latin1FromBytes,
  taggedKey,
  toHex,
  toHexPortable,
  utf8,
} from '../../src/util/bytes.ts';

describe('hex', () => {
  it('writes known bytes, including a view into a larger buffer', () => {
    assert.equal(toHex(new Uint8Array([0, 1, 0x7f, 0x80, 0xfe, 0xff])), '00017f80feff');
    assert.equal(toHexPortable(new Uint8Array([0, 1, 0x7f, 0x80, 0xfe, 0xff])), '00017f80feff');
    const backing = new Uint8Array([0xaa, 0x12, 0x34, 0xbb]);
    assert.equal(toHex(backing.subarray(1, 3)), '1234');
    assert.equal(toHexPortable(backing.subarray(1, 3)), '1234');
    assert.equal(toHex(new Uint8Array(0)), '');
    // A Buffer cut from Node's shared pool sits at an offset in a larger ArrayBuffer.
    const pooled = Buffer.from([0xaa, 0x12, 0x34, 0xbb]);
    assert.equal(toHex(pooled.subarray(1, 3)), '1234');
    assert.equal(latin1FromBytes(pooled.subarray(1, 3)), '\x12\x34');
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

  it('reads bytes back as one character per byte, views included, in byte order', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.nat(8),
        (a, b, offset) => {
          const backing = new Uint8Array(offset + a.length);
          backing.set(a, offset);
          const text = latin1FromBytes(backing.subarray(offset));
          assert.equal(text, String.fromCharCode(...a));
          assert.equal(toHex(bytesFromLatin1(text)), toHex(a));
          // State ids sort by these strings: their order must be the bytes' order.
          const other = latin1FromBytes(b);
          assert.equal(
            Math.sign(text < other ? -1 : text > other ? 1 : 0),
            Math.sign(compareBytes(a, b)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('taggedKey', () => {
  it('is the tag byte followed by the parts, with no parts too', () => {
    assert.deepEqual(taggedKey('o'), Uint8Array.of(0x6f));
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }), (parts) => {
        const key = taggedKey('k', ...parts);
        assert.equal(toHex(key), `6b${parts.map(toHex).join('')}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('utf8', () => {
  const reference = new TextEncoder();

  it('writes what TextEncoder writes, short or long, ASCII or not, lone surrogates included', () => {
    const samples = [
      '',
      'HKD',
      'settlement-bank',
      'a'.repeat(64),
      'a'.repeat(65),
      'é',
      'a'.repeat(63) + '€',
    ];
    for (const text of [...samples, '\ud800', 'x\udc00y', '😀'])
      assert.deepEqual(utf8(text), reference.encode(text), JSON.stringify(text));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        assert.deepEqual(utf8(text), reference.encode(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a plain Uint8Array on both paths', () => {
    assert.equal(Object.getPrototypeOf(utf8('abc')), Uint8Array.prototype);
    assert.equal(Object.getPrototypeOf(utf8('ä'.repeat(80))), Uint8Array.prototype);
  });
});
