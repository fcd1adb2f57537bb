// Canonical CBOR (RFC 8949 section 4.2): round trips, and every kind of non-canonical input refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode as cborgEncode, rfc8949EncodeOptions } from 'cborg';
import fc from 'fast-check';
import {
  type CborValue,
  CodecError,
  cborDepthMax,
  decode,
  decodeTrusted,
  encode,
} from '../../src/codec/index.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { cborValues } from './values.ts';

/** CBOR cannot tell a JS number from a bigint; compare values with every integer as bigint. */
function normalise(value: CborValue): unknown {
  if (typeof value === 'number') return BigInt(value);
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, normalise(v as CborValue)]),
    );
  }
  return value;
}

const cborValue = cborValues();

function codecError(hex: string): CodecError {
  try {
    decode(fromHex(hex));
  } catch (error) {
    assert.ok(error instanceof CodecError, `expected CodecError, got ${String(error)}`);
    return error;
  }
  assert.fail(`decoding ${hex} should have failed`);
}

describe('canonical CBOR', () => {
  it('decode(encode(x)) equals x for any encodable value', () => {
    fc.assert(
      fc.property(cborValue, (value) => {
        assert.deepEqual(normalise(decode(encode(value))), normalise(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeTrusted gives what decode gives for canonical bytes, and still refuses malformed ones', () => {
    fc.assert(
      fc.property(cborValue, (value) => {
        const bytes = encode(value);
        assert.deepEqual(normalise(decodeTrusted(bytes)), normalise(decode(bytes)));
      }),
      { numRuns: 500 },
    );
    assert.throws(() => decodeTrusted(fromHex('82'), 'bank state'), /bank state: /);
  });

  it('every accepted byte string re-encodes to itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 24 }), (bytes) => {
        let value: CborValue;
        try {
          value = decode(bytes);
        } catch (error) {
          assert.ok(error instanceof CodecError);
          return;
        }
        assert.equal(toHex(encode(value)), toHex(bytes));
      }),
      { numRuns: 20000 },
    );
  });

  it('mutated encodings either decode to a canonical value or fail with a CodecError', () => {
    fc.assert(
      fc.property(cborValue, fc.nat(), fc.integer({ min: 0, max: 255 }), (value, at, byte) => {
        const bytes = encode(value).slice();
        bytes[at % bytes.length] = byte;
        try {
          assert.equal(toHex(encode(decode(bytes))), toHex(bytes));
        } catch (error) {
          assert.ok(error instanceof CodecError, String(error));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('orders map keys exactly as RFC 8949 bytewise order of encoded keys, non-ASCII keys included', () => {
    const keys = fc.string({
      unit: fc.constantFrom('a', 'b', 'é', '€', '𝄞', 'Z', '0'),
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.dictionary(keys, fc.integer(), { maxKeys: 12 }), (map) => {
        assert.equal(toHex(encode(map)), toHex(cborgEncode(map, rfc8949EncodeOptions)));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts map keys by their encoded bytes (shorter keys first)', () => {
    assert.equal(toHex(encode({ bb: 1, a: 2, c: 3 })), 'a3616102616303626262' + '01');
  });

  it('encodes integers and lengths in their shortest form', () => {
    assert.equal(toHex(encode(23)), '17');
    assert.equal(toHex(encode(24)), '1818');
    assert.equal(toHex(encode(256)), '190100');
    assert.equal(toHex(encode(2n ** 32n)), '1b0000000100000000');
    assert.equal(toHex(encode(-1)), '20');
    assert.equal(toHex(encode(new Uint8Array(24))), '5818' + '00'.repeat(24));
  });

  const refusals: Array<[string, string, string]> = [
    ['a2616201616101', 'non_canonical', 'map keys out of order'],
    ['a2616101616102', 'non_canonical', 'duplicate map key'],
    ['1817', 'non_canonical', 'shortest form'],
    ['1b00000000ffffffff', 'non_canonical', 'shortest form'],
    ['5801ff', 'non_canonical', 'shortest form'],
    ['f93c00', 'unsupported', 'floating-point'],
    ['fb3ff0000000000000', 'unsupported', 'floating-point'],
    ['9f01ff', 'unsupported', 'indefinite'],
    ['5f41014102ff', 'unsupported', 'indefinite'],
    ['c11a514b67b0', 'unsupported', 'tag'],
    ['f7', 'unsupported', 'undefined'],
    ['a1016161', 'unsupported', 'non-string keys'],
    ['f6f6', 'non_canonical', 'trailing bytes'],
    ['6261ff', 'non_canonical', 'invalid UTF-8'],
    ['82', 'malformed', ''],
    ['', 'malformed', 'empty input'],
  ];
  for (const [hex, code, text] of refusals) {
    it(`error: ${hex || '(empty)'} is refused as ${code}`, () => {
      const error = codecError(hex);
      assert.equal(error.code, code);
      assert.match(error.message, new RegExp(text));
    });
  }

  it('error: input over the size limit names the field', () => {
    assert.throws(
      () => decode(encode('x'.repeat(100)), { bytesMax: 50, field: 'tx' }),
      (e: unknown) =>
        e instanceof CodecError &&
        e.code === 'too_large' &&
        e.message === 'tx: 102 bytes exceeds the limit of 50',
    );
  });

  it('error: nesting deeper than the limit is refused without exhausting the stack', () => {
    const deep = new Uint8Array(100_000).fill(0x81);
    assert.throws(
      () => decode(deep),
      (e: unknown) => e instanceof CodecError && e.code === 'out_of_range',
    );
  });

  it('error: encoding a float, undefined or a class instance names the path', () => {
    assert.throws(() => encode({ a: [1, 1.5] }), /value\.a\[1\]: numbers must be safe integers/);
    assert.throws(
      () => encode({ a: undefined } as unknown as CborValue),
      /value\.a: undefined is not encodable/,
    );
    assert.throws(
      () => encode(new Map() as unknown as CborValue),
      /value: cannot encode a Map object/,
    );
    assert.throws(() => encode(2n ** 64n), /value: integer outside the 64-bit CBOR range/);
  });

  it('error: encoding nesting deeper than the limit is refused, shallower nesting round-trips', () => {
    const nest = (levels: number, inner: CborValue): CborValue => {
      let value = inner;
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    assert.throws(
      () => encode(nest(cborDepthMax + 1, 1)),
      (e: unknown) => e instanceof CodecError && e.code === 'out_of_range',
    );
    assert.deepEqual(decode(encode(nest(cborDepthMax - 1, [1]))), nest(cborDepthMax - 1, [1]));
    // One level more, even empty, is refused both ways: whatever decodes also encodes.
    assert.throws(() => encode(nest(cborDepthMax, [])), /nesting deeper/);
    assert.throws(
      () => decode(fromHex(`${'81'.repeat(cborDepthMax)}80`)),
      (e: unknown) => e instanceof CodecError && e.code === 'out_of_range',
    );
    assert.deepEqual(
      decode(fromHex(`${'81'.repeat(cborDepthMax - 1)}80`)),
      nest(cborDepthMax - 1, []),
    );
  });
});
