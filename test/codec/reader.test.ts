// The one-pass canonical reader against an independent oracle: cborg's strict decoder followed by
// encoding the value again and comparing bytes (what decode did before the reader). For every input
// both must accept or both refuse, and accepted inputs must give the same value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode as cborgDecode, encode as cborgEncode } from 'cborg';
import fc from 'fast-check';
import {
  type CborValue,
  CodecError,
  canEncode,
  decode,
  decodeTrusted,
  encode,
} from '../../src/codec/index.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { cborValues } from './values.ts';

const strictOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  rejectDuplicateMapKeys: true,
  useMaps: false,
  tags: [],
} as const;

/** What the old decode accepted: cborg's strict reading whose value encodes back to the input. */
function oracle(bytes: Uint8Array): { ok: true; value: CborValue } | { ok: false } {
  let value: unknown;
  try {
    value = cborgDecode(bytes, strictOptions);
  } catch {
    return { ok: false };
  }
  if (!canEncode(value)) return { ok: false };
  return toHex(encode(value as CborValue)) === toHex(bytes)
    ? { ok: true, value: value as CborValue }
    : { ok: false };
}

function agrees(bytes: Uint8Array): void {
  const expected = oracle(bytes);
  let actual: CborValue;
  try {
    actual = decode(bytes);
  } catch (error) {
    assert.ok(error instanceof CodecError, String(error));
    assert.equal(expected.ok, false, `refused ${toHex(bytes)}: ${String(error)}`);
    return;
  }
  assert.ok(expected.ok, `accepted ${toHex(bytes)}, which is not canonical`);
  assert.deepEqual(actual, expected.value);
}

const value = cborValues({ textMax: 40, bytesMax: 80 });

/** A byte edit: replace, insert or delete at a position taken modulo the length. */
const edit = fc.tuple(fc.constantFrom('set', 'insert', 'delete'), fc.nat(), fc.nat({ max: 255 }));

function applyEdits(bytes: Uint8Array, edits: readonly [string, number, number][]): Uint8Array {
  let out = [...bytes];
  for (const [kind, at, byte] of edits) {
    const i = at % (out.length + 1);
    if (kind === 'set' && out.length > 0) out[i % out.length] = byte;
    else if (kind === 'insert') out.splice(i, 0, byte);
    else if (out.length > 1) out.splice(i % out.length, 1);
  }
  out = out.length === 0 ? [0] : out;
  return Uint8Array.from(out);
}

