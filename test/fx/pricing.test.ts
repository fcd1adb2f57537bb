// The FX provider's pricing: its rate from a mid rate and a margin, its fee, and quotes priced from a
// send amount or from the amount the receiver must get, all exact and rounded as documented.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Decimal, formatDecimal, parseDecimal, pow10 } from '../../src/modules/fx/decimal.ts';
import {
  type PriceQuoteInput,
  type PricingPolicy,
  priceQuote,
  providerRate,
  quoteFee,
} from '../../src/modules/fx/pricing.ts';
import { checkQuoteArithmetic, convert, rateLimits } from '../../src/modules/fx/quote.ts';

const hkdPhpMid: Decimal = { units: 76885921295n, scale: 10 }; // 70.356 / 9.1507, ECB 2026-04-13
const policy: PricingPolicy = {
  marginBps: 50,
  feeFixed: 1_000n,
  feeBps: 25,
  ttlMs: 60_000,
  rateScale: 6,
};
const nowMs = 1_776_000_000_000;

function input(amounts: Pick<PriceQuoteInput, 'sendAmount' | 'receiveAmount'>): PriceQuoteInput {
  return {
    id: new Uint8Array(16).fill(3),
    provider: 'settlement-bank',
    sendCurrency: 'HKD',
    receiveCurrency: 'PHP',
    sendDecimals: 2,
    receiveDecimals: 2,
    nowMs,
    ...amounts,
  };
}

describe('providerRate', () => {
  it('takes the margin off the mid and rounds down to rateScale', () => {
    // 7.6885921295 * 0.995 = 7.6501491688525 (bc) -> 7.650149
    assert.equal(formatDecimal(providerRate(hkdPhpMid, policy)), '7.650149');
    assert.equal(
      formatDecimal(providerRate(hkdPhpMid, { marginBps: 0, rateScale: 10 })),
      '7.6885921295',
    );
    assert.equal(formatDecimal(providerRate(hkdPhpMid, { marginBps: 0, rateScale: 0 })), '7');
    assert.equal(
      formatDecimal(providerRate({ units: 2n, scale: 0 }, { marginBps: 9999, rateScale: 4 })),
      '0.0002',
    );
  });

  it('keeps to 11 digits in all by giving up fraction digits for a long integer part', () => {
    const eurIdr = { units: 2008205n, scale: 2 }; // 20082.05
    assert.equal(
      formatDecimal(providerRate(eurIdr, { marginBps: 0, rateScale: 10 })),
      '20082.050000',
    );
    const rate = providerRate({ units: 12345678901n, scale: 0 }, { marginBps: 0, rateScale: 10 });
    assert.equal(formatDecimal(rate), '12345678901');
  });

  it('never exceeds the exact margin-adjusted mid and is within one step of the scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 14n }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 4, max: 10 }),
        (units, scale, marginBps, rateScale) => {
          const mid = { units, scale };
          let rate: Decimal;
          try {
            rate = providerRate(mid, { marginBps, rateScale });
          } catch (error) {
            assert.match(String(error), /rounds to zero|integer digits/);
            return;
          }
          // exact = units * (10000 - m) / (10^scale * 10000); rate = r / 10^rate.scale
          const exactTop = units * BigInt(10_000 - marginBps) * pow10(rate.scale);
          const exactBottom = pow10(scale) * 10_000n;
          assert.ok(rate.units * exactBottom <= exactTop);
          assert.ok(exactTop < (rate.units + 1n) * exactBottom);
          assert.ok(rate.scale <= rateScale);
          parseDecimal(formatDecimal(rate), 'rate', rateLimits); // a valid BaseOneRate
        },
      ),
      { numRuns: 300 },
    );
  });

  it('error: a rate that rounds to zero or has too many integer digits', () => {
    const idrEur = { units: 497n, scale: 7 }; // 0.0000497
    assert.throws(
      () => providerRate(idrEur, { marginBps: 0, rateScale: 4 }),
      /rate: rounds to zero at 4 fraction digits/,
    );
    assert.throws(
      () => providerRate({ units: 10n ** 11n, scale: 0 }, { marginBps: 0, rateScale: 2 }),
      /rate: more than 11 integer digits/,
    );
  });

  it('error: a margin or scale out of range', () => {
    assert.throws(
      () => providerRate(hkdPhpMid, { marginBps: 10_000, rateScale: 6 }),
      /marginBps: expected an integer from 0 to 9999/,
    );
    assert.throws(() => providerRate(hkdPhpMid, { marginBps: 1.5, rateScale: 6 }), /marginBps/);
    assert.throws(
      () => providerRate(hkdPhpMid, { marginBps: 0, rateScale: 11 }),
      /rateScale: expected an integer from 0 to 10/,
    );
  });
});

describe('quoteFee', () => {
  it('adds the fixed fee to the basis points rounded up', () => {
    assert.equal(quoteFee(500_000n, policy), 2_250n); // 1000 + 1250
    assert.equal(quoteFee(500_001n, policy), 2_251n); // 1000 + ceil(1250.0025)
    assert.equal(quoteFee(1n, policy), 1_001n);
    assert.equal(quoteFee(0n, policy), 1_000n);
    assert.equal(quoteFee(12_345n, { feeFixed: 0n, feeBps: 0 }), 0n);
  });
});

