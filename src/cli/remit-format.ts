// What `tally remit` prints: remittances, gateway answers, quotes and positions for people (amounts
// in major units of their currency), and the inputs it reads (quote files, times, amounts).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatMinor, parseMajor } from '../modules/fx/decimal.ts';
import type { SignedQuote } from '../modules/fx/quote.ts';
import { signedQuoteFromJson } from '../modules/fx/quote-json.ts';
import {
  type Client,
  type GatewayAnswer,
  getCurrency,
  parseUetr,
  type RemittanceView,
} from '../sdk/index.ts';
import { toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import { addConnectionOptions, type ConnectionOptions } from './client-key.ts';

export type Row = readonly [label: string, value: string | number];

export function printRows(rows: readonly Row[]): void {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  for (const [label, value] of rows) console.log(`${`${label}:`.padEnd(width)}${value}`);
}

/** Currency decimals read once per command from the chain, so amounts print as the user writes them. */
export class Decimals {
  private readonly known = new Map<string, number | undefined>();

  constructor(private readonly client: Client) {}

  async of(code: string): Promise<number | undefined> {
    if (!this.known.has(code)) {
      const decimals = await getCurrency(this.client, { code }).then(
        (c) => c.decimals,
        () => undefined, // shown in minor units instead
      );
      this.known.set(code, decimals);
    }
    return this.known.get(code);
  }

  /** The decimals, or an error telling the user the currency is not on this chain. */
  async required(code: string, option: string): Promise<number> {
    if (!/^[A-Z]{3}$/.test(code))
      throw new TallyError(
        'bad_option',
        `${option} ${code}: expected three capital letters, e.g. HKD.`,
      );
    const decimals = await this.of(code);
    if (decimals === undefined)
      throw new TallyError(
        'currency_not_found',
        `${code} is not a currency registered on this chain.`,
      );
    return decimals;
  }

  async text(minor: bigint, code: string): Promise<string> {
    const decimals = await this.of(code);
    return decimals === undefined
      ? `${minor} (minor units of ${code})`
      : `${formatMinor(minor, decimals)} ${code}`;
  }
}

/** A decimal amount on the command line ('1000.00') in minor units of a currency. */
export function parseAmountOption(text: string, decimals: number, option: string): bigint {
  const amount = parseMajor(text, decimals, option);
  if (amount === 0n) throw new TallyError('bad_option', `${option}: must be more than zero.`);
  return amount;
}

/** A UETR argument, with a message that says what one looks like. */
export function parseUetrArg(text: string): Uint8Array {
  try {
    return parseUetr(text, '<uetr>');
  } catch (cause) {
    throw new TallyError('bad_option', (cause as Error).message, { cause });
  }
}

/** A time option: unix ms, or an ISO 8601 date or date-time (UTC unless it says otherwise). */
export function parseTimeOption(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0)
    throw new TallyError(
      'bad_option',
      `${option}: '${text}' is neither unix ms nor a date like 2026-03-14.`,
    );
  return ms;
}

