// FX quotes: what an FX provider promises (pair, rate, fee, amounts, validity), their canonical CBOR
// form, the bytes a provider signs, and the arithmetic every node re-checks. Browser-safe.
//
// Rounding (documented here once; pricing.ts follows it):
//   receiveAmount = floor(sendAmount * rate * 10^(receiveDecimals - sendDecimals)), computed as an exact
//   rational with bigint, so the receiver never gets more than the rate gives and at most one minor
//   unit less. totalDebit = sendAmount + fee exactly. The rate is ISO 20022 BaseOneRate: receive major
//   units per one send major unit, at most 11 digits, at most 10 after the point.
import {
  type CborValue,
  CodecError,
  encode,
  readBytes,
  readEnum,
  readRecord,
  readString,
  readUint,
  readUint64,
} from '../../codec/index.ts';
import type { SuiteId } from '../../crypto/suite.ts';
import { suiteIds } from '../../crypto/suite.ts';
import { concatBytes, utf8 } from '../../util/bytes.ts';
import {
  type Decimal,
  type DecimalLimits,
  divideFloor,
  minorDecimalsMax,
  parseDecimal,
  pow10,
} from './decimal.ts';

export type Quote = {
  /** 16 bytes, provider-chosen, used once on chain. */
  id: Uint8Array;
  /** The FX provider's organisation id. */
  provider: string;
  sendCurrency: string;
  receiveCurrency: string;
  /** Receive major units per 1 send major unit (ISO 20022 BaseOneRate). */
  rate: string;
  /** Principal in minor units of sendCurrency. */
  sendAmount: bigint;
  /** Minor units of sendCurrency. */
  fee: bigint;
  /** sendAmount + fee: what the sender pays. */
  totalDebit: bigint;
  /** Minor units of receiveCurrency: convert(sendAmount, rate, ...), rounded down. */
  receiveAmount: bigint;
  issuedAtMs: number;
  expiresAtMs: number;
};

export type SignedQuote = {
  quote: Quote;
  suite: SuiteId;
  publicKey: Uint8Array;
  signature: Uint8Array;
};

export const quoteIdBytes = 16;
/** Organisation ids are short slugs; the cap keeps a quote small. */
export const providerLengthMax = 64;
/** ISO 20022 BaseOneRate: totalDigits 11, fractionDigits 10. */
export const rateLimits: Readonly<DecimalLimits> = Object.freeze({
  fractionDigitsMax: 10,
  totalDigitsMax: 11,
});
export const currencyCodePattern = /^[A-Z]{3}$/;
/** The suites' public key sizes (src/crypto/suite.ts: Ed25519 raw, P-256 and SM2 compressed SEC1). */
export const publicKeyBytesBySuite: Readonly<Record<SuiteId, number>> = Object.freeze({
  ed25519: 32,
  p256: 33,
  sm2: 33,
});
/** All three suites sign with 64 bytes (Ed25519, or r || s for the ECDSA-style suites). */
export const quoteSignatureBytes = 64;
/** The signing domain: a quote signature can never be taken for a signature over anything else. */
export const quoteDomainTag = 'tally/fx-quote/v1';

const uint64Max = (1n << 64n) - 1n;
const domainTagBytes = utf8(`${quoteDomainTag}\0`);
const quoteFields = [
  'id',
  'provider',
  'sendCurrency',
  'receiveCurrency',
  'rate',
  'sendAmount',
  'fee',
  'totalDebit',
  'receiveAmount',
  'issuedAtMs',
  'expiresAtMs',
] as const;
const signedQuoteFields = ['quote', 'suite', 'publicKey', 'signature'] as const;

export function quoteToCbor(q: Quote): CborValue {
  return {
    id: q.id,
    provider: q.provider,
    sendCurrency: q.sendCurrency,
    receiveCurrency: q.receiveCurrency,
    rate: q.rate,
    sendAmount: q.sendAmount,
    fee: q.fee,
    totalDebit: q.totalDebit,
    receiveAmount: q.receiveAmount,
    issuedAtMs: q.issuedAtMs,
    expiresAtMs: q.expiresAtMs,
  };
}

/**
 * Reads a quote strictly: exactly the known keys, each of its type and bounds, the rate in
 * BaseOneRate form. Throws CodecError naming the field. The arithmetic between the fields is
 * checked separately (checkQuoteArithmetic), because it needs the currencies' decimals.
 */
export function readQuote(v: CborValue | undefined, field: string): Quote {
  const m = readRecord(v, field, quoteFields);
  const rate = readString(m.rate, `${field}.rate`, rateLimits.totalDigitsMax + 2);
  parseDecimal(rate, `${field}.rate`, rateLimits);
  return {
    id: readBytes(m.id, `${field}.id`, quoteIdBytes),
    provider: readProvider(m.provider, `${field}.provider`),
    sendCurrency: readCurrency(m.sendCurrency, `${field}.sendCurrency`),
    receiveCurrency: readCurrency(m.receiveCurrency, `${field}.receiveCurrency`),
    rate,
    sendAmount: readUint64(m.sendAmount, `${field}.sendAmount`),
    fee: readUint64(m.fee, `${field}.fee`),
    totalDebit: readUint64(m.totalDebit, `${field}.totalDebit`),
    receiveAmount: readUint64(m.receiveAmount, `${field}.receiveAmount`),
    issuedAtMs: readUint(m.issuedAtMs, `${field}.issuedAtMs`),
    expiresAtMs: readUint(m.expiresAtMs, `${field}.expiresAtMs`),
  };
}

