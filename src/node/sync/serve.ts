// The serving side of catch-up and state sync: answers from the block store, within the messages'
// limits. Snapshot chunks are served by readSnapshotChunk (ledger/state/snapshot.ts).
import { encodeBlock } from '../../ledger/block.ts';
import type { BlockStore } from '../../ledger/block-store.ts';
import { decodeTransaction } from '../../ledger/tx.ts';
import {
  type FetchedBlock,
  type SnapshotOffer,
  snapshotOfferHeadersMax,
  syncBlocksMax,
  syncResponseBlockBytesTarget,
  syncTxIdBlocksMax,
  type TxIdBlock,
} from './messages.ts';

/** Blocks fromHeight..toHeight with their QCs, stopping at the first one not held or not certified. */
export function collectBlocks(
  blocks: BlockStore,
  fromHeight: number,
  toHeight: number,
): FetchedBlock[] {
  const out: FetchedBlock[] = [];
  let bytes = 0;
  for (let h = fromHeight; h <= toHeight && out.length < syncBlocksMax; h++) {
    const block = blocks.blockAt(h);
    const qc = blocks.certificateAt(h);
    if (block === undefined || qc === undefined) break;
    bytes += encodeBlock(block).length;
    if (out.length > 0 && bytes > syncResponseBlockBytesTarget) break;
    out.push({ block, qc });
  }
  return out;
}

/**
 * An offer of the state at `height`: its block, then headers up to the first that carries that
 * height's state and has a stored QC. Undefined when the store cannot prove it (yet).
 */
export function makeSnapshotOffer(blocks: BlockStore, height: number): SnapshotOffer | undefined {
  const block = blocks.blockAt(height);
  if (block === undefined) return undefined;
  const headers = [];
  for (let h = height + 1; h <= height + snapshotOfferHeadersMax; h++) {
    const header = blocks.blockAt(h)?.header;
    if (header === undefined || header.stateHeight > height) return undefined;
    headers.push(header);
    const qc = header.stateHeight === height ? blocks.certificateAt(h) : undefined;
    if (qc !== undefined) return { height, block, headers, qc };
  }
  return undefined;
}

/** Headers and all transaction ids of blocks fromHeight..toHeight, stopping at one not held. */
export function collectTxIdBlocks(
  blocks: BlockStore,
  fromHeight: number,
  toHeight: number,
): TxIdBlock[] {
  const out: TxIdBlock[] = [];
  for (let h = fromHeight; h <= toHeight && out.length < syncTxIdBlocksMax; h++) {
    const block = blocks.blockAt(h);
    if (block === undefined) break;
    out.push({
      header: block.header,
      txIds: block.txs.map((bytes) => decodeTransaction(bytes).id),
    });
  }
  return out;
}
