// FX quotes: canonical CBOR round trip, strict reading, signing bytes, conversion and the arithmetic
// every node re-checks before it trusts a quote.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type CborValue, CodecError, decode, encode } from '../../src/codec/index.ts';
import { suiteIds } from '../../src/crypto/suite.ts';
import { formatDecimal, parseDecimal, pow10 } from '../../src/modules/fx/decimal.ts';
import {
  checkQuoteArithmetic,
  convert,
  type Quote,
  quoteSigningBytes,
  quoteToCbor,
  readQuote,
  readSignedQuote,
  type SignedQuote,
  signedQuoteToCbor,
} from '../../src/modules/fx/quote.ts';
import { bytesEqual, utf8 } from '../../src/util/bytes.ts';

const uint64Max = (1n << 64n) - 1n;

/** HKD 1,000.00 at 7.6885921295 PHP per HKD = PHP 7,688.59 (768859.21295 minor units, rounded down). */
function sampleQuote(): Quote {
  return {
    id: new Uint8Array(16).fill(7),
    provider: 'settlement-bank',
    sendCurrency: 'HKD',
    receiveCurrency: 'PHP',
    rate: '7.6885921295',
    sendAmount: 100_000n,
    fee: 1_500n,
    totalDebit: 101_500n,
    receiveAmount: 768_859n,
    issuedAtMs: 1_776_000_000_000,
    expiresAtMs: 1_776_000_060_000,
  };
}

function roundTrip(value: CborValue): CborValue {
  return decode(encode(value));
}

function codecFailure(read: () => unknown): { code: string; message: string } {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof CodecError, String(error));
    return { code: error.code, message: error.message };
  }
  assert.fail('was accepted');
}

function withField(field: string, value: CborValue | undefined): CborValue {
  const map = { ...(quoteToCbor(sampleQuote()) as Record<string, CborValue>) };
  if (value === undefined) delete map[field];
  else map[field] = value;
  return map;
}

const quoteArbitrary: fc.Arbitrary<Quote> = fc
  .record({
    id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    provider: fc.string({ minLength: 1, maxLength: 64 }),
    sendCurrency: fc.constantFrom('HKD', 'USD', 'EUR'),
    receiveCurrency: fc.constantFrom('PHP', 'IDR', 'JPY'),
    rate: fc
      .tuple(fc.bigInt({ min: 1n, max: 9_999_999_999n }), fc.integer({ min: 0, max: 10 }))
      .map(([units, scale]) => formatDecimal({ units, scale })),
    sendAmount: fc.bigInt({ min: 0n, max: uint64Max }),
    fee: fc.bigInt({ min: 0n, max: uint64Max }),
    totalDebit: fc.bigInt({ min: 0n, max: uint64Max }),
    receiveAmount: fc.bigInt({ min: 0n, max: uint64Max }),
    issuedAtMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    expiresAtMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  })
  .map((q) => ({ ...q })); // fc.record builds null-prototype objects; readQuote builds plain ones

