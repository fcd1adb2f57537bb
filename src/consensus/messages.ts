// The messages validators exchange (DiemBFT v4 section 4 / Jolteon, plus block sync), and their
// canonical encoding: a tag then the fields, in deterministic CBOR. Decoding refuses anything else.
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readBytesMax,
  readTuple,
  readUint,
} from '../codec/index.ts';
import { type Block, type BlockHeader, headerFromValue, headerToValue } from '../ledger/block.ts';
import {
  type QuorumCertificate,
  qcFromValue,
  qcToValue,
  type TimeoutCertificate,
  type TimeoutVote,
  tcFromValue,
  tcToValue,
  timeoutVoteFromValue,
  timeoutVoteToValue,
  type Vote,
  voteFromValue,
  voteToValue,
} from '../ledger/certificate.ts';
import { readSignature } from '../ledger/keys.ts';
import { blockBytesMax, blockTxsMax, txBytesMax } from '../ledger/limits.ts';

/** A sync response carries whole blocks: bounded by this many block-sized frames. */
export const messageBytesMax = 4 * blockBytesMax;
/** Most blocks and headers a sync response may carry, in each of its lists. */
export const syncListLengthMax = 256;

/** A block, signed by its proposer; the signature is the proposer's vote for it. */
export type Proposal = {
  readonly type: 'proposal';
  readonly block: Block;
  readonly signature: Uint8Array;
  /** TC for round - 1, present when the block does not extend a QC of round - 1. */
  readonly tc: TimeoutCertificate | null;
};

export type VoteMessage = { readonly type: 'vote'; readonly vote: Vote };

/** A timeout vote, with the QC it names (Jolteon carries the QC so the next leader can extend it). */
export type TimeoutMessage = {
  readonly type: 'timeout';
  readonly timeout: TimeoutVote;
  readonly highQc: QuorumCertificate;
};

/** Sent to a peer that is behind: the certificates that move it to the current round. */
export type SyncInfo = {
  readonly type: 'sync-info';
  readonly highQc: QuorumCertificate;
  readonly highTc: TimeoutCertificate | null;
};

export type SyncRequest = { readonly type: 'sync-request'; readonly fromHeight: number };

/** Headers after the last committed block sent, ending in a certified 2-chain: proof of commit. */
export type CommitWitness = {
  readonly headers: readonly BlockHeader[];
  readonly qc: QuorumCertificate;
};

export type SyncResponse = {
  readonly type: 'sync-response';
  /** Committed blocks from the requested height, consecutive, within one epoch. */
  readonly blocks: readonly Block[];
  readonly witness: CommitWitness | null;
  /** Certified blocks above the responder's committed tip, up to its highest QC's block. */
  readonly tail: readonly Block[];
  readonly highQc: QuorumCertificate;
  readonly highTc: TimeoutCertificate | null;
};

export type Message =
  | Proposal
  | VoteMessage
  | TimeoutMessage
  | SyncInfo
  | SyncRequest
  | SyncResponse;

const tags = {
  proposal: 1,
  vote: 2,
  timeout: 3,
  'sync-info': 4,
  'sync-request': 5,
  'sync-response': 6,
} as const;

export function blockToValue(block: Block): CborValue {
  return [headerToValue(block.header), block.txs];
}

export function blockFromValue(value: CborValue | undefined, field: string): Block {
  const items = readTuple(value, field, 2);
  const header = headerFromValue(items[0], `${field}.header`);
  const txs = readArray(items[1], `${field}.txs`, blockTxsMax).map((t, i) =>
    readBytesMax(t, `${field}.txs[${i}]`, txBytesMax),
  );
  return Object.freeze({ header, txs: Object.freeze(txs) });
}

function optionalTc(tc: TimeoutCertificate | null): CborValue {
  return tc === null ? null : tcToValue(tc);
}

function readOptionalTc(value: CborValue | undefined, field: string): TimeoutCertificate | null {
  return value === null ? null : tcFromValue(value, field);
}

