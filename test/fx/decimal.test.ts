// Exact decimals: parsing and formatting of rates and amounts, their edge cases and pinned errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CodecError } from '../../src/codec/index.ts';
import {
  decimalFromRatio,
  divideDecimals,
  formatDecimal,
  formatMinor,
  parseDecimal,
  parseMajor,
} from '../../src/modules/fx/decimal.ts';
import { rateLimits } from '../../src/modules/fx/quote.ts';

const limits = rateLimits; // 11 digits in all, 10 after the point (ISO 20022 BaseOneRate)

function refusal(text: string, opts = limits): string {
  try {
    parseDecimal(text, 'rate', opts);
  } catch (error) {
    assert.ok(error instanceof CodecError);
    assert.equal(error.field, 'rate');
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
}

describe('parseDecimal', () => {
  it('parses integers, fractions and the scale as written', () => {
    assert.deepEqual(parseDecimal('7', 'rate', limits), { units: 7n, scale: 0 });
    assert.deepEqual(parseDecimal('7.6885921295', 'rate', limits), {
      units: 76885921295n,
      scale: 10,
    });
    assert.deepEqual(parseDecimal('0.0000000001', 'rate', limits), { units: 1n, scale: 10 });
    assert.deepEqual(parseDecimal('1.50', 'rate', limits), { units: 150n, scale: 2 });
    assert.deepEqual(parseDecimal('12345678901', 'rate', limits), {
      units: 12345678901n,
      scale: 0,
    });
  });

  it('counts a lone zero before the point as no digit, as XSD totalDigits does', () => {
    assert.deepEqual(parseDecimal('0.1234567891', 'rate', limits), {
      units: 1234567891n,
      scale: 10,
    });
    assert.deepEqual(parseDecimal('9.1234567891', 'rate', limits), {
      units: 91234567891n,
      scale: 10,
    });
  });

  it('error: a sign, an exponent, a bare point, leading zeros, junk', () => {
    assert.equal(refusal('-1.5'), 'rate: a sign is not allowed');
    assert.equal(refusal('+1.5'), 'rate: a sign is not allowed');
    assert.equal(refusal('1e5'), 'rate: an exponent is not allowed');
    assert.equal(refusal('1.5E-3'), 'rate: an exponent is not allowed');
    assert.equal(refusal('.5'), 'rate: expected a digit on each side of the point');
    assert.equal(refusal('5.'), 'rate: expected a digit on each side of the point');
    assert.equal(refusal('007.5'), 'rate: leading zeros are not allowed');
    assert.equal(refusal('1,5'), 'rate: expected digits with an optional decimal point');
    assert.equal(refusal(' 1.5'), 'rate: expected digits with an optional decimal point');
    assert.equal(refusal('1.2.3'), 'rate: expected digits with an optional decimal point');
    assert.equal(refusal('NaN'), 'rate: expected digits with an optional decimal point');
    assert.equal(refusal(''), 'rate: is empty');
  });

  it('error: too many digits after the point or in all, or too long', () => {
    assert.equal(refusal('0.12345678901'), 'rate: more than 10 digits after the point');
    assert.equal(refusal('12.1234567891'), 'rate: more than 11 digits');
    assert.equal(refusal('123456789012'), 'rate: more than 11 digits');
    assert.equal(refusal('1'.repeat(40)), 'rate: longer than 13 characters');
  });

  it('error: zero rate, however written', () => {
    assert.equal(refusal('0'), 'rate: must not be zero');
    assert.equal(refusal('0.0000000000'), 'rate: must not be zero');
  });

  it('error: not a string', () => {
    assert.throws(
      () => parseDecimal(7 as unknown as string, 'rate', limits),
      (e: unknown) => e instanceof CodecError && e.code === 'wrong_type',
    );
  });

  it('formats back to exactly the text it parsed', () => {
    const text = fc
      .tuple(fc.bigInt({ min: 1n, max: 99_999_999_999n }), fc.integer({ min: 0, max: 10 }))
      .map(([units, scale]) => formatDecimal({ units, scale }))
      .filter((t) => t.replace('.', '').replace(/^0+/, '').length <= 11);
    fc.assert(
      fc.property(text, (t) => {
        assert.equal(formatDecimal(parseDecimal(t, 'rate', limits)), t);
      }),
      { numRuns: 200 },
    );
  });
});

describe('formatDecimal and formatMinor', () => {
  it('pads with zeros before and after the point', () => {
    assert.equal(formatDecimal({ units: 5n, scale: 3 }), '0.005');
    assert.equal(formatDecimal({ units: 76885921295n, scale: 10 }), '7.6885921295');
    assert.equal(formatDecimal({ units: 1500n, scale: 3 }), '1.500');
    assert.equal(formatDecimal({ units: 42n, scale: 0 }), '42');
    assert.equal(formatDecimal({ units: 0n, scale: 2 }), '0.00');
  });

  it('formats minor units as major-unit text, signed for balances', () => {
    assert.equal(formatMinor(1234n, 2), '12.34');
    assert.equal(formatMinor(5n, 2), '0.05');
    assert.equal(formatMinor(0n, 2), '0.00');
    assert.equal(formatMinor(7n, 0), '7');
    assert.equal(formatMinor(-1234n, 2), '-12.34');
    assert.equal(formatMinor(-5n, 3), '-0.005');
    assert.equal(formatMinor((1n << 64n) - 1n, 2), '184467440737095516.15');
  });

  it('error: decimals outside 0 to 18', () => {
    assert.throws(() => formatMinor(1n, 19), /decimals: expected an integer from 0 to 18/);
    assert.throws(() => formatMinor(1n, -1), /decimals: expected an integer from 0 to 18/);
  });
});

describe('parseMajor', () => {
  it('reads major units into minor units', () => {
    assert.equal(parseMajor('12.34', 2, 'amount'), 1234n);
    assert.equal(parseMajor('12.3', 2, 'amount'), 1230n);
    assert.equal(parseMajor('12', 2, 'amount'), 1200n);
    assert.equal(parseMajor('0.01', 2, 'amount'), 1n);
    assert.equal(parseMajor('0', 2, 'amount'), 0n);
    assert.equal(parseMajor('500', 0, 'amount'), 500n);
    assert.equal(parseMajor('184467440737095516.15', 2, 'amount'), (1n << 64n) - 1n);
  });

  it('round-trips formatMinor for any unsigned 64-bit amount', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 6 }),
        (amount, decimals) => {
          assert.equal(parseMajor(formatMinor(amount, decimals), decimals, 'amount'), amount);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('error: more digits than the currency has, a sign, an exponent, past 64 bits', () => {
    const message = (text: string, decimals: number): string => {
      try {
        parseMajor(text, decimals, 'amount');
      } catch (error) {
        assert.ok(error instanceof CodecError);
        return error.message;
      }
      assert.fail(`accepted ${text}`);
    };
    assert.equal(message('12.345', 2), 'amount: more than 2 digits after the point');
    assert.equal(message('12.0', 0), 'amount: more than 0 digits after the point');
    assert.equal(message('-1.00', 2), 'amount: a sign is not allowed');
    assert.equal(message('1e3', 2), 'amount: an exponent is not allowed');
    assert.equal(message('01.00', 2), 'amount: leading zeros are not allowed');
    assert.equal(
      message('184467440737095516.16', 2),
      'amount: exceeds the unsigned 64-bit range in minor units',
    );
  });
});

describe('exact division', () => {
  it('rounds a rational down to the scale', () => {
    assert.deepEqual(decimalFromRatio(2n, 3n, 4), { units: 6666n, scale: 4 });
    assert.deepEqual(decimalFromRatio(1n, 1n, 2), { units: 100n, scale: 2 });
    // 70.356 / 9.1507 = 7.68859212956... (bc), rounded down at 10 digits
    assert.deepEqual(divideDecimals({ units: 70356n, scale: 3 }, { units: 91507n, scale: 4 }, 10), {
      units: 76885921295n,
      scale: 10,
    });
  });
});