describe('quote CBOR', () => {
  it('round-trips any well-formed quote through canonical bytes', () => {
    fc.assert(
      fc.property(quoteArbitrary, (q) => {
        assert.deepEqual(readQuote(roundTrip(quoteToCbor(q)), 'quote'), q);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips a signed quote for each suite', () => {
    for (const suite of suiteIds) {
      const signed: SignedQuote = {
        quote: sampleQuote(),
        suite,
        publicKey: new Uint8Array(suite === 'ed25519' ? 32 : 33).fill(2),
        signature: new Uint8Array(64).fill(9),
      };
      assert.deepEqual(readSignedQuote(roundTrip(signedQuoteToCbor(signed)), 'quote'), signed);
    }
  });

  it('error: a missing field, an extra field, a wrong type, each named', () => {
    assert.deepEqual(
      codecFailure(() => readQuote(withField('fee', undefined), 'q')),
      {
        code: 'missing_field',
        message: 'q.fee: is required',
      },
    );
    assert.deepEqual(
      codecFailure(() => readQuote(withField('memo', 'hi'), 'q')),
      {
        code: 'unknown_field',
        message: 'q.memo: is not a known field',
      },
    );
    assert.deepEqual(
      codecFailure(() => readQuote(withField('sendAmount', '100'), 'q')),
      {
        code: 'wrong_type',
        message: 'q.sendAmount: expected an unsigned 64-bit integer',
      },
    );
    assert.deepEqual(
      codecFailure(() => readQuote(withField('fee', -1), 'q')),
      {
        code: 'wrong_type',
        message: 'q.fee: expected an unsigned 64-bit integer',
      },
    );
    assert.deepEqual(
      codecFailure(() => readQuote(withField('rate', 7), 'q')).message,
      'q.rate: expected a text string',
    );
    assert.equal(
      codecFailure(() => readQuote(withField('issuedAtMs', 1n << 60n), 'q')).code,
      'wrong_type',
    );
    assert.equal(
      codecFailure(() => readQuote(['not', 'a', 'map'], 'q')).message,
      'q: expected a map',
    );
    assert.equal(codecFailure(() => readQuote(undefined, 'q')).message, 'q: expected a map');
  });

  it('error: malformed id, provider, currency and rate', () => {
    const message = (field: string, value: CborValue): string =>
      codecFailure(() => readQuote(withField(field, value), 'q')).message;
    assert.equal(message('id', new Uint8Array(15)), 'q.id: expected 16 bytes, got 15');
    assert.equal(message('provider', ''), 'q.provider: must not be empty');
    assert.equal(message('provider', 'x'.repeat(65)), 'q.provider: longer than 64 characters');
    assert.equal(
      message('sendCurrency', 'hkd'),
      'q.sendCurrency: expected an ISO 4217 code (three capital letters)',
    );
    assert.equal(message('receiveCurrency', 'PHPX'), 'q.receiveCurrency: longer than 3 characters');
    assert.equal(message('rate', '7.68859212951'), 'q.rate: more than 10 digits after the point');
    assert.equal(message('rate', '1e2'), 'q.rate: an exponent is not allowed');
    assert.equal(message('rate', '-7.5'), 'q.rate: a sign is not allowed');
    assert.equal(message('rate', '0.0'), 'q.rate: must not be zero');
  });

  it('error: a signed quote with the wrong suite, key or signature size, or extra fields', () => {
    const good = signedQuoteToCbor({
      quote: sampleQuote(),
      suite: 'ed25519',
      publicKey: new Uint8Array(32),
      signature: new Uint8Array(64),
    }) as Record<string, CborValue>;
    const message = (patch: Record<string, CborValue>): string =>
      codecFailure(() => readSignedQuote({ ...good, ...patch }, 's')).message;
    assert.equal(message({ suite: 'rsa' }), 's.suite: expected one of ed25519, p256, sm2');
    assert.equal(message({ suite: 'p256' }), 's.publicKey: expected 33 bytes, got 32');
    assert.equal(
      message({ signature: new Uint8Array(65) }),
      's.signature: expected 64 bytes, got 65',
    );
    assert.equal(message({ extra: 1 }), 's.extra: is not a known field');
    assert.equal(
      message({ quote: withField('fee', 'x') }),
      's.quote.fee: expected an unsigned 64-bit integer',
    );
  });
});

describe('quoteSigningBytes', () => {
  it('is the domain tag, a NUL, then the canonical CBOR of the quote', () => {
    const q = sampleQuote();
    const bytes = quoteSigningBytes(q);
    const tag = utf8('tally/fx-quote/v1\0');
    assert.ok(bytesEqual(bytes.subarray(0, tag.length), tag));
    assert.ok(bytesEqual(bytes.subarray(tag.length), encode(quoteToCbor(q))));
  });

  it('changes with every field', () => {
    const base = quoteSigningBytes(sampleQuote());
    const changes: Partial<Quote>[] = [
      { id: new Uint8Array(16) },
      { provider: 'other-bank' },
      { sendCurrency: 'USD' },
      { receiveCurrency: 'IDR' },
      { rate: '7.6885921296' },
      { sendAmount: 100_001n },
      { fee: 1_501n },
      { totalDebit: 101_501n },
      { receiveAmount: 768_860n },
      { issuedAtMs: 1 },
      { expiresAtMs: 2 },
    ];
    for (const change of changes) {
      assert.ok(
        !bytesEqual(quoteSigningBytes({ ...sampleQuote(), ...change }), base),
        JSON.stringify(Object.keys(change)),
      );
    }
  });
});

describe('convert', () => {
  it('converts HKD cents to PHP centavos, rounding down', () => {
    const rate = parseDecimal('7.6885921295', 'rate', {
      fractionDigitsMax: 10,
      totalDigitsMax: 11,
    });
    assert.equal(convert(100_000n, rate, 2, 2), 768_859n); // 7688.59212950 PHP
    assert.equal(convert(1n, rate, 2, 2), 7n);
    assert.equal(convert(0n, rate, 2, 2), 0n);
  });

  it('shifts by the difference in decimals both ways', () => {
    const rate = { units: 1525n, scale: 1 }; // 152.5 JPY per USD
    assert.equal(convert(1_00n, rate, 2, 0), 152n); // USD 1.00 -> JPY 152 (152.5 rounded down)
    assert.equal(convert(10_00n, rate, 2, 0), 1525n);
    const back = { units: 65n, scale: 4 }; // 0.0065 USD per JPY
    assert.equal(convert(1000n, back, 0, 2), 650n); // JPY 1000 -> USD 6.50
    assert.equal(convert(1n, { units: 1n, scale: 0 }, 0, 3), 1000n);
  });

  it('never exceeds the exact value and is within one minor unit of it', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 60n }),
        fc.bigInt({ min: 1n, max: 99_999_999_999n }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        (sendAmount, units, scale, sendDecimals, receiveDecimals) => {
          const out = convert(sendAmount, { units, scale }, sendDecimals, receiveDecimals);
          // exact = sendAmount * units / 10^scale * 10^receiveDecimals / 10^sendDecimals = top / bottom
          const top = sendAmount * units * pow10(receiveDecimals);
          const bottom = pow10(scale + sendDecimals);
          assert.ok(out * bottom <= top, 'never more than the exact value');
          assert.ok(top < (out + 1n) * bottom, 'less than one minor unit below it');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('error: a negative amount or decimals out of range', () => {
    const rate = { units: 1n, scale: 0 };
    assert.throws(() => convert(-1n, rate, 2, 2), /sendAmount: must not be negative/);
    assert.throws(() => convert(1n, rate, 19, 2), /sendDecimals: expected an integer from 0 to 18/);
    assert.throws(() => convert(1n, { units: 0n, scale: 0 }, 2, 2), /rate: must be positive/);
  });
});

describe('checkQuoteArithmetic', () => {
  it('accepts a consistent quote', () => {
    assert.equal(checkQuoteArithmetic(sampleQuote(), 2, 2), undefined);
  });

  it('error: totalDebit is not sendAmount + fee', () => {
    assert.equal(
      checkQuoteArithmetic({ ...sampleQuote(), totalDebit: 101_499n }, 2, 2),
      'totalDebit 101499 is not sendAmount 100000 + fee 1500',
    );
  });

  it('error: receiveAmount is not the rate applied and rounded down', () => {
    assert.equal(
      checkQuoteArithmetic({ ...sampleQuote(), receiveAmount: 768_860n }, 2, 2),
      'receiveAmount 768860 is not 768859 (sendAmount 100000 at rate 7.6885921295, rounded down)',
    );
    // the same quote read with other decimals is inconsistent too
    assert.match(
      checkQuoteArithmetic(sampleQuote(), 2, 0) ?? '',
      /^receiveAmount 768859 is not 7688 /,
    );
  });

  it('error: zero amounts, same currencies, expiry not after issue, a bad rate', () => {
    const q = sampleQuote();
    assert.equal(
      checkQuoteArithmetic({ ...q, sendAmount: 0n, totalDebit: q.fee, receiveAmount: 0n }, 2, 2),
      'sendAmount must be positive',
    );
    assert.equal(
      checkQuoteArithmetic({ ...q, rate: '0.0000000001', receiveAmount: 0n }, 2, 2),
      'receiveAmount must be positive',
    );
    assert.equal(
      checkQuoteArithmetic({ ...q, receiveCurrency: 'HKD' }, 2, 2),
      'sendCurrency and receiveCurrency are the same',
    );
    assert.equal(
      checkQuoteArithmetic({ ...q, expiresAtMs: q.issuedAtMs }, 2, 2),
      'expiresAtMs must be after issuedAtMs',
    );
    assert.equal(
      checkQuoteArithmetic({ ...q, rate: '7.5e0' }, 2, 2),
      'rate: an exponent is not allowed',
    );
  });
});