function messageToValue(m: Message): CborValue {
  switch (m.type) {
    case 'proposal':
      return [tags.proposal, blockToValue(m.block), m.signature, optionalTc(m.tc)];
    case 'vote':
      return [tags.vote, voteToValue(m.vote)];
    case 'timeout':
      return [tags.timeout, timeoutVoteToValue(m.timeout), qcToValue(m.highQc)];
    case 'sync-info':
      return [tags['sync-info'], qcToValue(m.highQc), optionalTc(m.highTc)];
    case 'sync-request':
      return [tags['sync-request'], m.fromHeight];
    case 'sync-response':
      return [
        tags['sync-response'],
        m.blocks.map(blockToValue),
        m.witness === null ? null : [m.witness.headers.map(headerToValue), qcToValue(m.witness.qc)],
        m.tail.map(blockToValue),
        qcToValue(m.highQc),
        optionalTc(m.highTc),
      ];
  }
}

export function encodeMessage(m: Message): Uint8Array {
  return encode(messageToValue(m));
}

/** Decodes one message; throws CodecError naming the field for anything malformed. */
export function decodeMessage(bytes: Uint8Array): Message {
  const value = decode(bytes, { bytesMax: messageBytesMax, field: 'message' });
  const items = readArray(value, 'message');
  const tag = readUint(items[0], 'message.tag');
  const expect = (length: number): void => {
    if (items.length !== length) {
      throw new CodecError(
        'wrong_type',
        'message',
        `expected ${length} items, got ${items.length}`,
      );
    }
  };
  switch (tag) {
    case tags.proposal:
      expect(4);
      return Object.freeze({
        type: 'proposal',
        block: blockFromValue(items[1], 'proposal.block'),
        signature: readSignature(items[2], 'proposal.signature'),
        tc: readOptionalTc(items[3], 'proposal.tc'),
      });
    case tags.vote:
      expect(2);
      return Object.freeze({ type: 'vote', vote: voteFromValue(items[1], 'vote') });
    case tags.timeout:
      expect(3);
      return Object.freeze({
        type: 'timeout',
        timeout: timeoutVoteFromValue(items[1], 'timeout.vote'),
        highQc: qcFromValue(items[2], 'timeout.highQc'),
      });
    case tags['sync-info']:
      expect(3);
      return Object.freeze({
        type: 'sync-info',
        highQc: qcFromValue(items[1], 'syncInfo.highQc'),
        highTc: readOptionalTc(items[2], 'syncInfo.highTc'),
      });
    case tags['sync-request']:
      expect(2);
      return Object.freeze({
        type: 'sync-request',
        fromHeight: readUint(items[1], 'syncRequest.fromHeight'),
      });
    case tags['sync-response']:
      expect(6);
      return decodeSyncResponse(items);
    default:
      throw new CodecError('out_of_range', 'message.tag', `unknown message tag ${tag}`);
  }
}

function readBlocks(value: CborValue | undefined, field: string): readonly Block[] {
  const list = readArray(value, field, syncListLengthMax);
  return Object.freeze(list.map((b, i) => blockFromValue(b, `${field}[${i}]`)));
}

function decodeSyncResponse(items: readonly CborValue[]): SyncResponse {
  let witness: CommitWitness | null = null;
  if (items[2] !== null) {
    const parts = readTuple(items[2], 'syncResponse.witness', 2);
    const headers = readArray(parts[0], 'syncResponse.witness.headers', syncListLengthMax);
    if (headers.length === 0) {
      throw new CodecError(
        'out_of_range',
        'syncResponse.witness.headers',
        'needs at least one header',
      );
    }
    witness = Object.freeze({
      headers: Object.freeze(
        headers.map((h, i) => headerFromValue(h, `syncResponse.witness.headers[${i}]`)),
      ),
      qc: qcFromValue(parts[1], 'syncResponse.witness.qc'),
    });
  }
  return Object.freeze({
    type: 'sync-response',
    blocks: readBlocks(items[1], 'syncResponse.blocks'),
    witness,
    tail: readBlocks(items[3], 'syncResponse.tail'),
    highQc: qcFromValue(items[4], 'syncResponse.highQc'),
    highTc: readOptionalTc(items[5], 'syncResponse.highTc'),
  });
}
