// Executes a committed block and makes its results durable: decodes the transactions, refuses
// replays and expired or foreign ones with a result code, runs the rest through the runtime, then
// writes the block, its receipts, the new state-tree version and (when known) its certificate in ONE
// LMDB transaction. After a crash, the store holds either the whole block or none of it.
import { merkleRoot } from '../crypto/merkle.ts';
import { type Block, hashHeader } from '../ledger/block.ts';
import { BlockStore } from '../ledger/block-store.ts';
import type { QuorumCertificate } from '../ledger/certificate.ts';
import { encodeReceipt, hashReceiptBytes, type Receipt } from '../ledger/receipt.ts';
import { openStateTree, type StateChange, type StateTree } from '../ledger/state/index.ts';
import { TreeWorker, type TreeWorkerOptions } from '../ledger/state/remote-tree.ts';
import { decodeTransaction, type Transaction } from '../ledger/tx.ts';
import type { Store, WriteBatch } from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';
import { LruCache } from '../util/lru-cache.ts';
import { buildReceipts, toCall } from './block-receipts.ts';
import { type ExecuteOptions, executeBlockSteps } from './execute.ts';
import { keyId as toKeyId } from './overlay.ts';
import type { Registry } from './registry.ts';
import type { BlockOutput, TxCall } from './types.ts';

/** Result codes the chain itself gives before a transaction reaches a module. */
export const chainCodes = {
  replayed: 'tx_replayed',
  expired: 'tx_expired',
  wrongChain: 'wrong_chain',
} as const;

export { blockReceiptTxId } from './block-receipts.ts';

export type BlockExecutorOptions = {
  chainId: string;
  execute?: ExecuteOptions;
  /** Latest-state values kept in memory; the tree is walked only on a miss. */
  stateValuesCachedMax?: number;
  /**
   * Prepare each block's state-tree version on a worker thread, while the main thread executes the
   * next block (default: on the main thread, as the block is staged). close() ends the worker.
   */
  treeWorker?: boolean | TreeWorkerOptions;
};

/** A block executed, with everything its batch needs but the tree version. */
type Executed = {
  readonly height: number;
  readonly block: Block;
  readonly blockHash: Uint8Array;
  readonly txs: readonly Transaction[];
  /** Indexes of transactions refused as replays: not indexed again under their id. */
  readonly replays: ReadonlySet<number>;
  readonly changes: readonly StateChange[];
  /** keyId of each change's key. */
  readonly changeIds: readonly string[];
  readonly receipts: readonly Receipt[];
  readonly encodedReceipts: readonly Uint8Array[];
  readonly resultsRoot: Uint8Array;
};

/** A block about to execute: checked, decoded, and the transactions the chain refuses itself. */
type Plan = {
  readonly block: Block;
  readonly txs: readonly Transaction[];
  readonly blockHash: Uint8Array;
  readonly refusals: ReadonlyMap<number, { code: string; message: string }>;
};

