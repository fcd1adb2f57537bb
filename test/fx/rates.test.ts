// Reference rates from the ECB vector (test/vectors/fx, see SOURCES.md) and the demo's config file:
// loading, picking a day, cross rates computed exactly and rounded down, and malformed tables.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CodecError } from '../../src/codec/index.ts';
import { formatDecimal } from '../../src/modules/fx/decimal.ts';
import { priceQuote } from '../../src/modules/fx/pricing.ts';
import { findMidRate, loadRateTable, midRate } from '../../src/modules/fx/rates.ts';
import { TallyError } from '../../src/util/errors.ts';

const root = new URL('../../', import.meta.url);
const vectorCsv = readFileSync(new URL('test/vectors/fx/ecb-eur-usd-hkd-php.csv', root), 'utf8');
const configCsv = readFileSync(new URL('config/fx-rates.csv', root), 'utf8');
const ecb = loadRateTable(vectorCsv);

describe('the ECB vector', () => {
  it('loads every day, in order, with all three currencies', () => {
    assert.equal(ecb.base, 'EUR');
    assert.deepEqual(ecb.currencies, ['USD', 'HKD', 'PHP']);
    assert.equal(ecb.days.length, 5384); // 5385 lines less the header
    assert.equal(ecb.days[0]!.dateIso, '2005-04-01');
    assert.equal(ecb.days.at(-1)!.dateIso, '2026-04-13');
    assert.ok(ecb.days.every((d) => d.rates.size === 3));
    assert.deepEqual(ecb.days[0]!.rates.get('PHP'), { units: 70944n, scale: 3 }); // 70.944
  });

  it('gives HKD -> PHP on 2024-03-28 as EUR_PHP / EUR_HKD, rounded down', () => {
    // By hand: that day EUR_HKD = 8.4594 and EUR_PHP = 60.797. 8.4594 * 7 = 59.2158, leaving
    // 1.5812; 1.5812 / 8.4594 = 0.18691632976...; so 60.797 / 8.4594 = 7.18691632976... and, cut
    // (not rounded) at 10 digits, 7.1869163297. (bc, scale=14: 7.18691632976334.)
    assert.equal(formatDecimal(midRate(ecb, 'HKD', 'PHP', '2024-03-28')), '7.1869163297');
    // USD -> PHP the same way: 60.797 / 1.0811 = 56.23624086578... (bc)
    assert.equal(formatDecimal(midRate(ecb, 'USD', 'PHP', '2024-03-28')), '56.2362408657');
  });

  it('gives EUR -> X as published and X -> EUR as its inverse', () => {
    assert.equal(formatDecimal(midRate(ecb, 'EUR', 'HKD', '2024-03-28', 4)), '8.4594');
    // 1 / 8.4594 = 0.11821169350072... (bc)
    assert.equal(formatDecimal(midRate(ecb, 'HKD', 'EUR', '2024-03-28')), '0.1182116935');
  });

  it('uses the last day on or before the date: Easter 2024 has no rates', () => {
    // 29 March (Good Friday) and 1 April (Easter Monday) are TARGET holidays; 30-31 are a weekend.
    for (const date of ['2024-03-29', '2024-03-30', '2024-03-31', '2024-04-01']) {
      assert.equal(findMidRate(ecb, 'HKD', 'PHP', date).dateIso, '2024-03-28');
    }
    assert.equal(findMidRate(ecb, 'HKD', 'PHP', '2024-04-02').dateIso, '2024-04-02');
    assert.equal(findMidRate(ecb, 'HKD', 'PHP', '2099-01-01').dateIso, '2026-04-13');
    assert.equal(findMidRate(ecb, 'HKD', 'PHP').dateIso, '2026-04-13');
  });

  it('error: a date before the table, an unknown currency, the same currency', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (error) {
        assert.ok(error instanceof TallyError);
        return `${error.code}: ${error.message}`;
      }
      assert.fail('no error');
    };
    assert.equal(
      code(() => midRate(ecb, 'HKD', 'PHP', '2005-03-31')),
      'fx_rate_unavailable: no HKD/PHP rates on or before 2005-03-31',
    );
    assert.equal(
      code(() => midRate(ecb, 'HKD', 'IDR')),
      'fx_rate_unavailable: no rates for IDR (the table has EUR, USD, HKD, PHP)',
    );
    assert.throws(() => midRate(ecb, 'HKD', 'HKD'), /to: the same currency as from \(HKD\)/);
    assert.throws(() => midRate(ecb, 'HKD', 'PHP', '2024-3-28'), /dateIso: expected YYYY-MM-DD/);
  });
});

