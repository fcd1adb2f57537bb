// The FX provider's quote service: its rate from a mid rate and a margin, its fee, and a quote for a
// send amount or for the amount the receiver must get. Pure and exact (bigint; no floating point).
//
// Rounding, each direction in the provider's favour only where the sender was told the price:
// - rate = mid * (1 - marginBps / 10000), rounded DOWN to rateScale fraction digits (fewer when the
//   integer part is long, so that the rate keeps to BaseOneRate's 11 digits in all);
// - from a send amount: receiveAmount = floor(sendAmount * rate * 10^(receiveDecimals - sendDecimals));
// - from a receive amount R: the principal is the smallest sendAmount whose receiveAmount is at
//   least R (rounded UP), so the receiver gets at least what was asked (possibly a little more);
// - fee = feeFixed + ceil(sendAmount * feeBps / 10000); totalDebit = sendAmount + fee.
import { assert } from '../../util/assert.ts';
import {
  type Decimal,
  decimalFromRatio,
  divideCeil,
  formatDecimal,
  minorDecimalsMax,
  pow10,
} from './decimal.ts';
import {
  checkQuoteArithmetic,
  conversionRatio,
  convert,
  currencyCodePattern,
  providerLengthMax,
  type Quote,
  quoteIdBytes,
  rateLimits,
} from './quote.ts';

export type PricingPolicy = {
  /** Taken off the mid rate, in basis points (0 to 9999). */
  marginBps: number;
  /** Minor units of the send currency, added to every quote. */
  feeFixed: bigint;
  /** Basis points of the principal (0 to 10000), rounded up to a minor unit. */
  feeBps: number;
  /** How long a quote is good for. */
  ttlMs: number;
  /** Fraction digits of the quoted rate (0 to 10). */
  rateScale: number;
};

export type PriceQuoteInput = {
  id: Uint8Array;
  provider: string;
  sendCurrency: string;
  receiveCurrency: string;
  sendDecimals: number;
  receiveDecimals: number;
  /** Exactly one of sendAmount and receiveAmount. */
  sendAmount?: bigint | undefined;
  receiveAmount?: bigint | undefined;
  nowMs: number;
};

export const bpsPerUnit = 10_000n;
/** A quote is a promise of a price: a day is far longer than any remittance should wait. */
export const quoteTtlMsMax = 86_400_000;
const uint64Max = (1n << 64n) - 1n;

/**
 * The provider's rate: mid * (10000 - marginBps) / 10000, exact, rounded DOWN to rateScale digits
 * (or fewer, to stay within 11 digits in all). Throws RangeError when it has more than 11 integer
 * digits or rounds to zero (choose a larger rateScale, or quote the pair the other way round).
 */
export function providerRate(
  mid: Decimal,
  policy: Pick<PricingPolicy, 'marginBps' | 'rateScale'>,
): Decimal {
  checkInteger(policy.marginBps, 'marginBps', 0, 9999);
  checkInteger(policy.rateScale, 'rateScale', 0, rateLimits.fractionDigitsMax);
  if (mid.units <= 0n) throw new RangeError('mid: must be positive');
  const numerator = mid.units * (bpsPerUnit - BigInt(policy.marginBps));
  const denominator = pow10(mid.scale) * bpsPerUnit;
  const whole = numerator / denominator;
  const integerDigits = whole === 0n ? 0 : whole.toString().length;
  if (integerDigits > rateLimits.totalDigitsMax) {
    throw new RangeError(`rate: more than ${rateLimits.totalDigitsMax} integer digits`);
  }
  const scale = Math.min(policy.rateScale, rateLimits.totalDigitsMax - integerDigits);
  const rate = decimalFromRatio(numerator, denominator, scale);
  if (rate.units === 0n) throw new RangeError(`rate: rounds to zero at ${scale} fraction digits`);
  return rate;
}

/** feeFixed + ceil(sendAmount * feeBps / 10000), in minor units of the send currency. */
export function quoteFee(
  sendAmount: bigint,
  policy: Pick<PricingPolicy, 'feeFixed' | 'feeBps'>,
): bigint {
  checkInteger(policy.feeBps, 'feeBps', 0, Number(bpsPerUnit));
  if (policy.feeFixed < 0n || policy.feeFixed > uint64Max)
    throw new RangeError('feeFixed: outside 0 to 2^64-1');
  if (sendAmount < 0n) throw new RangeError('sendAmount: must not be negative');
  return policy.feeFixed + divideCeil(sendAmount * BigInt(policy.feeBps), bpsPerUnit);
}

