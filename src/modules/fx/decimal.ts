// Exact decimals for money and rates: a value is a bigint of units over a power of ten, parsed from
// and formatted to plain decimal text (ISO 20022 DecimalNumber lexical form). Browser-safe; no floats.
import { CodecError } from '../../codec/index.ts';
import { assert } from '../../util/assert.ts';

/** value = units / 10^scale; units >= 0. */
export type Decimal = { units: bigint; scale: number };

export type DecimalLimits = { fractionDigitsMax: number; totalDigitsMax: number };

/** Scales past this are refused: 10^scale must stay a small bigint and no real rate needs more. */
export const decimalScaleMax = 36;
/** ISO 4217 minor units run 0 to 4; anything past 18 cannot be meant (the bank's decimalsMax). */
export const minorDecimalsMax = 18;

const uint64Max = (1n << 64n) - 1n;
/** Digits, an optional point and digits: the only form accepted (no sign, exponent or spaces). */
const decimalPattern = /^([0-9]+)(?:\.([0-9]+))?$/;

const powersOfTen: bigint[] = [];

/** 10^n as a bigint, cached for the small n this module uses. */
export function pow10(n: number): bigint {
  assert(Number.isSafeInteger(n) && n >= 0, 'pow10: exponent is a non-negative integer');
  if (n > 2 * decimalScaleMax + 2 * minorDecimalsMax) return 10n ** BigInt(n);
  let power = powersOfTen[n];
  if (power === undefined) {
    power = 10n ** BigInt(n);
    powersOfTen[n] = power;
  }
  return power;
}

/** floor(numerator / denominator) for a non-negative numerator and a positive denominator. */
export function divideFloor(numerator: bigint, denominator: bigint): bigint {
  assert(denominator > 0n, 'divideFloor: denominator is positive');
  assert(numerator >= 0n, 'divideFloor: numerator is not negative');
  return numerator / denominator; // bigint division truncates, which is floor for these signs
}

/** ceil(numerator / denominator) for a non-negative numerator and a positive denominator. */
export function divideCeil(numerator: bigint, denominator: bigint): bigint {
  assert(denominator > 0n, 'divideCeil: denominator is positive');
  assert(numerator >= 0n, 'divideCeil: numerator is not negative');
  return (numerator + denominator - 1n) / denominator;
}

/** The rational numerator/denominator rounded DOWN to `scale` fraction digits. */
export function decimalFromRatio(numerator: bigint, denominator: bigint, scale: number): Decimal {
  assertScale(scale, 'scale');
  return { units: divideFloor(numerator * pow10(scale), denominator), scale };
}

/** a / b computed exactly as a rational, then rounded DOWN to `scale` fraction digits. */
export function divideDecimals(a: Decimal, b: Decimal, scale: number): Decimal {
  assert(b.units > 0n, 'divideDecimals: divisor is positive');
  return decimalFromRatio(a.units * pow10(b.scale), b.units * pow10(a.scale), scale);
}

/**
 * Parses a positive decimal such as '7.6885906' (a rate). Refused, each with its own message naming
 * the field: a sign, an exponent, a missing digit on either side of the point, leading zeros, more
 * fraction or total digits than the limits, and zero. Digits are counted as written, except that
 * a lone '0' before the point is not a digit of the value ('0.5' has one digit), as in XSD
 * totalDigits. Trailing fraction zeros are kept: the scale is what was written.
 */
export function parseDecimal(text: string, field: string, limits: DecimalLimits): Decimal {
  assertLimits(limits);
  const { integer, fraction } = splitDecimal(text, field, limits.totalDigitsMax + 2);
  if (fraction.length > limits.fractionDigitsMax) {
    const max = limits.fractionDigitsMax;
    throw new CodecError('out_of_range', field, `more than ${max} digits after the point`);
  }
  const integerDigits = integer === '0' ? 0 : integer.length;
  if (integerDigits + fraction.length > limits.totalDigitsMax) {
    throw new CodecError('out_of_range', field, `more than ${limits.totalDigitsMax} digits`);
  }
  const units = BigInt(integer + fraction);
  if (units === 0n) throw new CodecError('out_of_range', field, 'must not be zero');
  return { units, scale: fraction.length };
}