describe('the demo rates (config/fx-rates.csv)', () => {
  it('are the last days of the vector, with the same header', () => {
    const demo = loadRateTable(configCsv);
    assert.equal(configCsv.split('\n')[0], 'Date,EUR_USD,EUR_HKD,EUR_PHP');
    assert.ok(demo.days.length >= 3);
    const tail = ecb.days.slice(-demo.days.length);
    assert.deepEqual(demo.days, tail);
  });

  it('price an HKD -> PHP quote from the latest day', () => {
    const demo = loadRateTable(configCsv);
    // 2026-04-13: 70.356 / 9.1507 = 7.68859212956... (bc) -> 7.6885921295
    const mid = midRate(demo, 'HKD', 'PHP');
    assert.equal(formatDecimal(mid), '7.6885921295');
    const q = priceQuote(
      {
        id: new Uint8Array(16),
        provider: 'settlement-bank',
        sendCurrency: 'HKD',
        receiveCurrency: 'PHP',
        sendDecimals: 2,
        receiveDecimals: 2,
        sendAmount: 100_000n,
        nowMs: 0,
      },
      mid,
      { marginBps: 50, feeFixed: 0n, feeBps: 0, ttlMs: 60_000, rateScale: 6 },
    );
    assert.equal(q.rate, '7.650149'); // 7.6885921295 * 0.995 = 7.65014916885..., cut at 6 digits
    assert.equal(q.receiveAmount, 765_014n); // HKD 1,000.00 -> PHP 7,650.149, rounded down
  });
});

describe('loadRateTable', () => {
  it('reads LF and CRLF alike, and an empty cell as no rate that day', () => {
    const csv =
      'Date,EUR_USD,EUR_JPY\r\n2026-01-02,1.17,\r\n2026-01-05,1.18,183.5\r\n2026-01-06,1.19,\n';
    const table = loadRateTable(csv);
    assert.equal(table.days.length, 3);
    assert.equal(table.days[0]!.rates.has('JPY'), false);
    // the latest day has no JPY, so the day before it answers: 183.5 / 1.18 = 155.508474576... (bc)
    assert.deepEqual(findMidRate(table, 'USD', 'JPY'), {
      mid: { units: 1555084745762n, scale: 10 },
      dateIso: '2026-01-05',
    });
    assert.throws(
      () => midRate(table, 'USD', 'JPY', '2026-01-04'),
      /no USD\/JPY rates on or before 2026-01-04/,
    );
  });

  it('error: a malformed header, row, date order or rate, naming the line and column', () => {
    const failure = (csv: string): string => {
      try {
        loadRateTable(csv);
      } catch (error) {
        assert.ok(error instanceof CodecError, String(error));
        return error.message;
      }
      assert.fail('accepted');
    };
    assert.equal(failure('Day,EUR_USD\n'), "line 1: expected 'Date' first");
    assert.equal(failure(''), "line 1: expected 'Date' first");
    assert.equal(failure('Date\n'), 'line 1: expected 1 to 64 rate columns');
    assert.equal(failure('Date,USD\n'), 'line 1 USD: expected a column named like EUR_USD');
    assert.equal(failure('Date,EUR_USD,GBP_JPY\n'), 'line 1 GBP_JPY: base is not EUR');
    assert.equal(failure('Date,EUR_USD,EUR_USD\n'), 'line 1 EUR_USD: repeats a currency');
    assert.equal(failure('Date,EUR_USD\n2026-01-02\n'), 'line 2: expected 2 cells, got 1');
    assert.equal(failure('Date,EUR_USD\n02/01/2026,1.1\n'), 'line 2 Date: expected YYYY-MM-DD');
    assert.equal(
      failure('Date,EUR_USD\n2026-01-05,1.1\n2026-01-05,1.2\n'),
      'line 3 Date: dates must increase',
    );
    assert.equal(
      failure('Date,EUR_USD\n2026-01-02,1.1e0\n'),
      'line 2 EUR_USD: an exponent is not allowed',
    );
    assert.equal(
      failure('Date,EUR_USD\n2026-01-02,-1.1\n'),
      'line 2 EUR_USD: a sign is not allowed',
    );
    assert.equal(failure('Date,EUR_USD\n2026-01-02,0\n'), 'line 2 EUR_USD: must not be zero');
  });
});