describe('priceQuote', () => {
  it('prices HKD 5,000.00 to PHP from a send amount', () => {
    const q = priceQuote(input({ sendAmount: 500_000n }), hkdPhpMid, policy);
    assert.deepEqual(q, {
      id: new Uint8Array(16).fill(3),
      provider: 'settlement-bank',
      sendCurrency: 'HKD',
      receiveCurrency: 'PHP',
      rate: '7.650149',
      sendAmount: 500_000n,
      fee: 2_250n,
      totalDebit: 502_250n,
      receiveAmount: 3_825_074n, // 5000.00 * 7.650149 = 38250.745 PHP, rounded down
      issuedAtMs: nowMs,
      expiresAtMs: nowMs + 60_000,
    });
    assert.equal(checkQuoteArithmetic(q, 2, 2), undefined);
  });

  it('prices PHP 10,000.00 received by rounding the principal up', () => {
    const q = priceQuote(input({ receiveAmount: 1_000_000n }), hkdPhpMid, policy);
    // 10000.00 / 7.650149 = 1307.1640... HKD -> 1307.17; which gives 10000.04 PHP
    assert.equal(q.sendAmount, 130_717n);
    assert.equal(q.receiveAmount, 1_000_004n); // 130717 * 7.650149 = 1000004.53, rounded down
    assert.equal(q.fee, 1_000n + 327n); // ceil(130717 * 25 / 10000) = ceil(326.79)
    assert.equal(q.totalDebit, 130_717n + 1_327n);
    assert.ok(convert(130_716n, { units: 7_650_149n, scale: 6 }, 2, 2) < 1_000_000n);
  });

  it('from a receive amount: the receiver gets at least it, and one minor unit less would not do', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        (receiveAmount, midUnits, midScale, sendDecimals, receiveDecimals) => {
          const mid = { units: midUnits, scale: midScale };
          const p = { ...policy, rateScale: 10 };
          const at = { ...input({ receiveAmount }), sendDecimals, receiveDecimals };
          let q: ReturnType<typeof priceQuote>;
          try {
            q = priceQuote(at, mid, p);
          } catch (error) {
            assert.match(String(error), /rounds to zero|integer digits|64-bit/);
            return;
          }
          const rate = parseDecimal(q.rate, 'rate', rateLimits);
          assert.ok(q.receiveAmount >= receiveAmount);
          assert.equal(q.receiveAmount, convert(q.sendAmount, rate, sendDecimals, receiveDecimals));
          assert.ok(
            convert(q.sendAmount - 1n, rate, sendDecimals, receiveDecimals) < receiveAmount,
          );
          assert.equal(checkQuoteArithmetic(q, sendDecimals, receiveDecimals), undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('from a send amount: consistent, and the fee follows the policy', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), (sendAmount) => {
        const q = priceQuote(input({ sendAmount }), hkdPhpMid, policy);
        assert.equal(q.sendAmount, sendAmount);
        assert.equal(q.fee, quoteFee(sendAmount, policy));
        assert.equal(checkQuoteArithmetic(q, 2, 2), undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('handles currencies with different decimals (USD cents to JPY yen)', () => {
    const q = priceQuote(
      {
        ...input({ sendAmount: 100n }),
        sendCurrency: 'USD',
        receiveCurrency: 'JPY',
        receiveDecimals: 0,
      },
      { units: 1525n, scale: 1 },
      { ...policy, marginBps: 0 },
    );
    assert.equal(q.rate, '152.500000');
    assert.equal(q.receiveAmount, 152n); // USD 1.00 -> JPY 152.5, rounded down
  });

  it('error: both amounts, neither, zero, or a principal too small to receive anything', () => {
    assert.throws(
      () => priceQuote(input({ sendAmount: 1n, receiveAmount: 1n }), hkdPhpMid, policy),
      /sendAmount: give exactly one of sendAmount and receiveAmount/,
    );
    assert.throws(() => priceQuote(input({}), hkdPhpMid, policy), /give exactly one/);
    assert.throws(
      () => priceQuote(input({ sendAmount: 0n }), hkdPhpMid, policy),
      /sendAmount: expected a positive bigint below 2\^64/,
    );
    assert.throws(
      () =>
        priceQuote(input({ sendAmount: 1n }), { units: 1n, scale: 3 }, { ...policy, rateScale: 4 }),
      /sendAmount: too small to receive one minor unit/,
    );
  });

  it('error: an amount whose quote leaves the 64-bit range', () => {
    assert.throws(
      () => priceQuote(input({ sendAmount: (1n << 64n) - 1n }), hkdPhpMid, policy),
      /sendAmount: the quote exceeds the unsigned 64-bit range/,
    );
  });

  it('error: malformed input fields and policy', () => {
    const ok = input({ sendAmount: 100n });
    assert.throws(
      () => priceQuote({ ...ok, id: new Uint8Array(8) }, hkdPhpMid, policy),
      /id: expected 16 bytes/,
    );
    assert.throws(
      () => priceQuote({ ...ok, provider: '' }, hkdPhpMid, policy),
      /provider: expected 1 to 64 characters/,
    );
    assert.throws(
      () => priceQuote({ ...ok, sendCurrency: 'hk' }, hkdPhpMid, policy),
      /sendCurrency: expected an ISO 4217 code/,
    );
    assert.throws(
      () => priceQuote({ ...ok, receiveCurrency: 'HKD' }, hkdPhpMid, policy),
      /receiveCurrency: the same as sendCurrency/,
    );
    assert.throws(
      () => priceQuote({ ...ok, receiveDecimals: 19 }, hkdPhpMid, policy),
      /receiveDecimals: expected an integer from 0 to 18/,
    );
    assert.throws(
      () => priceQuote(ok, hkdPhpMid, { ...policy, ttlMs: 0 }),
      /ttlMs: expected an integer from 1 to 86400000/,
    );
    assert.throws(
      () => priceQuote(ok, hkdPhpMid, { ...policy, feeBps: 10_001 }),
      /feeBps: expected an integer from 0 to 10000/,
    );
    assert.throws(() => priceQuote(ok, hkdPhpMid, { ...policy, feeFixed: -1n }), /feeFixed/);
  });
});
