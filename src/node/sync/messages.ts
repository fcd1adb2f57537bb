// The node's catch-up and state-sync messages over p2p, in canonical CBOR: a tag, then the fields.
// Blocks come with the QC that certifies each; a snapshot offer proves its state root with a
// certified header; chunks carry range proofs (ledger/state/snapshot.ts). Decoding is strict.

import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readBytes,
  readTuple,
  readUint,
} from '../../codec/index.ts';
import { blockFromValue, blockToValue } from '../../consensus/messages.ts';
import type { Block, BlockHeader } from '../../ledger/block.ts';
import { headerFromValue, headerToValue } from '../../ledger/block.ts';
import { type QuorumCertificate, qcFromValue, qcToValue } from '../../ledger/certificate.ts';
import {
  type EpochRecord,
  epochRecordFromValue,
  epochRecordToValue,
} from '../../ledger/epoch-store.ts';
import { blockTxsMax } from '../../ledger/limits.ts';
import {
  type SnapshotChunk,
  snapshotChunkFromValue,
  snapshotChunkToValue,
} from '../../ledger/state/snapshot.ts';
import { frameBytesMax } from '../../p2p/limits.ts';

/** Most blocks one BlocksRequest may ask for, and one BlocksResponse may carry. */
export const syncBlocksMax = 64;
/** A server stops adding blocks to a response past this many bytes (it always sends one). */
export const syncResponseBlockBytesTarget = 8 * 1024 * 1024;
/** Most headers between a snapshot's block and the certified header that carries its state root. */
export const snapshotOfferHeadersMax = 16;
/** Most blocks of transaction ids one TxIdsResponse may carry. */
export const syncTxIdBlocksMax = 64;
/** Most epoch records one EpochsResponse may carry; a node with more pages through them. */
export const syncEpochsMax = 32;
/** Every sync message fits one p2p frame. */
export const syncMessageBytesMax = frameBytesMax;

export type FetchedBlock = { readonly block: Block; readonly qc: QuorumCertificate };

/** A state snapshot a peer can serve: block `height`, then headers up to one whose QC is `qc`. */
export type SnapshotOffer = {
  readonly height: number;
  /** The block at `height`: the restored node's first block. */
  readonly block: Block;
  /** Headers height + 1 ... X, each the child of the one before; X.stateHeight is `height`. */
  readonly headers: readonly BlockHeader[];
  /** Certifies the last header, whose stateRoot is the snapshot's root. */
  readonly qc: QuorumCertificate;
};

/** One block's header and all its transaction ids, for a restored node's replay set. */
export type TxIdBlock = { readonly header: BlockHeader; readonly txIds: readonly Uint8Array[] };

export type SyncMessage =
  | { readonly type: 'blocks-request'; readonly fromHeight: number; readonly toHeight: number }
  | { readonly type: 'blocks-response'; readonly blocks: readonly FetchedBlock[] }
  | { readonly type: 'snapshot-offer-request' }
  | { readonly type: 'snapshot-offer'; readonly offer: SnapshotOffer | null }
  | {
      readonly type: 'snapshot-chunk-request';
      readonly height: number;
      readonly index: number;
      /** The last key hash of chunk index - 1 (null for chunk 0): the server seeks there. */
      readonly afterKeyHash: Uint8Array | null;
    }
  /** null: the server does not hold that height, or the index is past the last chunk. */
  | { readonly type: 'snapshot-chunk'; readonly chunk: SnapshotChunk | null }
  | { readonly type: 'tx-ids-request'; readonly fromHeight: number; readonly toHeight: number }
  | { readonly type: 'tx-ids'; readonly blocks: readonly TxIdBlock[] }
  /** The validator sets from `fromEpoch` on, with the proofs of their hand-overs (epoch-store.ts). */
  | { readonly type: 'epochs-request'; readonly fromEpoch: number }
  /** Oldest first, from the epoch asked for; fewer than syncEpochsMax: there are no more. */
  | { readonly type: 'epochs'; readonly records: readonly EpochRecord[] };

