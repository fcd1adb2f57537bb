// Transactions: who signs (suite + public key), for which chain, replay protection (a client nonce
// plus an expiry: the chain remembers ids until they expire), and one module call. Encoded as
// [bodyBytes, signature] so the id, which is also what gets signed, is a hash of bytes already at hand.
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readBytes,
  readString,
  readTuple,
  readUint,
  readUint64,
  toUint64,
} from '../codec/index.ts';
import type { SignatureSuite, SuiteId } from '../crypto/suite.ts';
import { assert } from '../util/assert.ts';
import { toHex } from '../util/bytes.ts';
import { hashEncoded } from './hashing.ts';
import { checkPublicKey, readPublicKey, readSignature, readSuite } from './keys.ts';
import {
  chainIdLengthMax,
  methodNameLengthMax,
  moduleNameLengthMax,
  txBytesMax,
} from './limits.ts';

const txVersion = 1;

export type TransactionBody = {
  readonly chainId: string;
  readonly suite: SuiteId;
  readonly signer: Uint8Array;
  /** Client-chosen; together with the body it makes the id unique, so a retry is the same transaction. */
  readonly nonce: bigint;
  /** Block time (ms since the Unix epoch) after which the transaction can no longer be included. */
  readonly expiresAtMs: number;
  readonly module: string;
  readonly method: string;
  readonly args: CborValue;
};

export type Transaction = TransactionBody & {
  readonly signature: Uint8Array;
  /** sha256 over the body under the 'tx' domain; the signature signs exactly these 32 bytes. */
  readonly id: Uint8Array;
  /**
   * `id` in lowercase hex, made once with the transaction: the block check, the executor's replay
   * sets and the leader's in-flight map key by it, and hexing the same 32 bytes at each of them
   * was about 3% of a saturated validator's main thread.
   */
  readonly idHex: string;
  /** The canonical encoding of the signed transaction. */
  readonly bytes: Uint8Array;
};

const identifierPattern = /^[a-z][a-z0-9_-]*$/;

function readIdentifier(value: CborValue | undefined, field: string, lengthMax: number): string {
  const text = readString(value, field, lengthMax);
  if (!identifierPattern.test(text))
    throw new CodecError('wrong_type', field, 'expected a lower-case identifier');
  return text;
}

export function createTransactionBody(body: TransactionBody): TransactionBody {
  // Round-trip through the boundary checks so a body built in code obeys the same rules as decoded ones.
  return decodeTransactionBody(encodeTransactionBody(body));
}

export function encodeTransactionBody(body: TransactionBody): Uint8Array {
  checkPublicKey(body.signer, body.suite, 'tx.signer');
  return encode([
    txVersion,
    body.chainId,
    body.suite,
    body.signer,
    toUint64(body.nonce, 'tx.nonce'),
    body.expiresAtMs,
    body.module,
    body.method,
    body.args,
  ]);
}

export function decodeTransactionBody(bytes: Uint8Array): TransactionBody {
  const items = readTuple(
    decode(bytes, { bytesMax: txBytesMax, field: 'tx.body', views: true }),
    'tx.body',
    9,
  );
  if (items[0] !== txVersion)
    throw new CodecError(
      'out_of_range',
      'tx.version',
      `unsupported version (expected ${txVersion})`,
    );
  const suite = readSuite(items[2], 'tx.suite');
  return Object.freeze({
    chainId: readString(items[1], 'tx.chainId', chainIdLengthMax),
    suite,
    signer: readPublicKey(items[3], suite, 'tx.signer'),
    nonce: readUint64(items[4], 'tx.nonce'),
    expiresAtMs: readUint(items[5], 'tx.expiresAtMs'),
    module: readIdentifier(items[6], 'tx.module', moduleNameLengthMax),
    method: readIdentifier(items[7], 'tx.method', methodNameLengthMax),
    args: items[8]!,
  });
}

export function transactionId(bodyBytes: Uint8Array): Uint8Array {
  return hashEncoded('tx', bodyBytes);
}

/** Signs a body with the signer's secret key; the suite must be the body's. */
export function signTransaction(
  body: TransactionBody,
  suite: SignatureSuite,
  secretKey: Uint8Array,
): Transaction {
  assert(suite.id === body.suite, 'signTransaction: suite does not match the body');
  const bodyBytes = encodeTransactionBody(body);
  const id = transactionId(bodyBytes);
  const signature = suite.sign(id, secretKey);
  const bytes = encode([bodyBytes, signature]);
  if (bytes.length > txBytesMax)
    throw new CodecError('too_large', 'tx', `${bytes.length} bytes exceeds ${txBytesMax}`);
  return Object.freeze({
    ...decodeTransactionBody(bodyBytes),
    signature,
    id,
    idHex: toHex(id),
    bytes,
  });
}

/** Decodes and checks the shape of a signed transaction; the signature itself is checked separately. */
export function decodeTransaction(bytes: Uint8Array): Transaction {
  const outer = readTuple(
    decode(bytes, { bytesMax: txBytesMax, field: 'tx', views: true }),
    'tx',
    2,
  );
  const bodyBytes = readBytes(outer[0], 'tx.body');
  const signature = readSignature(outer[1], 'tx.signature');
  const body = decodeTransactionBody(bodyBytes);
  const id = transactionId(bodyBytes);
  return Object.freeze({ ...body, signature, id, idHex: toHex(id), bytes });
}

export function verifyTransactionSignature(tx: Transaction, suite: SignatureSuite): boolean {
  assert(suite.id === tx.suite, 'verifyTransactionSignature: suite does not match the transaction');
  return suite.verify(tx.id, tx.signature, tx.signer);
}
