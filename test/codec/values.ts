// Random values Tally can encode, for the codec's property tests.
import fc from 'fast-check';
import type { CborValue } from '../../src/codec/index.ts';

export const uint64Max = (1n << 64n) - 1n;

/** Any encodable value: integers over the whole 64-bit range, text, bytes, nested arrays and maps. */
export function cborValues(options: { textMax?: number; bytesMax?: number } = {}) {
  const { textMax, bytesMax = 40 } = options;
  return fc.letrec<{ value: CborValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer(),
      fc.maxSafeInteger(),
      fc.bigInt({ min: -(1n << 64n), max: uint64Max }),
      fc.string({ unit: 'grapheme', ...(textMax === undefined ? {} : { maxLength: textMax }) }),
      fc.uint8Array({ maxLength: bytesMax }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
    ),
  })).value;
}