const tags = {
  'blocks-request': 1,
  'blocks-response': 2,
  'snapshot-offer-request': 3,
  'snapshot-offer': 4,
  'snapshot-chunk-request': 5,
  'snapshot-chunk': 6,
  'tx-ids-request': 7,
  'tx-ids': 8,
  'epochs-request': 9,
  epochs: 10,
} as const satisfies Record<SyncMessage['type'], number>;

function toValue(m: SyncMessage): CborValue {
  switch (m.type) {
    case 'blocks-request':
    case 'tx-ids-request':
      return [tags[m.type], m.fromHeight, m.toHeight];
    case 'blocks-response':
      return [tags[m.type], m.blocks.map((b) => [blockToValue(b.block), qcToValue(b.qc)])];
    case 'snapshot-offer-request':
      return [tags[m.type]];
    case 'snapshot-offer':
      return [tags[m.type], m.offer === null ? null : offerToValue(m.offer)];
    case 'snapshot-chunk-request':
      return [tags[m.type], m.height, m.index, m.afterKeyHash];
    case 'snapshot-chunk':
      return [tags[m.type], m.chunk === null ? null : snapshotChunkToValue(m.chunk)];
    case 'tx-ids':
      return [tags[m.type], m.blocks.map((b) => [headerToValue(b.header), [...b.txIds]])];
    case 'epochs-request':
      return [tags[m.type], m.fromEpoch];
    case 'epochs':
      return [tags[m.type], m.records.map(epochRecordToValue)];
  }
}

function offerToValue(offer: SnapshotOffer): CborValue {
  return [
    offer.height,
    blockToValue(offer.block),
    offer.headers.map(headerToValue),
    qcToValue(offer.qc),
  ];
}

export function encodeSyncMessage(m: SyncMessage): Uint8Array {
  const bytes = encode(toValue(m));
  if (bytes.length > syncMessageBytesMax) {
    throw new CodecError(
      'too_large',
      'syncMessage',
      `${bytes.length} bytes exceeds ${syncMessageBytesMax}`,
    );
  }
  return bytes;
}

