// Where committed blocks live: blocks by height and by hash, transactions by id (which doubles as the
// chain's replay set), receipts, and the certificate that made each block final. Writes join a
// caller's WriteBatch, so a block, its receipts and its state-tree nodes commit in one transaction.
import { decode, encode, readTuple, readUint } from '../codec/index.ts';
import {
  decodeUintKey,
  encodeUintKey,
  type Store,
  type Table,
  type WriteBatch,
} from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { concatBytes } from '../util/bytes.ts';
import { type Block, decodeBlock, encodeBlock, hashHeader } from './block.ts';
import { type QuorumCertificate, qcFromValue, qcToValue } from './certificate.ts';
import { decodeReceipt, encodeReceipt, type Receipt } from './receipt.ts';

export type TxLocation = { readonly height: number; readonly index: number };

export type ExecutedInfo = {
  readonly height: number;
  readonly stateRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
};

const metaKeys = {
  latest: new Uint8Array([1]),
  executed: new Uint8Array([2]),
};

export class BlockStore {
  readonly #blocks: Table;
  readonly #hashes: Table;
  readonly #txs: Table;
  readonly #receipts: Table;
  readonly #certificates: Table;
  readonly #meta: Table;

  constructor(store: Store) {
    this.#blocks = store.db('blocks');
    this.#hashes = store.db('block-hashes');
    this.#txs = store.db('txs');
    this.#receipts = store.db('receipts');
    this.#certificates = store.db('certificates');
    this.#meta = store.db('block-meta');
  }

  /**
   * Adds a committed block at the next height; `txIds` are its transaction ids, in order. Positions
   * in `unindexed` (replays of committed transactions) keep pointing at the first commit.
   */
  addBlock(
    batch: WriteBatch,
    block: Block,
    txIds: readonly Uint8Array[],
    unindexed: ReadonlySet<number> = new Set(),
  ): Uint8Array {
    const height = block.header.height;
    const latest = this.latestHeight();
    assert(
      latest === undefined ? true : height === latest + 1,
      `block store: height ${height} does not follow ${latest}`,
    );
    assert(txIds.length === block.txs.length, 'block store: one id per transaction');
    const hash = hashHeader(block.header);
    const heightKey = encodeUintKey(height);
    batch.put(this.#blocks, heightKey, encodeBlock(block));
    batch.put(this.#hashes, hash, heightKey);
    txIds.forEach((id, index) => {
      if (!unindexed.has(index)) batch.put(this.#txs, id, encode([height, index]));
    });
    batch.put(this.#meta, metaKeys.latest, heightKey);
    return hash;
  }

  /**
   * Records the receipts of executing the block at `height` and the roots that result; `encoded`
   * may carry the receipts' canonical bytes when the caller already has them.
   */
  addExecution(
    batch: WriteBatch,
    info: ExecutedInfo,
    receipts: readonly Receipt[],
    encoded?: readonly Uint8Array[],
  ): void {
    const executed = this.executed();
    assert(
      executed === undefined || info.height === executed.height + 1,
      `block store: execution of ${info.height} out of order`,
    );
    assert(
      encoded === undefined || encoded.length === receipts.length,
      'block store: one encoding per receipt',
    );
    receipts.forEach((receipt, i) => {
      assert(receipt.height === info.height, 'block store: receipt of another height');
      batch.put(
        this.#receipts,
        receiptKey(receipt.height, receipt.index),
        encoded?.[i] ?? encodeReceipt(receipt),
      );
    });
    batch.put(
      this.#meta,
      metaKeys.executed,
      encode([info.height, info.stateRoot, info.resultsRoot]),
    );
  }

  /** Stores the QC that certifies the block at its height (kept for light clients and catch-up). */
  addCertificate(batch: WriteBatch, qc: QuorumCertificate): void {
    batch.put(this.#certificates, encodeUintKey(qc.height), encode(qcToValue(qc)));
  }

  latestHeight(): number | undefined {
    const raw = this.#meta.get(metaKeys.latest);
    return raw === undefined ? undefined : decodeUintKey(raw);
  }

  executed(): ExecutedInfo | undefined {
    const raw = this.#meta.get(metaKeys.executed);
    if (raw === undefined) return undefined;
    const items = readTuple(decode(raw), 'executed', 3);
    return {
      height: readUint(items[0], 'executed.height'),
      stateRoot: items[1] as Uint8Array,
      resultsRoot: items[2] as Uint8Array,
    };
  }

  blockAt(height: number): Block | undefined {
    const raw = this.#blocks.get(encodeUintKey(height));
    return raw === undefined ? undefined : decodeBlock(raw);
  }

  heightOf(blockHash: Uint8Array): number | undefined {
    const raw = this.#hashes.get(blockHash);
    return raw === undefined ? undefined : decodeUintKey(raw);
  }

  /** Where a committed transaction is; its presence is what makes a replay fail. */
  txLocation(txId: Uint8Array): TxLocation | undefined {
    const raw = this.#txs.get(txId);
    if (raw === undefined) return undefined;
    const items = readTuple(decode(raw), 'txLocation', 2);
    return {
      height: readUint(items[0], 'txLocation.height'),
      index: readUint(items[1], 'txLocation.index'),
    };
  }

  hasTx(txId: Uint8Array): boolean {
    return this.#txs.has(txId);
  }

  txBytes(txId: Uint8Array): Uint8Array | undefined {
    const at = this.txLocation(txId);
    return at === undefined ? undefined : this.blockAt(at.height)?.txs[at.index];
  }

  receipt(txId: Uint8Array): Receipt | undefined {
    const at = this.txLocation(txId);
    if (at === undefined) return undefined;
    const raw = this.#receipts.get(receiptKey(at.height, at.index));
    return raw === undefined ? undefined : decodeReceipt(raw);
  }

  receiptsAt(height: number): Receipt[] {
    const start = receiptKey(height, 0);
    const end = receiptKey(height + 1, 0);
    return [...this.#receipts.range({ start, end })].map((e) => decodeReceipt(e.value));
  }

  certificateAt(height: number): QuorumCertificate | undefined {
    const raw = this.#certificates.get(encodeUintKey(height));
    return raw === undefined ? undefined : qcFromValue(decode(raw), 'certificate');
  }
}

function receiptKey(height: number, index: number): Uint8Array {
  return concatBytes(encodeUintKey(height), encodeUintKey(index));
}