/**
 * A quote for a send amount, or for the amount the receiver must get (exactly one), priced from
 * `mid` under `policy`; issued at nowMs, good for policy.ttlMs. The result always passes
 * checkQuoteArithmetic. Throws TypeError/RangeError naming the field for input it cannot price.
 */
export function priceQuote(input: PriceQuoteInput, mid: Decimal, policy: PricingPolicy): Quote {
  checkInput(input);
  checkInteger(policy.ttlMs, 'ttlMs', 1, quoteTtlMsMax);
  const rate = providerRate(mid, policy);
  const { sendDecimals, receiveDecimals } = input;
  const sendAmount =
    input.sendAmount ?? principalFor(input.receiveAmount!, rate, sendDecimals, receiveDecimals);
  const receiveAmount = convert(sendAmount, rate, sendDecimals, receiveDecimals);
  if (receiveAmount === 0n) throw new RangeError('sendAmount: too small to receive one minor unit');
  if (input.receiveAmount !== undefined) {
    assert(
      receiveAmount >= input.receiveAmount,
      'priceQuote: receiver gets at least what was asked',
    );
  }
  const fee = quoteFee(sendAmount, policy);
  const totalDebit = sendAmount + fee;
  if (totalDebit > uint64Max || receiveAmount > uint64Max) {
    throw new RangeError('sendAmount: the quote exceeds the unsigned 64-bit range');
  }
  const quote: Quote = {
    id: input.id,
    provider: input.provider,
    sendCurrency: input.sendCurrency,
    receiveCurrency: input.receiveCurrency,
    rate: formatDecimal(rate),
    sendAmount,
    fee,
    totalDebit,
    receiveAmount,
    issuedAtMs: input.nowMs,
    expiresAtMs: input.nowMs + policy.ttlMs,
  };
  assert(
    checkQuoteArithmetic(quote, sendDecimals, receiveDecimals) === undefined,
    'priceQuote: the quote is consistent',
  );
  return quote;
}

/**
 * The smallest principal S with convert(S) >= R. convert(S) = floor(S * n / d) >= R exactly when
 * S * n / d >= R (R is an integer), so S = ceil(R * d / n).
 */
function principalFor(
  receiveAmount: bigint,
  rate: Decimal,
  sendDecimals: number,
  receiveDecimals: number,
): bigint {
  const { numerator, denominator } = conversionRatio(rate, sendDecimals, receiveDecimals);
  const principal = divideCeil(receiveAmount * denominator, numerator);
  assert(principal > 0n, 'principalFor: a positive amount needs a positive principal');
  return principal;
}

function checkInput(input: PriceQuoteInput): void {
  if (!(input.id instanceof Uint8Array) || input.id.length !== quoteIdBytes) {
    throw new TypeError(`id: expected ${quoteIdBytes} bytes`);
  }
  if (
    typeof input.provider !== 'string' ||
    input.provider.length === 0 ||
    input.provider.length > providerLengthMax
  ) {
    throw new TypeError(`provider: expected 1 to ${providerLengthMax} characters`);
  }
  for (const field of ['sendCurrency', 'receiveCurrency'] as const) {
    if (!currencyCodePattern.test(input[field]))
      throw new TypeError(`${field}: expected an ISO 4217 code`);
  }
  if (input.sendCurrency === input.receiveCurrency) {
    throw new RangeError('receiveCurrency: the same as sendCurrency');
  }
  checkInteger(input.sendDecimals, 'sendDecimals', 0, minorDecimalsMax);
  checkInteger(input.receiveDecimals, 'receiveDecimals', 0, minorDecimalsMax);
  checkInteger(input.nowMs, 'nowMs', 0, Number.MAX_SAFE_INTEGER - quoteTtlMsMax);
  if ((input.sendAmount === undefined) === (input.receiveAmount === undefined)) {
    throw new TypeError('sendAmount: give exactly one of sendAmount and receiveAmount');
  }
  for (const field of ['sendAmount', 'receiveAmount'] as const) {
    const amount = input[field];
    if (
      amount !== undefined &&
      (typeof amount !== 'bigint' || amount <= 0n || amount > uint64Max)
    ) {
      throw new RangeError(`${field}: expected a positive bigint below 2^64`);
    }
  }
}

function checkInteger(value: number, field: string, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${field}: expected an integer from ${min} to ${max}`);
  }
}