/** Decodes one sync message; throws CodecError naming the field for anything malformed. */
export function decodeSyncMessage(bytes: Uint8Array): SyncMessage {
  const items = readArray(
    decode(bytes, { bytesMax: syncMessageBytesMax, field: 'syncMessage' }),
    'syncMessage',
  );
  const tag = readUint(items[0], 'syncMessage.tag');
  const fields = (length: number, field: string): readonly CborValue[] =>
    readTuple(items, field, length + 1).slice(1);
  switch (tag) {
    case tags['blocks-request']:
    case tags['tx-ids-request']: {
      const type = tag === tags['blocks-request'] ? 'blocks-request' : 'tx-ids-request';
      const field = type === 'blocks-request' ? 'blocksRequest' : 'txIdsRequest';
      const [from, to] = fields(2, field);
      const range = readRange(
        from,
        to,
        field,
        type === 'blocks-request' ? syncBlocksMax : syncTxIdBlocksMax,
      );
      return Object.freeze({ type, ...range });
    }
    case tags['blocks-response']: {
      const [list] = fields(1, 'blocksResponse');
      const blocks = readArray(list, 'blocksResponse.blocks', syncBlocksMax).map((item, i) => {
        const [block, qc] = readTuple(item, `blocksResponse.blocks[${i}]`, 2);
        return Object.freeze({
          block: blockFromValue(block, `blocksResponse.blocks[${i}].block`),
          qc: qcFromValue(qc, `blocksResponse.blocks[${i}].qc`),
        });
      });
      return Object.freeze({ type: 'blocks-response', blocks: Object.freeze(blocks) });
    }
    case tags['snapshot-offer-request']:
      fields(0, 'snapshotOfferRequest');
      return Object.freeze({ type: 'snapshot-offer-request' });
    case tags['snapshot-offer']: {
      const [offer] = fields(1, 'snapshotOffer');
      return Object.freeze({
        type: 'snapshot-offer',
        offer: offer === null ? null : offerFromValue(offer),
      });
    }
    case tags['snapshot-chunk-request']: {
      const [height, index, after] = fields(3, 'snapshotChunkRequest');
      const request = {
        type: 'snapshot-chunk-request' as const,
        height: readUint(height, 'snapshotChunkRequest.height'),
        index: readUint(index, 'snapshotChunkRequest.index'),
        afterKeyHash:
          after === null ? null : readBytes(after, 'snapshotChunkRequest.afterKeyHash', 32),
      };
      if ((request.index === 0) !== (request.afterKeyHash === null)) {
        throw new CodecError(
          'out_of_range',
          'snapshotChunkRequest.afterKeyHash',
          'null for chunk 0 only',
        );
      }
      return Object.freeze(request);
    }
    case tags['snapshot-chunk']: {
      const [chunk] = fields(1, 'snapshotChunk');
      return Object.freeze({
        type: 'snapshot-chunk',
        chunk: chunk === null ? null : snapshotChunkFromValue(chunk, 'snapshotChunk.chunk'),
      });
    }
    case tags['tx-ids']: {
      const [list] = fields(1, 'txIds');
      const blocks = readArray(list, 'txIds.blocks', syncTxIdBlocksMax).map((item, i) => {
        const [header, ids] = readTuple(item, `txIds.blocks[${i}]`, 2);
        return Object.freeze({
          header: headerFromValue(header, `txIds.blocks[${i}].header`),
          txIds: Object.freeze(
            readArray(ids, `txIds.blocks[${i}].txIds`, blockTxsMax).map((id, j) =>
              readBytes(id, `txIds.blocks[${i}].txIds[${j}]`, 32),
            ),
          ),
        });
      });
      return Object.freeze({ type: 'tx-ids', blocks: Object.freeze(blocks) });
    }
    case tags['epochs-request']: {
      const [fromEpoch] = fields(1, 'epochsRequest');
      return Object.freeze({
        type: 'epochs-request',
        fromEpoch: readUint(fromEpoch, 'epochsRequest.fromEpoch'),
      });
    }
    case tags.epochs: {
      const [list] = fields(1, 'epochs');
      const records = readArray(list, 'epochs.records', syncEpochsMax).map((item, i) =>
        epochRecordFromValue(item, `epochs.records[${i}]`),
      );
      return Object.freeze({ type: 'epochs', records: Object.freeze(records) });
    }
    default:
      throw new CodecError('out_of_range', 'syncMessage.tag', `unknown message tag ${tag}`);
  }
}

function readRange(
  from: CborValue | undefined,
  to: CborValue | undefined,
  field: string,
  spanMax: number,
): { fromHeight: number; toHeight: number } {
  const fromHeight = readUint(from, `${field}.fromHeight`);
  const toHeight = readUint(to, `${field}.toHeight`);
  if (toHeight < fromHeight)
    throw new CodecError('out_of_range', `${field}.toHeight`, 'is below fromHeight');
  if (toHeight - fromHeight >= spanMax) {
    throw new CodecError('out_of_range', `${field}.toHeight`, `spans more than ${spanMax} blocks`);
  }
  return { fromHeight, toHeight };
}

function offerFromValue(value: CborValue | undefined): SnapshotOffer {
  const [height, block, headers, qc] = readTuple(value, 'snapshotOffer.offer', 4);
  const list = readArray(headers, 'snapshotOffer.offer.headers', snapshotOfferHeadersMax);
  if (list.length === 0) {
    throw new CodecError(
      'out_of_range',
      'snapshotOffer.offer.headers',
      'at least one header is required',
    );
  }
  return Object.freeze({
    height: readUint(height, 'snapshotOffer.offer.height'),
    block: blockFromValue(block, 'snapshotOffer.offer.block'),
    headers: Object.freeze(
      list.map((h, i) => headerFromValue(h, `snapshotOffer.offer.headers[${i}]`)),
    ),
    qc: qcFromValue(qc, 'snapshotOffer.offer.qc'),
  });
}
