// Where committed blocks live: blocks by height and by hash, transactions by id (which doubles as the
// chain's replay set), receipts, the roots each block's execution left, and the certificate that
// made each block final. Writes join a caller's WriteBatch, so a block, its receipts and its
// state-tree nodes commit in one transaction.
//
// A store need not start at genesis: installBase records a block restored from a state snapshot as
// the first one held (the base), with the ids of transactions committed before it that have not yet
// expired. prune(h) drops blocks, receipts, roots, certificates and hash-index rows below h; the ids
// of their transactions stay until those expire. What reads answer below the base (after either):
// blockAt, heightOf, txBytes, receipt, certificateAt, executedAt: undefined; receiptsAt: []; hasTx:
// true while the id is kept (so replays are still refused); txLocation: the height and index it was
// committed at.
import { decode, encode, readTuple, readUint } from '../codec/index.ts';
import {
  decodeUintKey,
  encodeUintKey,
  type Store,
  type Table,
  type WriteBatch,
  writeUint64,
} from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual, concatBytes, latin1FromBytes } from '../util/bytes.ts';
import { type Block, decodeBlock, encodeBlock, hashHeader } from './block.ts';
import type {
  BlockPruneResult,
  BlockStoreBase,
  ExecutedInfo,
  TxLocation,
} from './block-store-types.ts';
import { type QuorumCertificate, qcFromValue, qcToValue } from './certificate.ts';
import { txExpiryWindowMs } from './limits.ts';
import { decodeReceipt, encodeReceipt, type Receipt } from './receipt.ts';
import { RecentTxFilter } from './recent-tx-filter.ts';
import { decodeTransaction } from './tx.ts';

export type {
  BlockPruneResult,
  BlockStoreBase,
  ExecutedInfo,
  ReplayBlock,
  TxLocation,
} from './block-store-types.ts';

type PruneCounts = { -readonly [K in Exclude<keyof BlockPruneResult, 'baseHeight'>]: number };

/**
 * An id is dropped only once block time passes its transaction's expiry by this much, so clocks that
 * differ a little between proposers can never let a replay through.
 */
export const txExpiryPruneMarginMs = 60_000;
/** Deletes and puts per prune transaction: a large prune never holds the write lock long. */
export const blockPruneBatchOpsMax = 20_000;

const metaKeys = {
  latest: new Uint8Array([1]),
  executed: new Uint8Array([2]),
  base: new Uint8Array([3]),
};

