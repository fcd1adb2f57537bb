// The ledger types covered by the golden vectors, each with its encode, decode and hash, and a JSON
// view (bytes as hex, integers over 2^53 as decimal strings) that another language can compare with.
import { type CborValue, decode, encode } from '../../src/codec/index.ts';
import {
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
  hashHeader,
} from '../../src/ledger/block.ts';
import {
  qcFromValue,
  qcToValue,
  tcFromValue,
  tcToValue,
  timeoutVoteFromValue,
  timeoutVoteToValue,
  voteFromValue,
  voteToValue,
} from '../../src/ledger/certificate.ts';
import { decodeReceipt, encodeReceipt, hashReceipt } from '../../src/ledger/receipt.ts';
import { decodeTransaction } from '../../src/ledger/tx.ts';
import {
  decodeValidatorSet,
  encodeValidatorSet,
  hashValidatorSet,
} from '../../src/ledger/validator-set.ts';
import { toHex } from '../../src/util/bytes.ts';

export type Kind = {
  encode: (value: never) => Uint8Array;
  decode: (bytes: Uint8Array) => unknown;
  hash?: (value: never) => Uint8Array;
};

function viaValue<T>(
  toValue: (v: T) => CborValue,
  fromValue: (v: CborValue, field: string) => T,
  field: string,
) {
  return {
    encode: (v: T) => encode(toValue(v)),
    decode: (bytes: Uint8Array) => fromValue(decode(bytes, { field }), field),
  };
}

export const kinds = {
  transaction: {
    encode: (tx: { bytes: Uint8Array }) => tx.bytes,
    decode: decodeTransaction,
    hash: (tx: { id: Uint8Array }) => tx.id,
  },
  header: { encode: encodeHeader, decode: decodeHeader, hash: hashHeader },
  block: {
    encode: encodeBlock,
    decode: decodeBlock,
    hash: (b: { header: Parameters<typeof hashHeader>[0] }) => hashHeader(b.header),
  },
  vote: viaValue(voteToValue, voteFromValue, 'vote'),
  quorumCertificate: viaValue(qcToValue, qcFromValue, 'qc'),
  timeoutVote: viaValue(timeoutVoteToValue, timeoutVoteFromValue, 'timeout'),
  timeoutCertificate: viaValue(tcToValue, tcFromValue, 'tc'),
  validatorSet: { encode: encodeValidatorSet, decode: decodeValidatorSet, hash: hashValidatorSet },
  receipt: { encode: encodeReceipt, decode: decodeReceipt, hash: hashReceipt },
} satisfies Record<string, Kind>;

export type KindName = keyof typeof kinds;

/** JSON view of a decoded object: what the golden file records as its fields. */
export function jsonView(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonView);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        // Both derived: the encoding itself, and a transaction's id in hex (`id` is in the view).
        .filter(([k]) => k !== 'bytes' && k !== 'idHex')
        .map(([k, v]) => [k, jsonView(v)]),
    );
  }
  return value;
}
