// Statement and net-position exports as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a
// comma, quote, CR or LF, quotes doubled). Amounts are decimals in the currency's major units.
import { formatMinor } from '../../../modules/fx/decimal.ts';
import { assert } from '../../../util/assert.ts';
import type { NetPosition, Statement } from './types.ts';

const msPerDay = 86_400_000;

/** One RFC 4180 field: quoted only when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Free text a sender typed (a payment reference) as a field that a spreadsheet shows as text: a
 * leading =, +, -, @, tab or CR would make Excel or LibreOffice evaluate it as a formula (CSV
 * injection), so such text gets a leading apostrophe, which spreadsheets hide.
 */
export function csvTextField(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function isoTime(ms: number): string {
  assert(Number.isSafeInteger(ms) && ms >= 0, 'statement times are non-negative integer ms');
  return new Date(ms).toISOString();
}

export const statementCsvHeader = [
  'record',
  'transfer_id',
  'height',
  'time',
  'direction',
  'amount',
  'currency',
  'counterparty_account',
  'status',
  'reference',
] as const;

/**
 * A statement as one CSV table: an 'opening' row (signed balance at fromMs), one 'entry' row per
 * movement (unsigned amount and its direction), then a 'closing' row (signed balance at toMs).
 */
export function statementCsv(s: Statement): string {
  assert(s.fromMs <= s.toMs, 'statement period runs forwards');
  const amount = (v: bigint): string => formatMinor(v, s.decimals);
  const balance = (record: string, v: bigint, ms: number): string =>
    csvRow([record, '', '', isoTime(ms), '', amount(v), s.currency, '', '', '']);
  const rows = [csvRow(statementCsvHeader), balance('opening', s.opening, s.fromMs)];
  for (const e of s.entries) {
    assert(e.amount >= 0n, 'entry amounts are unsigned');
    rows.push(
      csvRow([
        'entry',
        e.transferId,
        String(e.height),
        isoTime(e.timeMs),
        e.direction,
        amount(e.amount),
        s.currency,
        e.counterpartyAccountId,
        e.status,
        csvTextField(e.reference ?? ''),
      ]),
    );
  }
  rows.push(balance('closing', s.closing, s.toMs));
  return rows.join('');
}

/** The UTC day number as YYYY-MM-DD. */
export function isoDay(day: number): string {
  assert(Number.isSafeInteger(day) && day >= 0, 'day is a non-negative integer');
  return new Date(day * msPerDay).toISOString().slice(0, 10);
}

/** End-of-day net positions of UTC day `day` (days since the epoch), one row per payer/payee/currency. */
export function netPositionsCsv(
  day: number,
  rows: readonly NetPosition[],
  decimals: (currency: string) => number,
): string {
  const date = isoDay(day);
  const out = [csvRow(['day', 'payer', 'payee', 'currency', 'amount'])];
  for (const r of rows) {
    assert(r.amount >= 0n, 'net positions are not negative');
    out.push(
      csvRow([date, r.payer, r.payee, r.currency, formatMinor(r.amount, decimals(r.currency))]),
    );
  }
  return out.join('');
}
