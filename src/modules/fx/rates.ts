// Mid-market reference rates from a CSV of ECB euro reference rates (one row a day: Date, then
// EUR_XXX columns) and the mid rate between any two of its currencies, cross rates included.
// The ECB publishes EUR -> X only; X -> Y is EUR_Y / EUR_X, computed exactly, then rounded DOWN.
import { CodecError } from '../../codec/index.ts';
import { TallyError } from '../../util/errors.ts';
import { type Decimal, type DecimalLimits, divideDecimals, parseDecimal } from './decimal.ts';
import { currencyCodePattern } from './quote.ts';

export type RateDay = { readonly dateIso: string; readonly rates: ReadonlyMap<string, Decimal> };
/** Rates of `base` against each currency, by day, oldest first. */
export type RateTable = {
  readonly base: string;
  readonly currencies: readonly string[];
  readonly days: readonly RateDay[];
};

/** The ECB quotes at most 5 significant digits; 18 and 10 leave room for any other source. */
export const referenceRateLimits: Readonly<DecimalLimits> = Object.freeze({
  fractionDigitsMax: 10,
  totalDigitsMax: 18,
});
/** Mid rates carry the most fraction digits a quoted rate may have (ISO 20022 BaseOneRate). */
export const midRateScale = 10;
export const rateCsvBytesMax = 16 * 1024 * 1024;
/** About 400 years of business days. */
export const rateDaysMax = 100_000;
export const rateCurrenciesMax = 64;

const datePattern = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const columnPattern = /^([A-Z]{3})_([A-Z]{3})$/;

/**
 * Parses the CSV: header 'Date,EUR_USD,EUR_HKD,...' (one base for all columns), then one row a day
 * in strictly increasing ISO dates; an empty cell means no rate that day. LF or CRLF line ends; no
 * quoting (the format has none). Throws CodecError naming the line and column.
 */
export function loadRateTable(csvText: string): RateTable {
  if (csvText.length > rateCsvBytesMax) {
    throw new CodecError('too_large', 'rates', `longer than ${rateCsvBytesMax} characters`);
  }
  const lines = csvText.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length - 1 > rateDaysMax) {
    throw new CodecError('too_large', 'rates', `more than ${rateDaysMax} days`);
  }
  const { base, currencies } = readHeader(lines[0] ?? '');
  const days: RateDay[] = [];
  for (let i = 1; i < lines.length; i++) {
    const day = readRow(lines[i]!, i + 1, currencies, base);
    const previous = days.at(-1);
    if (previous !== undefined && day.dateIso <= previous.dateIso) {
      throw new CodecError('malformed', `line ${i + 1} Date`, 'dates must increase');
    }
    days.push(day);
  }
  return Object.freeze({ base, currencies: Object.freeze(currencies), days: Object.freeze(days) });
}

/**
 * The mid rate `from` -> `to` (units of `to` per unit of `from`) on `dateIso`, or on the latest day
 * before it that has both rates (the ECB publishes no rates on weekends and TARGET holidays); the
 * latest day of the table when no date is given. Rounded DOWN to `scale` fraction digits.
 * Throws TallyError 'fx_rate_unavailable' for a currency or date the table cannot answer.
 */
export function midRate(
  table: RateTable,
  from: string,
  to: string,
  dateIso?: string,
  scale = midRateScale,
): Decimal {
  return findMidRate(table, from, to, dateIso, scale).mid;
}

/** midRate, with the day whose rates it used. */
export function findMidRate(
  table: RateTable,
  from: string,
  to: string,
  dateIso?: string,
  scale = midRateScale,
): { mid: Decimal; dateIso: string } {
  if (from === to) throw new RangeError(`to: the same currency as from (${from})`);
  if (dateIso !== undefined && !datePattern.test(dateIso)) {
    throw new RangeError(`dateIso: expected YYYY-MM-DD, got ${JSON.stringify(dateIso)}`);
  }
  for (const code of [from, to]) {
    if (code !== table.base && !table.currencies.includes(code)) {
      throw unavailable(
        `no rates for ${code} (the table has ${table.base}, ${table.currencies.join(', ')})`,
      );
    }
  }
  for (let i = lastDayOnOrBefore(table.days, dateIso); i >= 0; i--) {
    const day = table.days[i]!;
    const rateFrom = rateOf(table, day, from);
    const rateTo = rateOf(table, day, to);
    if (rateFrom !== undefined && rateTo !== undefined) {
      return { mid: divideDecimals(rateTo, rateFrom, scale), dateIso: day.dateIso };
    }
  }
  throw unavailable(`no ${from}/${to} rates on or before ${dateIso ?? 'the last day'}`);
}

function rateOf(table: RateTable, day: RateDay, code: string): Decimal | undefined {
  return code === table.base ? { units: 1n, scale: 0 } : day.rates.get(code);
}

/** Index of the last day whose date is <= dateIso (binary search), or the last index; -1 if none. */
function lastDayOnOrBefore(days: readonly RateDay[], dateIso: string | undefined): number {
  if (dateIso === undefined) return days.length - 1;
  let low = 0;
  let high = days.length; // invariant: days[< low] are <= dateIso, days[>= high] are after it
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (days[middle]!.dateIso <= dateIso) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

function readHeader(line: string): { base: string; currencies: string[] } {
  const columns = line.split(',');
  if (columns[0] !== 'Date') throw new CodecError('malformed', 'line 1', "expected 'Date' first");
  if (columns.length < 2 || columns.length - 1 > rateCurrenciesMax) {
    throw new CodecError('malformed', 'line 1', `expected 1 to ${rateCurrenciesMax} rate columns`);
  }
  let base: string | undefined;
  const currencies: string[] = [];
  for (const column of columns.slice(1)) {
    const match = columnPattern.exec(column);
    if (match === null || !currencyCodePattern.test(match[2]!)) {
      throw new CodecError('malformed', `line 1 ${column}`, 'expected a column named like EUR_USD');
    }
    base ??= match[1]!;
    const code = match[2]!;
    if (match[1] !== base)
      throw new CodecError('malformed', `line 1 ${column}`, `base is not ${base}`);
    if (code === base || currencies.includes(code)) {
      throw new CodecError('malformed', `line 1 ${column}`, 'repeats a currency');
    }
    currencies.push(code);
  }
  return { base: base!, currencies };
}

function readRow(
  line: string,
  lineNumber: number,
  currencies: readonly string[],
  base: string,
): RateDay {
  const cells = line.split(',');
  if (cells.length !== currencies.length + 1) {
    const expected = currencies.length + 1;
    throw new CodecError(
      'malformed',
      `line ${lineNumber}`,
      `expected ${expected} cells, got ${cells.length}`,
    );
  }
  const dateIso = cells[0]!;
  if (!datePattern.test(dateIso)) {
    throw new CodecError('malformed', `line ${lineNumber} Date`, 'expected YYYY-MM-DD');
  }
  const rates = new Map<string, Decimal>();
  currencies.forEach((code, i) => {
    const cell = cells[i + 1]!;
    if (cell === '') return;
    rates.set(code, parseDecimal(cell, `line ${lineNumber} ${base}_${code}`, referenceRateLimits));
  });
  return Object.freeze({ dateIso, rates });
}

function unavailable(message: string): TallyError {
  return new TallyError('fx_rate_unavailable', message);
}