export function signedQuoteToCbor(s: SignedQuote): CborValue {
  return {
    quote: quoteToCbor(s.quote),
    suite: s.suite,
    publicKey: s.publicKey,
    signature: s.signature,
  };
}

/** Reads a signed quote strictly; the key and signature sizes are the suite's. Does not verify. */
export function readSignedQuote(v: CborValue | undefined, field: string): SignedQuote {
  const m = readRecord(v, field, signedQuoteFields);
  const suite = readEnum(m.suite, `${field}.suite`, suiteIds);
  return {
    quote: readQuote(m.quote, `${field}.quote`),
    suite,
    publicKey: readBytes(m.publicKey, `${field}.publicKey`, publicKeyBytesBySuite[suite]),
    signature: readBytes(m.signature, `${field}.signature`, quoteSignatureBytes),
  };
}

/** What the provider signs: the domain tag 'tally/fx-quote/v1', a NUL, then the quote's canonical CBOR. */
export function quoteSigningBytes(q: Quote): Uint8Array {
  return concatBytes(domainTagBytes, encode(quoteToCbor(q)));
}

/**
 * sendAmount minor units of the send currency at `rate`, in minor units of the receive currency,
 * rounded DOWN: floor(sendAmount * rate * 10^(receiveDecimals - sendDecimals)), exactly.
 */
export function convert(
  sendAmount: bigint,
  rate: Decimal,
  sendDecimals: number,
  receiveDecimals: number,
): bigint {
  const { numerator, denominator } = conversionRatio(rate, sendDecimals, receiveDecimals);
  if (sendAmount < 0n) throw new RangeError('sendAmount: must not be negative');
  return divideFloor(sendAmount * numerator, denominator);
}

/**
 * convert(x) = floor(x * numerator / denominator); pricing inverts it with the same ratio. Both are
 * positive integers: the power of ten goes to whichever side keeps them integral.
 */
export function conversionRatio(
  rate: Decimal,
  sendDecimals: number,
  receiveDecimals: number,
): { numerator: bigint; denominator: bigint } {
  checkDecimals(sendDecimals, 'sendDecimals');
  checkDecimals(receiveDecimals, 'receiveDecimals');
  if (rate.units <= 0n) throw new RangeError('rate: must be positive');
  const shift = receiveDecimals - sendDecimals;
  const numerator = rate.units * pow10(Math.max(shift, 0));
  const denominator = pow10(rate.scale) * pow10(Math.max(-shift, 0));
  return { numerator, denominator };
}

/**
 * Undefined when the quote's numbers agree with each other, else a message for the
 * 'quote_inconsistent' result saying which do not: totalDebit = sendAmount + fee, receiveAmount =
 * convert(sendAmount, rate), both amounts positive, distinct currencies, expiry after issue.
 */
export function checkQuoteArithmetic(
  q: Quote,
  sendDecimals: number,
  receiveDecimals: number,
): string | undefined {
  let rate: Decimal;
  try {
    rate = parseDecimal(q.rate, 'rate', rateLimits);
  } catch (error) {
    return error instanceof Error ? error.message : 'rate: not a BaseOneRate decimal';
  }
  if (q.sendCurrency === q.receiveCurrency) return 'sendCurrency and receiveCurrency are the same';
  if (q.sendAmount <= 0n) return 'sendAmount must be positive';
  if (q.fee < 0n) return 'fee must not be negative';
  if (q.totalDebit !== q.sendAmount + q.fee || q.totalDebit > uint64Max) {
    return `totalDebit ${q.totalDebit} is not sendAmount ${q.sendAmount} + fee ${q.fee}`;
  }
  const expected = convert(q.sendAmount, rate, sendDecimals, receiveDecimals);
  if (q.receiveAmount !== expected) {
    return `receiveAmount ${q.receiveAmount} is not ${expected} (sendAmount ${q.sendAmount} at rate ${q.rate}, rounded down)`;
  }
  if (q.receiveAmount <= 0n) return 'receiveAmount must be positive';
  if (q.expiresAtMs <= q.issuedAtMs) return 'expiresAtMs must be after issuedAtMs';
  return undefined;
}

function readProvider(value: CborValue | undefined, field: string): string {
  const provider = readString(value, field, providerLengthMax);
  if (provider.length === 0) throw new CodecError('out_of_range', field, 'must not be empty');
  return provider;
}

function readCurrency(value: CborValue | undefined, field: string): string {
  const code = readString(value, field, 3);
  if (!currencyCodePattern.test(code))
    throw new CodecError('wrong_type', field, 'expected an ISO 4217 code (three capital letters)');
  return code;
}

function checkDecimals(decimals: number, field: string): void {
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > minorDecimalsMax) {
    throw new RangeError(`${field}: expected an integer from 0 to ${minorDecimalsMax}`);
  }
}