/** What an executed block wrote, read from memory until its batch commits (tree worker only). */
type InFlight = {
  readonly height: number;
  /** By keyId; null: deleted. */
  readonly values: ReadonlyMap<string, Uint8Array | null>;
  /** Hex ids of the transactions it holds (replays excepted). */
  readonly txIds: ReadonlySet<string>;
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
  /** Prepares tree versions off the main thread, when the options ask for it. */
  readonly #treeWorker: TreeWorker | undefined;
  /**
   * Blocks executed whose batch has not committed yet, in height order (only with the tree worker:
   * the tree reads a height it did not prepare only once it is on disk).
   */
  readonly #inFlight: InFlight[] = [];
  /** Settles once the last block handed to commit() is staged (or has failed). */
  #staging: Promise<void> = Promise.resolve();
  /** The last block executed, staged or not. */
  #executedHeight: number | undefined;
  /** Set by the first block that failed to stage: later ones would build on a gap. */
  #failed: Error | undefined;
  /** True while a block executes in slices: no other may start before it ends. */
  #executing = false;

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
    this.#executedHeight = executed;
    const { treeWorker } = options;
    if (treeWorker !== undefined && treeWorker !== false)
      this.#treeWorker = new TreeWorker(deps.store, treeWorker === true ? {} : treeWorker);
  }

  /** Height of the last executed block, or undefined before genesis. */
  get height(): number | undefined {
    return this.blocks.executed()?.height;
  }

  /**
   * Executes `block` (the next height) and commits it; resolves once it is durable. `decoded` may
   * hand over the transactions already decoded when the block was checked, in block order.
   *
   * The block executes before the returned promise is first awaited, so the caller may commit the
   * next block at once: it executes on the state this one left while this one is written. On the
   * main thread, the block's tree version is prepared and staged at once, and the next block reads
   * it from the value cache, the tree's staged heights (pinned nodes) and the block store's staged
   * heights and ids. With the tree worker, the version is prepared there while the next blocks
   * execute, and a block's writes and transaction ids are read from memory (#inFlight) until its
   * batch commits, since this thread's tree reads only committed heights then. Batches are staged
   * in height order and lmdb-js commits them in that order, so a block is only ever durable after
   * the one before it.
   */
  async commit(
    block: Block,
    certificate?: QuorumCertificate,
    decoded?: readonly Transaction[],
    alsoWrite?: (batch: WriteBatch) => void,
  ): Promise<CommittedBlock> {
    if (this.#failed !== undefined) throw this.#failed;
    if (this.#treeWorker === undefined) {
      // Nothing here holds the executed block across the wait: its transactions, changes and
      // encoded receipts may go while the batch is written, and not outlive the scavenges of the
      // next block's execution.
      const { batch, committed } = this.#stageHere(
        this.#execute(block, decoded),
        certificate,
        alsoWrite,
      );
      await batch.commit();
      return committed;
    }
    const executed = this.#execute(block, decoded);
    return this.#commitOnWorker(this.#treeWorker, executed, certificate, alsoWrite);
  }

  /**
   * commit(), for a node that must keep answering its peers while it executes: the execution hands
   * the thread back whenever it has run for `sliceMs` (setImmediate, so sockets and timers go
   * first). Resolves once the block is executed and staged, when the next block may be committed,
   * with `durable`, which settles once it is written. The state execution reads changes only when
   * a block is staged, so a block executed in slices gives what commit() gives. Blocks go one after
   * the other: starting one before the last has resolved is a bug.
   */
  async commitInSlices(
    block: Block,
    sliceMs: number,
    certificate?: QuorumCertificate,
    decoded?: readonly Transaction[],
    alsoWrite?: (batch: WriteBatch) => void,
  ): Promise<{ durable: Promise<CommittedBlock> }> {
    if (this.#failed !== undefined) throw this.#failed;
    const executed = await this.#executeInSlices(block, decoded, sliceMs);
    if (this.#treeWorker === undefined) {
      const { batch, committed } = this.#stageHere(executed, certificate, alsoWrite);
      return { durable: batch.commit().then(() => committed) };
    }
    return { durable: this.#commitOnWorker(this.#treeWorker, executed, certificate, alsoWrite) };
  }

  /** On this thread: prepares and stages the block's tree version at once. */
  #stageHere(
    executed: Executed,
    certificate: QuorumCertificate | undefined,
    alsoWrite: ((batch: WriteBatch) => void) | undefined,
  ): { batch: WriteBatch; committed: CommittedBlock } {
    const { height, changes } = executed;
    const batch = this.#store.writeBatch();
    let stateRoot: Uint8Array;
    try {
      stateRoot = this.#stageBlock(batch, executed, certificate, alsoWrite, (b) => {
        const prepared = this.state.prepareBlock(height, changes);
        this.state.stageBlock(prepared, b);
        return prepared.root;
      });
    } catch (error) {
      // The value cache already follows this block: nothing may execute on top of it.
      this.#failed = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
    this.#executedHeight = height;
    return { batch, committed: committedOf(executed, stateRoot) };
  }

  /** With the tree worker: the version is prepared there and staged in height order. */
  async #commitOnWorker(
    treeWorker: TreeWorker,
    executed: Executed,
    certificate: QuorumCertificate | undefined,
    alsoWrite: ((batch: WriteBatch) => void) | undefined,
  ): Promise<CommittedBlock> {
    const { height } = executed;
    this.#remember(executed);
    const writes = treeWorker.prepare(height, executed.changes);
    writes.catch(() => {});
    const staged = this.#staging.then(async () => {
      if (this.#failed !== undefined) throw this.#failed;
      const batch = this.#store.writeBatch();
      const treeWrites = await writes;
      const stateRoot = this.#stageBlock(batch, executed, certificate, alsoWrite, (b) => {
        const root = this.state.stageWrites(height, treeWrites, b);
        // After the tree's own: by then the tree has moved its readable height.
        b.onSettled((error) => {
          this.#treeWorker?.settled(height, error);
          if (error === undefined) this.#forgetCommitted();
        });
        return root;
      });
      // Committed here, in staging order (lmdb-js writes batches in the order they commit); in an
      // object, so that awaiting `staged` does not wait for the write.
      const durable = batch.commit();
      durable.catch(() => {});
      return { durable, stateRoot };
    });
    this.#staging = staged.then(
      () => {},
      (error: unknown) => {
        this.#failed ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    const { durable, stateRoot } = await staged;
    await durable;
    return committedOf(executed, stateRoot);
  }

  /** Waits for the blocks being staged, then ends the tree worker (if any). */
  async close(): Promise<void> {
    await this.#staging;
    await this.#treeWorker?.close();
  }

  /** Checks `block` against the chain, decodes and executes it: nothing is written yet. */
  #execute(block: Block, decoded: readonly Transaction[] | undefined): Executed {
    const plan = this.#plan(block, decoded);
    const steps = this.#steps(plan);
    for (;;) {
      const next = steps.next();
      if (next.done === true) return this.#executed(plan, next.value);
    }
  }

  /** #execute, handing the thread back (setImmediate) whenever a slice of `sliceMs` has run. */
  async #executeInSlices(
    block: Block,
    decoded: readonly Transaction[] | undefined,
    sliceMs: number,
  ): Promise<Executed> {
    assert(!this.#executing, 'one block executes at a time');
    this.#executing = true;
    try {
      const plan = this.#plan(block, decoded);
      const steps = this.#steps(plan);
      let sliceStart = performance.now();
      for (;;) {
        const next = steps.next();
        if (next.done === true) return this.#executed(plan, next.value);
        if (performance.now() - sliceStart < sliceMs) continue;
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    } finally {
      this.#executing = false;
    }
  }

  /** The block checked against the chain, its transactions decoded and the chain's refusals made. */
  #plan(block: Block, decoded: readonly Transaction[] | undefined): Plan {
    const { header } = block;
    const expected = (this.#executedHeight ?? -1) + 1;
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
    return { block, txs, blockHash, refusals };
  }

  #steps(plan: Plan): Generator<void, BlockOutput, void> {
    const { header } = plan.block;
    const calls: TxCall[] = plan.txs.filter((_, i) => !plan.refusals.has(i)).map(toCall);
    const reader = { get: (key: Uint8Array, id?: string) => this.#readCommitted(key, id) };
    return executeBlockSteps(
      this.#registry,
      reader,
      { height: header.height, timeMs: header.timeMs, seed: plan.blockHash },
      calls,
      this.#options.execute,
    );
  }

  /** The receipts and roots of an executed block; the value cache follows its writes from here. */
  #executed(plan: Plan, output: BlockOutput): Executed {
    const { block, txs, blockHash, refusals } = plan;
    const height = block.header.height;
    const receipts = buildReceipts(height, txs, refusals, output);
    const encodedReceipts = receipts.map(encodeReceipt);
    const resultsRoot = merkleRoot(encodedReceipts.map(hashReceiptBytes));
    const replays = new Set(
      [...refusals].filter(([, r]) => r.code === chainCodes.replayed).map(([i]) => i),
    );
    // Cached values follow the block's writes; a key not cached stays out (reads fill the cache).
    const changeIds = output.changes.map(({ key, value }) => {
      const id = toKeyId(key);
      if (value === null) this.#values.delete(id);
      else this.#values.replace(id, value);
      return id;
    });
    return {
      height,
      block,
      blockHash,
      txs,
      replays,
      changes: output.changes,
      changeIds,
      receipts,
      encodedReceipts,
      resultsRoot,
    };
  }

  /**
   * Keeps what an executed block wrote readable until its batch commits: the values it changed
   * and the transactions it holds (a replay in the next block must be refused).
   */
  #remember(executed: Executed): void {
    const values = new Map<string, Uint8Array | null>();
    executed.changes.forEach(({ value }, i) => {
      values.set(executed.changeIds[i]!, value);
    });
    const txIds = new Set<string>();
    executed.txs.forEach((tx, i) => {
      if (!executed.replays.has(i)) txIds.add(tx.idHex);
    });
    const inFlight = { height: executed.height, values, txIds };
    this.#inFlight.push(inFlight);
    this.#executedHeight = executed.height;
  }

  /** Drops the in-memory copies of blocks the tree can now read (their batches have committed). */
  #forgetCommitted(): void {
    const committed = this.state.committedHeight ?? -1;
    while (this.#inFlight.length > 0 && this.#inFlight[0]!.height <= committed)
      this.#inFlight.shift();
  }

  /** Adds the block, its receipts, certificate and tree version to `batch`; returns the state root. */
  #stageBlock(
    batch: WriteBatch,
    executed: Executed,
    certificate: QuorumCertificate | undefined,
    alsoWrite: ((batch: WriteBatch) => void) | undefined,
    stageTree: (batch: WriteBatch) => Uint8Array,
  ): Uint8Array {
    const { block, height, txs, replays, receipts, encodedReceipts, resultsRoot } = executed;
    this.blocks.addBlock(
      batch,
      block,
      txs.map((t) => t.id),
      replays,
    );
    if (certificate !== undefined) this.blocks.addCertificate(batch, certificate);
    // What the caller keeps with the block (the next epoch's set) commits with it or not at all.
    alsoWrite?.(batch);
    // The tree last: staging it moves the tree to this height, and nothing after it may throw.
    const stateRoot = stageTree(batch);
    this.blocks.addExecution(batch, { height, stateRoot, resultsRoot }, receipts, encodedReceipts);
    return stateRoot;
  }

  #readCommitted(key: Uint8Array, keyId?: string): Uint8Array | undefined {
    const id = keyId ?? toKeyId(key);
    const cached = this.#values.get(id);
    if (cached !== undefined) return cached;
    for (let i = this.#inFlight.length - 1; i >= 0; i--) {
      const value = this.#inFlight[i]!.values.get(id);
      if (value !== undefined) return value ?? undefined;
    }
    if (this.state.latestHeight === undefined) return undefined;
    const value = this.state.get(key);
    if (value === null) return undefined;
    this.#values.set(id, value);
    return value;
  }

  /** True when the transaction (hex id) is in a block executed but not yet staged. */
  #inFlightTx(id: string): boolean {
    for (const block of this.#inFlight) if (block.txIds.has(id)) return true;
    return false;
  }

  /** Transactions that never reach a module: replays (here or earlier in the block), expired, foreign. */
  #precheck(
    txs: readonly Transaction[],
    timeMs: number,
  ): Map<number, { code: string; message: string }> {
    const refusals = new Map<number, { code: string; message: string }>();
    const seen = new Set<string>();
    txs.forEach((tx, i) => {
      const id = tx.idHex;
      if (tx.chainId !== this.#options.chainId) {
        refusals.set(i, {
          code: chainCodes.wrongChain,
          message: `transaction is for chain ${tx.chainId}`,
        });
      } else if (seen.has(id) || this.#inFlightTx(id) || this.blocks.hasTx(tx.id)) {
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

function committedOf(executed: Executed, stateRoot: Uint8Array): CommittedBlock {
  const { height, blockHash, resultsRoot, receipts } = executed;
  return { height, blockHash, stateRoot, resultsRoot, receipts };
}