describe('canonical reader', () => {
  it('accepts and refuses exactly what decoding with cborg and encoding again does (random bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 24 }), (bytes) => agrees(bytes)),
      { numRuns: 30000 },
    );
  });

  it('agrees with the oracle on canonical encodings with up to three byte edits', () => {
    fc.assert(
      fc.property(value, fc.array(edit, { minLength: 0, maxLength: 3 }), (v, edits) =>
        agrees(applyEdits(encode(v), edits)),
      ),
      { numRuns: 5000 },
    );
  });

  it('refuses maps whose keys are in any order but the canonical one', () => {
    const reversed = (a: unknown[], b: unknown[]) => -1 * compareKeys(a, b);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.nat(), { minKeys: 2, maxKeys: 6 }),
        (map) => {
          const bytes = cborgEncode(map, { mapSorter: reversed });
          agrees(bytes);
          assert.throws(
            () => decode(bytes),
            (e: unknown) => e instanceof CodecError && e.code === 'non_canonical',
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps UTF-8 byte order marks, refuses surrogates and overlong forms', () => {
    assert.equal(decode(fromHex('63efbbbf')), '\ufeff');
    assert.equal(decode(fromHex('64efbbbf61')), '\ufeffa');
    for (const hex of ['63eda080', '62c0af', '64f4900000']) {
      assert.throws(() => decode(fromHex(hex)), /invalid UTF-8/);
      agrees(fromHex(hex));
    }
  });

  it('holds a __proto__ map key as data rather than setting the prototype', () => {
    const bytes = fromHex('a1695f5f70726f746f5f5fa0'); // {"__proto__": {}}
    const value = decode(bytes) as Record<string, CborValue>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal(toHex(encode(value)), toHex(bytes));
    agrees(bytes);
  });

  it('gives integers as numbers while they are safe and as bigints beyond, both signs', () => {
    assert.equal(decode(fromHex('1b001fffffffffffff')), Number.MAX_SAFE_INTEGER);
    assert.equal(decode(fromHex('1b0020000000000000')), 2n ** 53n);
    assert.equal(decode(fromHex('3b001ffffffffffffe')), -Number.MAX_SAFE_INTEGER);
    assert.equal(decode(fromHex('3b001fffffffffffff')), -(2n ** 53n));
    assert.equal(decode(fromHex('3bffffffffffffffff')), -(2n ** 64n));
    for (const hex of [
      '1b001fffffffffffff',
      '1b0020000000000000',
      '3b001fffffffffffff',
      '3bffffffffffffffff',
    ])
      agrees(fromHex(hex));
  });

  it('returns copies by default and views of the input when asked', () => {
    const bytes = encode([new Uint8Array(100).fill(7), 'x']);
    const copied = decode(bytes) as [Uint8Array, string];
    const trusted = decodeTrusted(bytes) as [Uint8Array, string];
    const viewed = decode(bytes, { views: true }) as [Uint8Array, string];
    assert.deepEqual(copied, trusted);
    assert.equal(viewed[0].buffer, bytes.buffer);
    assert.equal(viewed[0].byteOffset, bytes.byteOffset + 3); // after 0x82 and 0x58 0x64
    bytes.fill(0);
    assert.deepEqual([copied[0][0], trusted[0][99], viewed[0][0]], [7, 7, 0]);
  });

  it('copies byte strings out of short inputs (copied by index) as out of long ones', () => {
    for (const size of [10, 40, 62, 100]) {
      const inner = Uint8Array.from({ length: size }, (_, i) => i + 1);
      // At an offset inside a larger array too, where a copy from the wrong place would show.
      const framed = new Uint8Array(encode(['tag', inner]).length + 5);
      framed.set(encode(['tag', inner]), 5);
      for (const bytes of [encode(['tag', inner]), framed.subarray(5)]) {
        const [tag, out] = decode(bytes) as [string, Uint8Array];
        assert.equal(tag, 'tag');
        assert.deepEqual(out, inner);
        assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
        bytes.fill(0);
        assert.equal(out[size - 1], size, `a ${size}-byte string is a copy`);
      }
    }
  });

  it('refuses a length that runs past the input before allocating for it', () => {
    for (const hex of ['9b00000001000000000102', 'bb0000000100000000', '5a7fffffff00']) {
      assert.throws(
        () => decode(fromHex(hex)),
        (e: unknown) => e instanceof CodecError && e.code === 'malformed',
      );
    }
  });
});

/** cborg's default key order (length, then bytes) on its key tokens, for reversing. */
function compareKeys(a: unknown[], b: unknown[]): number {
  const ka = a[0] as { value: string };
  const kb = b[0] as { value: string };
  const ea = new TextEncoder().encode(ka.value);
  const eb = new TextEncoder().encode(kb.value);
  if (ea.length !== eb.length) return ea.length - eb.length;
  for (let i = 0; i < ea.length; i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return 0;
}

describe('canonical reader on a Buffer', () => {
  it('copies byte strings out of a Buffer too (Buffer.slice would give a view)', () => {
    const bytes = Buffer.from(encode([new Uint8Array(100).fill(9)]));
    const [copied] = decode(bytes) as [Uint8Array];
    assert.equal(Object.getPrototypeOf(copied), Uint8Array.prototype);
    bytes.fill(0);
    assert.equal(copied[99], 9);
  });
});
