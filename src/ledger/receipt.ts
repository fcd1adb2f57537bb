// Receipts and events: what executing a transaction did. A block's receipts are committed by the
// `resultsRoot` of a later header (a Merkle root of receipt hashes), so a client can prove an outcome.
import {
  type CborValue,
  decode,
  encode,
  readArray,
  readBytes,
  readMap,
  readString,
  readTuple,
  readUint,
} from '../codec/index.ts';
import { hashEncoded } from './hashing.ts';
import {
  eventsPerReceiptMax,
  methodNameLengthMax,
  moduleNameLengthMax,
  resultMessageLengthMax,
} from './limits.ts';

export type Event = {
  readonly module: string;
  readonly type: string;
  readonly attributes: { readonly [key: string]: CborValue };
};

export type Receipt = {
  readonly txId: Uint8Array;
  readonly height: number;
  /** Position of the transaction in its block. */
  readonly index: number;
  /** 'ok', or the module's result code ('exceeds_credits', 'quote_expired', ...). */
  readonly code: string;
  readonly message: string;
  readonly events: readonly Event[];
};

export function eventToValue(e: Event): CborValue {
  return [e.module, e.type, e.attributes];
}

export function eventFromValue(value: CborValue | undefined, field: string): Event {
  const items = readTuple(value, field, 3);
  return Object.freeze({
    module: readString(items[0], `${field}.module`, moduleNameLengthMax),
    type: readString(items[1], `${field}.type`, methodNameLengthMax * 2),
    attributes: readMap(items[2], `${field}.attributes`),
  });
}

export function receiptToValue(r: Receipt): CborValue {
  return [r.txId, r.height, r.index, r.code, r.message, r.events.map(eventToValue)];
}

export function receiptFromValue(value: CborValue | undefined, field: string): Receipt {
  const items = readTuple(value, field, 6);
  const events = readArray(items[5], `${field}.events`, eventsPerReceiptMax);
  return Object.freeze({
    txId: readBytes(items[0], `${field}.txId`, 32),
    height: readUint(items[1], `${field}.height`),
    index: readUint(items[2], `${field}.index`),
    code: readString(items[3], `${field}.code`, 64),
    message: readString(items[4], `${field}.message`, resultMessageLengthMax),
    events: Object.freeze(events.map((e, i) => eventFromValue(e, `${field}.events[${i}]`))),
  });
}

export function encodeReceipt(r: Receipt): Uint8Array {
  return encode(receiptToValue(r));
}

export function decodeReceipt(bytes: Uint8Array): Receipt {
  return receiptFromValue(decode(bytes, { field: 'receipt' }), 'receipt');
}

export function hashReceipt(r: Receipt): Uint8Array {
  return hashReceiptBytes(encodeReceipt(r));
}

/** The hash of a receipt already encoded (a commit encodes each receipt once, to hash and to store). */
export function hashReceiptBytes(encoded: Uint8Array): Uint8Array {
  return hashEncoded('receipt', encoded);
}
