// Executes a committed block and makes its results durable: decodes the transactions, refuses
// replays and expired or foreign ones with a result code, runs the rest through the runtime, then
// writes the block, its receipts, the new state-tree version and (when known) its certificate in ONE
// LMDB transaction. After a crash, the store holds either the whole block or none of it.
import { merkleRoot } from '../crypto/merkle.ts';
import { type Block, hashHeader } from '../ledger/block.ts';
import { BlockStore } from '../ledger/block-store.ts';
import type { QuorumCertificate } from '../ledger/certificate.ts';
import { encodeReceipt, hashReceiptBytes, type Receipt } from '../ledger/receipt.ts';
import { openStateTree, type StateTree } from '../ledger/state/index.ts';
import { decodeTransaction, type Transaction } from '../ledger/tx.ts';
import type { Store, WriteBatch } from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual, toHex } from '../util/bytes.ts';
import { LruCache } from '../util/lru-cache.ts';
import { type ExecuteOptions, executeBlock } from './execute.ts';
import { keyId as toKeyId } from './overlay.ts';
import type { Registry } from './registry.ts';
import type { BlockOutput, Event, TxCall } from './types.ts';

/** Result codes the chain itself gives before a transaction reaches a module. */
export const chainCodes = {
  replayed: 'tx_replayed',
  expired: 'tx_expired',
  wrongChain: 'wrong_chain',
} as const;

/** The block-level receipt (begin/end-block events) sits after the transactions, with this id. */
export const blockReceiptTxId = new Uint8Array(32);

export type BlockExecutorOptions = {
  chainId: string;
  execute?: ExecuteOptions;
  /** Latest-state values kept in memory; the tree is walked only on a miss. */
  stateValuesCachedMax?: number;
};

/** Enough for every account of a busy consortium's working set; about 200 bytes an entry. */
export const stateValuesCachedMaxDefault = 200_000;

export type CommittedBlock = {
  readonly height: number;
  readonly blockHash: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
  readonly receipts: readonly Receipt[];
};

export class BlockExecutor {
  readonly blocks: BlockStore;
  readonly state: StateTree;
  readonly #store: Store;
  readonly #registry: Registry;
  readonly #options: BlockExecutorOptions;
  /**
   * Values at the latest height of keys that execution read and found present. This executor is the
   * tree's only writer, so it updates a cached key with each block's changes as it stages them, and
   * a hit is always current. Keys a block creates, and reads that found nothing, are left out: most
   * are a transfer's id, read once to refuse a duplicate and then written, never read again, and
   * keeping them crowded the cache with records nobody reads while their bytes kept Buffer's slabs
   * alive.
   */
  readonly #values: LruCache<string, Uint8Array>;

  constructor(options: BlockExecutorOptions, deps: { store: Store; registry: Registry }) {
    this.#options = options;
    this.#store = deps.store;
    this.#registry = deps.registry;
    this.blocks = new BlockStore(deps.store);
    this.state = openStateTree(deps.store);
    this.#values = new LruCache(options.stateValuesCachedMax ?? stateValuesCachedMaxDefault);
    const executed = this.blocks.executed()?.height;
    assert(
      executed === this.state.committedHeight,
      `state tree at ${this.state.committedHeight}, blocks executed to ${executed}`,
    );
  }

  /** Height of the last executed block, or undefined before genesis. */
  get height(): number | undefined {
    return this.blocks.executed()?.height;
  }

