// Block header and block. A header commits to its parent, the transactions (a Merkle root of their
// ids), the time, the epoch's validator set, the QC that certifies its parent (chained HotStuff), and
// the state root and receipts root after executing the last committed block (`stateHeight`):
// execution follows commit, so a header certifies state that was already final when it was proposed.
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readBytes,
  readBytesMax,
  readString,
  readTuple,
  readUint,
} from '../codec/index.ts';
import { merkleRoot } from '../crypto/merkle.ts';
import { bytesEqual } from '../util/bytes.ts';
import { type QuorumCertificate, qcFromValue, qcToValue } from './certificate.ts';
import { hashEncoded } from './hashing.ts';
import {
  blockBytesMax,
  blockTxsMax,
  chainIdLengthMax,
  txBytesMax,
  validatorsMax,
} from './limits.ts';
import { decodeTransaction } from './tx.ts';

const headerVersion = 1;

export type BlockHeader = {
  readonly chainId: string;
  readonly height: number;
  readonly epoch: number;
  readonly round: number;
  readonly parentHash: Uint8Array;
  /** Block time, ms since the Unix epoch: the only clock modules see. */
  readonly timeMs: number;
  /** Index of the proposing validator in the epoch's set. */
  readonly proposer: number;
  readonly txRoot: Uint8Array;
  readonly txCount: number;
  /** Height of the last committed, executed block whose results this header carries. */
  readonly stateHeight: number;
  readonly stateRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
  readonly validatorSetHash: Uint8Array;
  /** QC for the parent block. */
  readonly justify: QuorumCertificate;
};

export type Block = {
  readonly header: BlockHeader;
  /** Canonical bytes of each signed transaction, in execution order. */
  readonly txs: readonly Uint8Array[];
};

export function headerToValue(h: BlockHeader): CborValue {
  return [
    headerVersion,
    h.chainId,
    h.height,
    h.epoch,
    h.round,
    h.parentHash,
    h.timeMs,
    h.proposer,
    h.txRoot,
    h.txCount,
    h.stateHeight,
    h.stateRoot,
    h.resultsRoot,
    h.validatorSetHash,
    qcToValue(h.justify),
  ];
}

export function headerFromValue(value: CborValue | undefined, field: string): BlockHeader {
  const items = readTuple(value, field, 15);
  if (items[0] !== headerVersion) {
    throw new CodecError(
      'out_of_range',
      `${field}.version`,
      `unsupported version (expected ${headerVersion})`,
    );
  }
  const header: BlockHeader = Object.freeze({
    chainId: readString(items[1], `${field}.chainId`, chainIdLengthMax),
    height: readUint(items[2], `${field}.height`),
    epoch: readUint(items[3], `${field}.epoch`),
    round: readUint(items[4], `${field}.round`),
    parentHash: readBytes(items[5], `${field}.parentHash`, 32),
    timeMs: readUint(items[6], `${field}.timeMs`),
    proposer: readUint(items[7], `${field}.proposer`, validatorsMax - 1),
    txRoot: readBytes(items[8], `${field}.txRoot`, 32),
    txCount: readUint(items[9], `${field}.txCount`, blockTxsMax),
    stateHeight: readUint(items[10], `${field}.stateHeight`),
    stateRoot: readBytes(items[11], `${field}.stateRoot`, 32),
    resultsRoot: readBytes(items[12], `${field}.resultsRoot`, 32),
    validatorSetHash: readBytes(items[13], `${field}.validatorSetHash`, 32),
    justify: qcFromValue(items[14], `${field}.justify`),
  });
  checkHeaderLinks(header, field);
  return header;
}

function checkHeaderLinks(h: BlockHeader, field: string): void {
  if (h.stateHeight >= h.height && h.height > 0) {
    throw new CodecError('out_of_range', `${field}.stateHeight`, 'must be below the block height');
  }
  if (h.height > 0 && h.justify.height !== h.height - 1) {
    throw new CodecError(
      'out_of_range',
      `${field}.justify.height`,
      'must certify the parent (height - 1)',
    );
  }
  if (h.height > 0 && !bytesEqual(h.justify.blockHash, h.parentHash)) {
    throw new CodecError(
      'out_of_range',
      `${field}.justify.blockHash`,
      'must certify the parent hash',
    );
  }
  if (h.height > 0 && h.justify.round >= h.round) {
    throw new CodecError(
      'out_of_range',
      `${field}.round`,
      'must be above the round of its justify QC',
    );
  }
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return encode(headerToValue(h));
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  return headerFromValue(decode(bytes, { field: 'header' }), 'header');
}

export function hashHeader(h: BlockHeader): Uint8Array {
  return hashEncoded('header', encodeHeader(h));
}

export function encodeBlock(block: Block): Uint8Array {
  return encode([headerToValue(block.header), block.txs]);
}

/** Decodes a block's shape; `checkBlockBody` then ties the transactions to the header. */
export function decodeBlock(bytes: Uint8Array): Block {
  const items = readTuple(decode(bytes, { bytesMax: blockBytesMax, field: 'block' }), 'block', 2);
  const header = headerFromValue(items[0], 'block.header');
  const txs = readArray(items[1], 'block.txs', blockTxsMax).map((t, i) =>
    readBytesMax(t, `block.txs[${i}]`, txBytesMax),
  );
  return Object.freeze({ header, txs: Object.freeze(txs) });
}

export type BodyCheck = { ok: true; txIds: Uint8Array[] } | { ok: false; reason: string };

/** Decodes every transaction and checks the count and Merkle root the header commits to. */
export function checkBlockBody(block: Block): BodyCheck {
  if (block.txs.length !== block.header.txCount)
    return { ok: false, reason: 'txCount does not match the body' };
  const txIds: Uint8Array[] = [];
  for (let i = 0; i < block.txs.length; i++) {
    try {
      txIds.push(decodeTransaction(block.txs[i]!).id);
    } catch (error) {
      return { ok: false, reason: `block.txs[${i}]: ${(error as Error).message}` };
    }
  }
  if (!bytesEqual(merkleRoot(txIds), block.header.txRoot))
    return { ok: false, reason: 'txRoot does not match the body' };
  return { ok: true, txIds };
}