/** A signed quote from a file written by `tally remit quote`, or '-' for standard input. */
export function readQuoteFile(path: string): SignedQuote {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (cause) {
    throw new TallyError(
      'bad_option',
      `--quote: cannot read ${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new TallyError(
      'bad_option',
      `--quote: ${path} is not JSON; write it with 'tally remit quote --out'.`,
      {
        cause,
      },
    );
  }
  return signedQuoteFromJson(json, 'quote');
}

function timeText(ms: number, nowMs: number): string {
  const seconds = Math.round((ms - nowMs) / 1000);
  const when = seconds >= 0 ? `in ${seconds} s` : `${-seconds} s ago`;
  return `${new Date(ms).toISOString()} (${when})`;
}

export async function quoteRows(signed: SignedQuote, d: Decimals, nowMs: number): Promise<Row[]> {
  const q = signed.quote;
  return [
    ['quote', `${toHex(q.id)} from ${q.provider}`],
    [
      'sender pays',
      `${await d.text(q.totalDebit, q.sendCurrency)} (${await d.text(q.sendAmount, q.sendCurrency)} + fee ${await d.text(q.fee, q.sendCurrency)})`,
    ],
    ['beneficiary gets', await d.text(q.receiveAmount, q.receiveCurrency)],
    ['rate', `${q.rate} ${q.receiveCurrency} per ${q.sendCurrency}`],
    ['valid until', timeText(q.expiresAtMs, nowMs)],
  ];
}

export async function remittanceRows(
  r: RemittanceView,
  d: Decimals,
  nowMs: number,
): Promise<Row[]> {
  const rows: Row[] = [
    ['remittance', r.uetr],
    ['status', r.status],
    ['corridor', `${r.corridor}: ${r.sendingOrg} -> ${r.receivingOrg}, FX by ${r.fxOrg}`],
    [
      'sender pays',
      `${await d.text(r.totalDebit, r.sendCurrency)} (fee ${await d.text(r.fee, r.sendCurrency)})`,
    ],
    ['beneficiary gets', `${await d.text(r.receiveAmount, r.receiveCurrency)} at ${r.rate}`],
    ['accounts', `${r.senderAccountId} -> ${r.beneficiaryAccountId}`],
  ];
  if (r.deadlineMs > 0) rows.push(['accept by', timeText(r.deadlineMs, nowMs)]);
  if (r.reason !== undefined)
    rows.push(['reason', `${r.reason.code}${r.reason.message ? ` (${r.reason.message})` : ''}`]);
  if (r.sanctionsMatch !== undefined) rows.push(['held for', r.sanctionsMatch]);
  if (r.endToEndId !== undefined) rows.push(['end-to-end id', r.endToEndId]);
  rows.push(['travel rule', travelRuleText(r)]);
  return rows;
}

function travelRuleText(r: RemittanceView): string {
  const t = r.travelRule;
  if (t === undefined || t === null) return `not shown (${r.travelRuleAccess ?? 'not_entitled'})`;
  const name = (party: unknown): string =>
    typeof party === 'object' &&
    party !== null &&
    typeof (party as { name?: unknown }).name === 'string'
      ? (party as { name: string }).name
      : '?';
  return `${name(t.originator)} -> ${name(t.beneficiary)}`;
}

/** The answer of a gateway call; 'ok' and a harmless retry pass, any other code throws after printing. */
export async function printAnswer(
  answer: GatewayAnswer,
  d: Decimals,
  nowMs: number,
): Promise<void> {
  const rows: Row[] = [
    ['remittance', answer.uetr],
    ['transaction', answer.txId],
  ];
  if (answer.code === undefined) {
    printRows(rows);
    console.log(`(not final yet: follow it with 'tally remit status ${answer.uetr}')`);
    return;
  }
  rows.push([
    'result',
    `${answer.code} at height ${answer.height ?? '?'}${answer.message ? ` (${answer.message})` : ''}`,
  ]);
  printRows(rows);
  if (answer.remittance !== undefined) printRows(await remittanceRows(answer.remittance, d, nowMs));
  if (answer.code === 'remittance_exists')
    console.log('(already sent with this id: a retry moves nothing twice)');
}

/** Exit code 1 for a transaction the module refused (a retry of a send is not a failure). */
export function checkAnswer(answer: GatewayAnswer): void {
  if (answer.code === undefined || answer.code === 'ok' || answer.code === 'remittance_exists')
    return;
  throw new TallyError(
    answer.code,
    `remittance ${answer.uetr}: ${answer.message ?? answer.code} (transaction ${answer.txId})`,
  );
}

export type RemitOptions = ConnectionOptions & { json: boolean };

export function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function addRemit(
  remit: Command,
  name: string,
  description: string,
  lines: readonly string[],
): Command {
  return addConnectionOptions(remit.command(name).description(description))
    .option('--json', 'print JSON (bytes hex, amounts minor units as decimal strings)', false)
    .addHelpText('after', examples(lines));
}
