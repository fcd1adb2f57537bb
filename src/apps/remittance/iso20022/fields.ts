// Field checks shared by the readers and the builders, from the pacs.008.001.08 / pacs.002.001.10
// XSD simple types (Max35Text, UUIDv4Identifier, BICFIDec2014Identifier, ActiveCurrencyAndAmount, ...).
import { Iso20022Error } from './errors.ts';

/** Amounts: xs:decimal with totalDigits 18 and fractionDigits 5 (ActiveCurrencyAndAmount). */
export const amountTotalDigitsMax = 18;
export const amountFractionDigitsMax = 5;
/** Exchange rates: BaseOneRate, totalDigits 11 and fractionDigits 10. */
export const rateTotalDigitsMax = 11;
export const rateFractionDigitsMax = 10;
/** A decimal's text, leading zeros included: bounds the work before digits are counted. */
export const decimalCharsMax = 64;

const uetrPattern = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;
const bicPattern = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
const currencyPattern = /^[A-Z]{3}$/;
const countryPattern = /^[A-Z]{2}$/;
const ibanPattern = /^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$/;
const leiPattern = /^[A-Z0-9]{18}[0-9]{2}$/;
const decimalPattern = /^([0-9]+)(?:\.([0-9]+))?$/;
// xs:dateTime and xs:date: the lexical forms, with an optional zone (Z or +hh:mm).
const dateTimePattern =
  /^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)?$/;
const datePattern = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
/** True when the text holds a character XML 1.0 cannot carry at all (section 2.2, Char). */
function hasForbiddenChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true; // lone high surrogate
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true; // lone low surrogate
  }
  return false;
}

function invalid(path: string, message: string): never {
  throw new Iso20022Error('invalid_field', path, message);
}

/** MaxNText: 1..max characters (Unicode code points, as XSD counts them), all legal in XML. */
export function checkText(value: string, max: number, path: string): string {
  const chars = [...value].length;
  if (chars < 1) invalid(path, 'must not be empty');
  if (chars > max) invalid(path, `must be at most ${max} characters, got ${chars}`);
  if (hasForbiddenChar(value)) invalid(path, 'holds a character XML cannot carry');
  return value;
}

function checkPattern(value: string, pattern: RegExp, what: string, path: string): string {
  if (!pattern.test(value)) invalid(path, `not a valid ${what}: '${value.slice(0, 64)}'`);
  return value;
}

/** UUIDv4Identifier: the UETR, lower case only. */
export function checkUetr(value: string, path: string): string {
  return checkPattern(value, uetrPattern, 'UETR (lower-case UUID v4)', path);
}

/** BICFIDec2014Identifier / AnyBICDec2014Identifier: 8 or 11 characters. */
export function checkBic(value: string, path: string): string {
  return checkPattern(value, bicPattern, 'BIC', path);
}

export function checkCurrency(value: string, path: string): string {
  return checkPattern(value, currencyPattern, 'ISO 4217 currency code', path);
}

export function checkCountry(value: string, path: string): string {
  return checkPattern(value, countryPattern, 'ISO 3166 country code', path);
}

export function checkIban(value: string, path: string): string {
  return checkPattern(value, ibanPattern, 'IBAN', path);
}

export function checkLei(value: string, path: string): string {
  return checkPattern(value, leiPattern, 'LEI', path);
}

export function checkDateTime(value: string, path: string): string {
  return checkPattern(value, dateTimePattern, 'ISO date-time', path);
}

export function checkDate(value: string, path: string): string {
  return checkPattern(value, datePattern, 'ISO date', path);
}

/** One value of a closed code list (ChargeBearerType1Code, SettlementMethod1Code, ...). */
export function checkEnum<T extends string>(value: string, allowed: readonly T[], path: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined)
    invalid(path, `must be one of ${allowed.join(', ')}, got '${value.slice(0, 16)}'`);
  return found;
}

/**
 * An unsigned xs:decimal kept as its text. Digits are counted on the value, as XSD does: leading
 * zeros of the integer part and trailing zeros of the fraction do not count.
 */
export function checkDecimal(
  value: string,
  limits: { totalDigitsMax: number; fractionDigitsMax: number },
  path: string,
): string {
  if (value.length > decimalCharsMax)
    invalid(path, `decimal longer than ${decimalCharsMax} characters`);
  const m = decimalPattern.exec(value);
  if (m === null) invalid(path, `not an unsigned decimal: '${value.slice(0, 32)}'`);
  const integer = (m[1] ?? '').replace(/^0+/, '');
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > limits.fractionDigitsMax)
    invalid(
      path,
      `at most ${limits.fractionDigitsMax} digits after the point, got ${fraction.length}`,
    );
  const total = integer.length + fraction.length;
  if (total > limits.totalDigitsMax)
    invalid(path, `at most ${limits.totalDigitsMax} digits in total, got ${total}`);
  return value;
}

export function checkAmount(value: string, path: string): string {
  return checkDecimal(
    value,
    { totalDigitsMax: amountTotalDigitsMax, fractionDigitsMax: amountFractionDigitsMax },
    path,
  );
}

export function checkRate(value: string, path: string): string {
  return checkDecimal(
    value,
    { totalDigitsMax: rateTotalDigitsMax, fractionDigitsMax: rateFractionDigitsMax },
    path,
  );
}