  /**
   * Executes `block` (the next height) and commits it; resolves once it is durable. `decoded` may
   * hand over the transactions already decoded when the block was checked, in block order.
   *
   * Everything up to the write runs before the returned promise is first awaited, so the caller may
   * commit the next block at once: it executes on the state this one staged (the tree's pinned
   * nodes, the value cache, the block store's staged heights and ids) while LMDB still writes this one, and
   * lmdb-js commits the batches in order. A block is only reported durable in height order.
   */
  async commit(
    block: Block,
    certificate?: QuorumCertificate,
    decoded?: readonly Transaction[],
    alsoWrite?: (batch: WriteBatch) => void,
  ): Promise<CommittedBlock> {
    const { header } = block;
    const expected = (this.blocks.stagedExecutedHeight() ?? -1) + 1;
    assert(header.height === expected, `commit: block ${header.height}, expected ${expected}`);
    const txs = decoded ?? block.txs.map((bytes) => decodeTransaction(bytes));
    assert(txs.length === block.txs.length, 'commit: one decoded transaction per transaction');
    txs.forEach((tx, i) => {
      assert(
        tx.bytes === block.txs[i] || bytesEqual(tx.bytes, block.txs[i]!),
        'commit: decoded transactions match the block',
      );
    });
    const blockHash = hashHeader(header);
    const refusals = this.#precheck(txs, header.timeMs);
    const calls: TxCall[] = txs.filter((_, i) => !refusals.has(i)).map(toCall);
    const reader = { get: (key: Uint8Array, id?: string) => this.#readCommitted(key, id) };
    const output = executeBlock(
      this.#registry,
      reader,
      { height: header.height, timeMs: header.timeMs, seed: blockHash },
      calls,
      this.#options.execute,
    );
    const receipts = buildReceipts(header.height, txs, refusals, output);
    const encodedReceipts = receipts.map(encodeReceipt);
    const resultsRoot = merkleRoot(encodedReceipts.map(hashReceiptBytes));
    const prepared = this.state.prepareBlock(header.height, output.changes);
    const batch = this.#store.writeBatch();
    const replays = new Set(
      [...refusals].filter(([, r]) => r.code === chainCodes.replayed).map(([i]) => i),
    );
    this.blocks.addBlock(
      batch,
      block,
      txs.map((t) => t.id),
      replays,
    );
    this.blocks.addExecution(
      batch,
      { height: header.height, stateRoot: prepared.root, resultsRoot },
      receipts,
      encodedReceipts,
    );
    if (certificate !== undefined) this.blocks.addCertificate(batch, certificate);
    // What the caller keeps with the block (the next epoch's set) commits with it or not at all.
    alsoWrite?.(batch);
    this.state.stageBlock(prepared, batch);
    // Cached values follow the block's writes; a key not cached stays out (reads fill the cache).
    for (const { key, value } of output.changes) {
      const id = toKeyId(key);
      if (value === null) this.#values.delete(id);
      else this.#values.replace(id, value);
    }
    await batch.commit();
    return { height: header.height, blockHash, stateRoot: prepared.root, resultsRoot, receipts };
  }

  #readCommitted(key: Uint8Array, keyId?: string): Uint8Array | undefined {
    if (this.state.latestHeight === undefined) return undefined;
    const id = keyId ?? toKeyId(key);
    const cached = this.#values.get(id);
    if (cached !== undefined) return cached;
    const value = this.state.get(key);
    if (value === null) return undefined;
    this.#values.set(id, value);
    return value;
  }

  /** Transactions that never reach a module: replays (here or earlier in the block), expired, foreign. */
  #precheck(
    txs: readonly Transaction[],
    timeMs: number,
  ): Map<number, { code: string; message: string }> {
    const refusals = new Map<number, { code: string; message: string }>();
    const seen = new Set<string>();
    txs.forEach((tx, i) => {
      const id = toHex(tx.id);
      if (tx.chainId !== this.#options.chainId) {
        refusals.set(i, {
          code: chainCodes.wrongChain,
          message: `transaction is for chain ${tx.chainId}`,
        });
      } else if (seen.has(id) || this.blocks.hasTx(tx.id)) {
        refusals.set(i, { code: chainCodes.replayed, message: 'transaction already committed' });
      } else if (tx.expiresAtMs < timeMs) {
        refusals.set(i, {
          code: chainCodes.expired,
          message: 'transaction expired before this block',
        });
      }
      seen.add(id);
    });
    return refusals;
  }
}

function toCall(tx: Transaction): TxCall {
  return {
    txId: tx.id,
    suite: tx.suite,
    signer: tx.signer,
    module: tx.module,
    method: tx.method,
    args: tx.args,
  };
}

function buildReceipts(
  height: number,
  txs: readonly Transaction[],
  refusals: ReadonlyMap<number, { code: string; message: string }>,
  output: BlockOutput,
): Receipt[] {
  const receipts: Receipt[] = [];
  let next = 0;
  txs.forEach((tx, index) => {
    const refused = refusals.get(index);
    if (refused !== undefined) {
      receipts.push({
        txId: tx.id,
        height,
        index,
        code: refused.code,
        message: refused.message,
        events: [],
      });
      return;
    }
    const result = output.results[next++]!;
    assert(bytesEqual(result.txId, tx.id), 'results follow the transactions');
    receipts.push({
      txId: tx.id,
      height,
      index,
      code: result.code,
      message: result.message ?? '',
      events: toLedgerEvents(result.events),
    });
  });
  assert(next === output.results.length, 'every result has its transaction');
  receipts.push({
    txId: blockReceiptTxId,
    height,
    index: txs.length,
    code: 'ok',
    message: '',
    events: toLedgerEvents(output.events),
  });
  return receipts;
}

function toLedgerEvents(events: readonly Event[]): Receipt['events'] {
  return events.map((e) => ({ module: e.module, type: e.type, attributes: e.attributes }));
}
