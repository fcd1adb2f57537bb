// The JSON form of a signed quote, as the API serves it and the SDK sends it back (docs/api.md):
// the same fields as the CBOR form, bytes as lower-case hex, amounts as decimal strings. Reading
// goes through readSignedQuote, so JSON input meets exactly the checks the chain applies. Browser-safe.
import { type CborValue, CodecError } from '../../codec/index.ts';
import { fromHex, toHex } from '../../util/bytes.ts';
import { readSignedQuote, type SignedQuote } from './quote.ts';

export type SignedQuoteJson = {
  quote: {
    id: string;
    provider: string;
    sendCurrency: string;
    receiveCurrency: string;
    rate: string;
    sendAmount: string;
    fee: string;
    totalDebit: string;
    receiveAmount: string;
    issuedAtMs: number;
    expiresAtMs: number;
  };
  suite: string;
  publicKey: string;
  signature: string;
};

export function signedQuoteToJson(s: SignedQuote): SignedQuoteJson {
  const q = s.quote;
  return {
    quote: {
      id: toHex(q.id),
      provider: q.provider,
      sendCurrency: q.sendCurrency,
      receiveCurrency: q.receiveCurrency,
      rate: q.rate,
      sendAmount: q.sendAmount.toString(),
      fee: q.fee.toString(),
      totalDebit: q.totalDebit.toString(),
      receiveAmount: q.receiveAmount.toString(),
      issuedAtMs: q.issuedAtMs,
      expiresAtMs: q.expiresAtMs,
    },
    suite: s.suite,
    publicKey: toHex(s.publicKey),
    signature: toHex(s.signature),
  };
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CodecError('wrong_type', field, 'expected an object');
  return value as Record<string, unknown>;
}

function hex(value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(value))
    throw new CodecError('wrong_type', field, 'expected lower-case hex');
  return fromHex(value);
}

function amount(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !/^(?:0|[1-9][0-9]{0,19})$/.test(value))
    throw new CodecError('wrong_type', field, 'expected a decimal string of minor units');
  return BigInt(value);
}

/** Throws CodecError naming the field, as readSignedQuote does. */
export function signedQuoteFromJson(value: unknown, field = 'quote'): SignedQuote {
  const s = record(value, field);
  const q = record(s.quote, `${field}.quote`);
  const f = `${field}.quote`;
  return readSignedQuote(
    {
      quote: {
        // The other fields go to readSignedQuote as they are; it checks their types.
        ...(q as { [key: string]: CborValue }),
        id: hex(q.id, `${f}.id`),
        sendAmount: amount(q.sendAmount, `${f}.sendAmount`),
        fee: amount(q.fee, `${f}.fee`),
        totalDebit: amount(q.totalDebit, `${f}.totalDebit`),
        receiveAmount: amount(q.receiveAmount, `${f}.receiveAmount`),
      },
      suite: s.suite as CborValue,
      publicKey: hex(s.publicKey, `${field}.publicKey`),
      signature: hex(s.signature, `${field}.signature`),
    },
    field,
  );
}