/** Plain text with exactly `scale` fraction digits: { units: 5n, scale: 3 } -> '0.005'. */
export function formatDecimal(d: Decimal): string {
  assertScale(d.scale, 'scale');
  assert(d.units >= 0n, 'formatDecimal: units are not negative');
  return formatUnits(d.units, d.scale);
}

/** Minor units as major-unit text: (1234n, 2) -> '12.34', (-5n, 2) -> '-0.05', (7n, 0) -> '7'. */
export function formatMinor(amount: bigint, decimals: number): string {
  assertDecimals(decimals, 'decimals');
  if (amount < 0n) return `-${formatUnits(-amount, decimals)}`;
  return formatUnits(amount, decimals);
}

/**
 * Major-unit text to minor units: ('12.34', 2) -> 1234n, ('12', 2) -> 1200n, ('0', 2) -> 0n. Refuses
 * more fraction digits than the currency has (no silent rounding of money), a sign, an exponent,
 * leading zeros, and anything above the unsigned 64-bit range; throws CodecError naming the field.
 */
export function parseMajor(text: string, decimals: number, field: string): bigint {
  assertDecimals(decimals, 'decimals');
  const { integer, fraction } = splitDecimal(text, field, 21 + decimals);
  if (fraction.length > decimals) {
    throw new CodecError('out_of_range', field, `more than ${decimals} digits after the point`);
  }
  const amount = BigInt(integer + fraction.padEnd(decimals, '0'));
  if (amount > uint64Max) {
    throw new CodecError('out_of_range', field, 'exceeds the unsigned 64-bit range in minor units');
  }
  return amount;
}

function formatUnits(units: bigint, scale: number): string {
  if (scale === 0) return units.toString();
  const digits = units.toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return `${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

/** The integer and fraction digit runs of plain decimal text, or a CodecError saying what is wrong. */
function splitDecimal(
  text: string,
  field: string,
  lengthMax: number,
): { integer: string; fraction: string } {
  if (typeof text !== 'string') throw new CodecError('wrong_type', field, 'expected a text string');
  if (text.length === 0) throw new CodecError('malformed', field, 'is empty');
  if (text.length > lengthMax) {
    throw new CodecError('out_of_range', field, `longer than ${lengthMax} characters`);
  }
  const match = decimalPattern.exec(text);
  if (match === null) throw new CodecError('malformed', field, describeMalformed(text));
  const integer = match[1]!;
  if (integer.length > 1 && integer.startsWith('0')) {
    throw new CodecError('malformed', field, 'leading zeros are not allowed');
  }
  return { integer, fraction: match[2] ?? '' };
}

function describeMalformed(text: string): string {
  if (/^[+-]/.test(text)) return 'a sign is not allowed';
  if (/[eE]/.test(text)) return 'an exponent is not allowed';
  if (/^\.|\.$/.test(text)) return 'expected a digit on each side of the point';
  return 'expected digits with an optional decimal point';
}

function assertLimits(limits: DecimalLimits): void {
  assertScale(limits.fractionDigitsMax, 'fractionDigitsMax');
  const total = limits.totalDigitsMax;
  if (!Number.isSafeInteger(total) || total < 1 || total > 2 * decimalScaleMax) {
    throw new RangeError(`totalDigitsMax: expected an integer from 1 to ${2 * decimalScaleMax}`);
  }
}

function assertScale(scale: number, field: string): void {
  if (!Number.isSafeInteger(scale) || scale < 0 || scale > decimalScaleMax) {
    throw new RangeError(`${field}: expected an integer from 0 to ${decimalScaleMax}`);
  }
}

function assertDecimals(decimals: number, field: string): void {
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > minorDecimalsMax) {
    throw new RangeError(`${field}: expected an integer from 0 to ${minorDecimalsMax}`);
  }
}