export class BlockStore {
  readonly #store: Store;
  readonly #blocks: Table;
  readonly #hashes: Table;
  readonly #txs: Table;
  readonly #receipts: Table;
  readonly #certificates: Table;
  readonly #meta: Table;
  /**
   * Each executed height's roots: height -> [stateRoot, resultsRoot]. Blocks outlive their state
   * versions under prune.keepStates, and an event stream resumed there still names each block's
   * state root.
   */
  readonly #roots: Table;
  /** Kept ids of pruned or restored blocks, by expiry: (expiresAtMs u64 || txId) -> height. */
  readonly #expiry: Table;
  #pruning = false;
  /**
   * What batches not yet committed add, so that the next block can be added, and its replays
   * refused, while the last one is still being written: the latest block height and executed
   * height staged, and the staged blocks' transaction ids (as latin1 strings). Each entry goes when
   * its batch settles; from then on LMDB answers.
   */
  #stagedLatest: number | undefined;
  #stagedExecuted: number | undefined;
  readonly #stagedTxs = new Set<string>();
  /**
   * executed() as last read from LMDB, until a batch that rewrites it settles. The node asks for
   * the executed height many times a block (the commit pipeline, the proposal gate, the payload
   * builder), and each read was an LMDB get and a decode: about 3 us, 1.7% of four validators'
   * CPU at 38 blocks a second (perf). Only this object writes the record, so it knows when to read
   * again.
   */
  #executedRead: { readonly info: ExecutedInfo | undefined } | undefined;
  /**
   * The ids of the blocks this object added, for hasTxExpiringAt. Twice the expiry window is kept,
   * so that a node whose clock runs behind the block times still finds its answers here.
   */
  readonly #recentTxs = new RecentTxFilter({
    generationSpanMs: txExpiryWindowMs / 2,
    retainMs: 2 * txExpiryWindowMs,
  });

  constructor(store: Store) {
    this.#store = store;
    this.#blocks = store.db('blocks');
    this.#hashes = store.db('block-hashes');
    this.#txs = store.db('txs');
    this.#receipts = store.db('receipts');
    this.#certificates = store.db('certificates');
    this.#meta = store.db('block-meta');
    this.#roots = store.db('executed-roots');
    this.#expiry = store.db('tx-expiry');
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
    const latest = this.#stagedLatest ?? this.latestHeight();
    assert(
      latest === undefined ? true : height === latest + 1,
      `block store: height ${height} does not follow ${latest}`,
    );
    assert(txIds.length === block.txs.length, 'block store: one id per transaction');
    const hash = hashHeader(block.header);
    const heightKey = encodeUintKey(height);
    batch.put(this.#blocks, heightKey, encodeBlock(block));
    batch.put(this.#hashes, hash, heightKey);
    const staged: string[] = [];
    txIds.forEach((id, index) => {
      if (unindexed.has(index)) return;
      batch.put(this.#txs, id, encode([height, index]));
      staged.push(txIdKey(id));
    });
    batch.put(this.#meta, metaKeys.latest, heightKey);
    this.#stage(batch, height, staged);
    this.#recentTxs.addBlock(block.header.timeMs, txIds, latest === undefined);
    return hash;
  }

  /** Remembers what `batch` adds until it settles (see #stagedLatest). */
  #stage(batch: WriteBatch, height: number, txIds: readonly string[]): void {
    this.#stagedLatest = height;
    for (const id of txIds) this.#stagedTxs.add(id);
    batch.onSettled(() => {
      // Batches that share a transaction may settle out of order: a later one's entry stays.
      if (this.#stagedLatest === height) this.#stagedLatest = undefined;
      for (const id of txIds) this.#stagedTxs.delete(id);
    });
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
    const executed = this.stagedExecutedHeight();
    assert(
      executed === undefined || info.height === executed + 1,
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
    this.#putExecuted(batch, info);
    this.#stagedExecuted = info.height;
    batch.onSettled(() => {
      if (this.#stagedExecuted === info.height) this.#stagedExecuted = undefined;
    });
  }

  #putExecuted(batch: WriteBatch, info: ExecutedInfo): void {
    batch.put(
      this.#meta,
      metaKeys.executed,
      encode([info.height, info.stateRoot, info.resultsRoot]),
    );
    batch.put(this.#roots, encodeUintKey(info.height), encode([info.stateRoot, info.resultsRoot]));
    batch.onSettled(() => {
      this.#executedRead = undefined;
    });
  }

  /** Stores the QC that certifies the block at its height (kept for light clients and catch-up). */
  addCertificate(batch: WriteBatch, qc: QuorumCertificate): void {
    batch.put(this.#certificates, encodeUintKey(qc.height), encode(qcToValue(qc)));
  }

  /**
   * Records `base.block` as the first block of an empty store (a node restored from a snapshot at
   * its height): latestHeight() and executed() answer its height, and blocks below it are absent.
   */
  installBase(batch: WriteBatch, base: BlockStoreBase): void {
    const { block, qc, executed } = base;
    const height = block.header.height;
    assert(this.latestHeight() === undefined, 'block store: a base goes into an empty store');
    assert(executed.height === height, 'block store: the base is executed at its own height');
    assert(base.txIds.length === block.txs.length, 'block store: one id per transaction');
    const hash = hashHeader(block.header);
    assert(
      qc.height === height && bytesEqual(qc.blockHash, hash),
      'block store: the QC certifies the base',
    );
    const heightKey = encodeUintKey(height);
    const indexed = new Set<string>();
    const index = (id: Uint8Array, at: number, position: number): boolean => {
      const key = txIdKey(id);
      if (indexed.has(key)) return false;
      indexed.add(key);
      batch.put(this.#txs, id, encode([at, position]));
      return true;
    };
    let previous = -1;
    for (const replay of base.replay) {
      assert(
        replay.height > previous && replay.height < height,
        'block store: replay blocks ascend below the base',
      );
      previous = replay.height;
      const expiresAtMs = replay.timeMs + txExpiryWindowMs;
      replay.txIds.forEach((id, i) => {
        if (index(id, replay.height, i))
          batch.put(this.#expiry, expiryKey(expiresAtMs, id), encodeUintKey(replay.height));
      });
    }
    for (const [i, id] of base.txIds.entries()) index(id, height, i);
    batch.put(this.#blocks, heightKey, encodeBlock(block));
    batch.put(this.#hashes, hash, heightKey);
    batch.put(this.#certificates, heightKey, encode(qcToValue(qc)));
    batch.put(this.#meta, metaKeys.latest, heightKey);
    batch.put(this.#meta, metaKeys.base, heightKey);
    this.#putExecuted(batch, { ...executed, height });
  }

  /** The lowest height whose block is held: the base, raised by prune; undefined when empty. */
  baseHeight(): number | undefined {
    const raw = this.#meta.get(metaKeys.base);
    if (raw !== undefined) return decodeUintKey(raw);
    const [first] = this.#blocks.keys({ limit: 1 });
    return first === undefined ? undefined : decodeUintKey(first);
  }

  /**
   * Removes blocks below `keepFromHeight` with their receipts, certificates and hash-index rows, in
   * bounded transactions (each raises the base, so a crash between them leaves a consistent store).
   * Transaction ids are kept until block time (the latest block's) passes their expiry by the margin;
   * ids kept by earlier prunes or a base install are dropped here once they have expired.
   */
  async prune(keepFromHeight: number): Promise<BlockPruneResult> {
    const executed = this.executed()?.height;
    if (!Number.isSafeInteger(keepFromHeight) || keepFromHeight < 0) {
      throw new RangeError('keepFromHeight: expected a height');
    }
    if (executed === undefined || keepFromHeight > executed) {
      throw new RangeError(
        `keepFromHeight: ${keepFromHeight} is past the last executed height ${executed}`,
      );
    }
    if (this.#pruning) throw new Error('block store: a prune is already running');
    this.#pruning = true;
    try {
      const latest = this.blockAt(this.latestHeight()!);
      assert(latest !== undefined, 'block store: the latest block is held');
      const nowMs = latest.header.timeMs;
      const txIdsExpired = await this.#dropExpiredIds(nowMs);
      const counts = await this.#pruneBlocks(keepFromHeight, nowMs);
      return {
        ...counts,
        txIdsRemoved: counts.txIdsRemoved + txIdsExpired,
        baseHeight: this.baseHeight(),
      };
    } finally {
      this.#pruning = false;
    }
  }

  async #dropExpiredIds(nowMs: number): Promise<number> {
    if (nowMs <= txExpiryPruneMarginMs) return 0;
    const end = encodeUintKey(nowMs - txExpiryPruneMarginMs);
    let removed = 0;
    for (;;) {
      const keys = [...this.#expiry.keys({ end, limit: blockPruneBatchOpsMax / 2 })];
      if (keys.length === 0) return removed;
      const batch = this.#store.writeBatch();
      for (const key of keys) {
        batch.del(this.#expiry, key);
        batch.del(this.#txs, key.subarray(8));
      }
      await batch.commit();
      removed += keys.length;
    }
  }

  async #pruneBlocks(keepFromHeight: number, nowMs: number): Promise<PruneCounts> {
    const counts: PruneCounts = {
      blocksRemoved: 0,
      receiptsRemoved: 0,
      certificatesRemoved: 0,
      txIdsRemoved: 0,
      txIdsKept: 0,
    };
    let height = this.baseHeight() ?? keepFromHeight;
    while (height < keepFromHeight) {
      const batch = this.#store.writeBatch();
      while (height < keepFromHeight && batch.size < blockPruneBatchOpsMax) {
        this.#pruneBlock(batch, height, nowMs, counts);
        height++;
      }
      batch.put(this.#meta, metaKeys.base, encodeUintKey(height));
      await batch.commit();
    }
    return counts;
  }

  #pruneBlock(batch: WriteBatch, height: number, nowMs: number, counts: PruneCounts): void {
    const heightKey = encodeUintKey(height);
    const block = this.blockAt(height);
    if (block !== undefined) {
      block.txs.forEach((bytes, index) => {
        const tx = decodeTransaction(bytes);
        const at = this.txLocation(tx.id);
        // A replay refused at this position points at the first commit: that block decides.
        if (at === undefined || at.height !== height || at.index !== index) return;
        if (nowMs > tx.expiresAtMs + txExpiryPruneMarginMs) {
          batch.del(this.#txs, tx.id);
          counts.txIdsRemoved++;
        } else {
          batch.put(this.#expiry, expiryKey(tx.expiresAtMs, tx.id), heightKey);
          counts.txIdsKept++;
        }
      });
      batch.del(this.#hashes, hashHeader(block.header));
      batch.del(this.#blocks, heightKey);
      counts.blocksRemoved++;
    }
    if (this.#roots.has(heightKey)) batch.del(this.#roots, heightKey);
    for (const key of this.#receipts.keys({
      start: receiptKey(height, 0),
      end: receiptKey(height + 1, 0),
    })) {
      batch.del(this.#receipts, key);
      counts.receiptsRemoved++;
    }
    if (this.#certificates.has(heightKey)) {
      batch.del(this.#certificates, heightKey);
      counts.certificatesRemoved++;
    }
  }

  latestHeight(): number | undefined {
    const raw = this.#meta.get(metaKeys.latest);
    return raw === undefined ? undefined : decodeUintKey(raw);
  }

  /** The last executed height, counting one staged in a batch that has not committed yet. */
  stagedExecutedHeight(): number | undefined {
    return this.#stagedExecuted ?? this.executed()?.height;
  }

  executed(): ExecutedInfo | undefined {
    this.#executedRead ??= { info: this.#readExecuted() };
    return this.#executedRead.info;
  }

  #readExecuted(): ExecutedInfo | undefined {
    const raw = this.#meta.get(metaKeys.executed);
    if (raw === undefined) return undefined;
    const items = readTuple(decode(raw), 'executed', 3);
    return Object.freeze({
      height: readUint(items[0], 'executed.height'),
      stateRoot: items[1] as Uint8Array,
      resultsRoot: items[2] as Uint8Array,
    });
  }

  /**
   * The roots after executing the block at `height`, while the block is held; undefined for a
   * block executed before this store kept them (it then holds the latest only).
   */
  executedAt(height: number): ExecutedInfo | undefined {
    const raw = this.#roots.get(encodeUintKey(height));
    if (raw === undefined) return undefined;
    const items = readTuple(decode(raw), 'executed roots', 2);
    return { height, stateRoot: items[0] as Uint8Array, resultsRoot: items[1] as Uint8Array };
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

  /** Also true for a transaction of a block staged in a batch that has not committed yet. */
  hasTx(txId: Uint8Array): boolean {
    return (this.#stagedTxs.size > 0 && this.#stagedTxs.has(txIdKey(txId))) || this.#txs.has(txId);
  }

  /**
   * hasTx for a transaction that expires at `expiresAtMs`. Only a block timed at or after
   * `expiresAtMs - txExpiryWindowMs` can have carried it (the block check refuses a transaction
   * that expires later than that after its block), and for those the ids this object added answer
   * most "no"s without reading LMDB (recent-tx-filter.ts). For the checks before execution:
   * execution asks hasTx itself, so a block that broke that rule (which no honest quorum certifies,
   * but a chain built without block checks, like the tests' LocalChain, can hold) still has its
   * replays refused there.
   */
  hasTxExpiringAt(txId: Uint8Array, expiresAtMs: number): boolean {
    if (this.#recentTxs.covers(expiresAtMs - txExpiryWindowMs) && !this.#recentTxs.mayContain(txId))
      return false;
    return this.hasTx(txId);
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

/** Kept ids sorted by expiry, so a range scan finds the expired ones. */
function expiryKey(expiresAtMs: number, txId: Uint8Array): Uint8Array {
  return concatBytes(encodeUintKey(expiresAtMs), txId);
}

/** (height, index), 16 bytes: one per transaction of every block, so written in place. */
function receiptKey(height: number, index: number): Uint8Array {
  assert(
    Number.isSafeInteger(height) && height >= 0 && Number.isSafeInteger(index) && index >= 0,
    'block store: a receipt key is two non-negative integers',
  );
  const key = new Uint8Array(16);
  writeUint64(key, 0, height);
  writeUint64(key, 8, index);
  return key;
}

function txIdKey(id: Uint8Array): string {
  return latin1FromBytes(id);
}
