// State sync: export the tree at a committed height as chunks of leaves in key-hash order, and restore
// it elsewhere, checking each chunk before it is applied (range proofs, as Aptos's Jellyfish restore).
//
// Each chunk carries the proof of its last key. The restorer verifies that proof against the expected
// root, then checks that its siblings left of the key's path are exactly the subtrees built from the
// leaves received so far: a chunk that adds, drops, reorders or alters a leaf is refused at once,
// before anything of it is written. Nodes are written as they complete; the root record, the only
// thing openStateTree looks at, is written last, so an interrupted restore is never taken for a tree.
import { decodeUintKey, encodeUintKey, type Store, type WriteBatch } from '../../storage/index.ts';
import { assert } from '../../util/assert.ts';
import { bytesEqual, toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';
import { sha256, toPathHex } from './hash.ts';
import { NodeStore } from './node-store.ts';
import {
  type ChildRef,
  decodeRoot,
  encodeRoot,
  leafKeyHash,
  pathNibble,
  type RootRef,
  readLeaf,
} from './nodes.ts';
import { pruneBatchOpsMax } from './prune.ts';
import { proveKey } from './read.ts';
import { SnapshotBuilder, toBuilderLeaf } from './snapshot-builder.ts';
import {
  type SnapshotChunk,
  type SnapshotLeaf,
  snapshotChunkLeafBytesTarget,
  snapshotChunkLeavesDefault,
  snapshotChunkLeavesMax,
} from './snapshot-codec.ts';
import {
  childrenMax,
  emptyRoot,
  hashBytes,
  isRecordKey,
  stateKeyBytesMax,
  stateValueBytesMax,
} from './spec.ts';
import { stateTableNames } from './tree.ts';
import { verifyStateProof } from './verify.ts';

export {
  decodeSnapshotChunk,
  encodeSnapshotChunk,
  type SnapshotChunk,
  type SnapshotLeaf,
  snapshotChunkBytesMax,
  snapshotChunkFromValue,
  snapshotChunkLeafBytesTarget,
  snapshotChunkLeavesDefault,
  snapshotChunkLeavesMax,
  snapshotChunkToValue,
} from './snapshot-codec.ts';

export type SnapshotExportOptions = {
  /** Leaves per chunk (default snapshotChunkLeavesDefault, at most snapshotChunkLeavesMax). */
  chunkLeavesMax?: number;
  /** Start with chunk `index`, the one after the chunk whose last key hash is `keyHash`. */
  after?: { readonly index: number; readonly keyHash: Uint8Array };
};

/** Internal nodes an exporter keeps decoded: the top levels, which every chunk's proof walks. */
const exportCacheNodesMax = 8192;
const hexDigits = '0123456789abcdef';

/**
 * The tree at committed `height` as chunks, lazily. Nodes are immutable once written, so blocks
 * committed meanwhile change nothing; do not prune below `height` while an export runs.
 */
export function* exportSnapshotChunks(
  store: Store,
  height: number,
  options: SnapshotExportOptions = {},
): Generator<SnapshotChunk, void, undefined> {
  const chunkLeavesMax = options.chunkLeavesMax ?? snapshotChunkLeavesDefault;
  if (
    !Number.isSafeInteger(chunkLeavesMax) ||
    chunkLeavesMax < 1 ||
    chunkLeavesMax > snapshotChunkLeavesMax
  ) {
    throw new RangeError(`chunkLeavesMax: expected 1 to ${snapshotChunkLeavesMax}`);
  }
  const after = options.after;
  if (
    after !== undefined &&
    !(after.keyHash instanceof Uint8Array && after.keyHash.length === hashBytes)
  ) {
    throw new TypeError('after.keyHash: expected 32 bytes');
  }
  const nodes = new NodeStore(store.db(stateTableNames.nodes), exportCacheNodesMax);
  const root = committedRoot(store, height);
  if (root === undefined) return;
  let index = after?.index ?? 0;
  let leaves: SnapshotLeaf[] = [];
  let bytes = 0;
  const from = after === undefined ? undefined : toPathHex(after.keyHash);
  for (const raw of leavesAfter(nodes, root, '', from)) {
    const { key, value, keyHash } = readLeaf(raw);
    leaves.push(
      isRecordKey(key)
        ? { key: key.slice(), value: value.slice(), path: keyHash.slice() }
        : { key: key.slice(), value: value.slice() },
    );
    bytes += key.length + value.length;
    if (leaves.length < chunkLeavesMax && bytes < snapshotChunkLeafBytesTarget) continue;
    yield makeChunk(nodes, root, height, index++, leaves);
    leaves = [];
    bytes = 0;
  }
  if (leaves.length > 0) yield makeChunk(nodes, root, height, index, leaves);
}

/** Chunk `index` alone, for a peer's request; undefined past the last chunk. */
export function readSnapshotChunk(
  store: Store,
  height: number,
  index: number,
  afterKeyHash: Uint8Array | null,
  options: Pick<SnapshotExportOptions, 'chunkLeavesMax'> = {},
): SnapshotChunk | undefined {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError('index: expected a chunk index');
  if ((index === 0) !== (afterKeyHash === null)) {
    throw new RangeError(
      "afterKeyHash: null for chunk 0 only, the previous chunk's last key hash after",
    );
  }
  const after = afterKeyHash === null ? undefined : { index, keyHash: afterKeyHash };
  const chunks = exportSnapshotChunks(store, height, {
    ...options,
    ...(after === undefined ? {} : { after }),
  });
  const first = chunks.next();
  return first.done === true ? undefined : first.value;
}

function makeChunk(
  nodes: NodeStore,
  root: ChildRef,
  height: number,
  index: number,
  leaves: readonly SnapshotLeaf[],
): SnapshotChunk {
  assert(leaves.length > 0, 'snapshot export: a chunk has a leaf');
  const last = leaves[leaves.length - 1]!;
  const proof = proveKey(nodes, root, last.path ?? sha256(last.key));
  assert(proof.leaf === null, 'snapshot export: the last key is in the tree');
  return {
    height,
    index,
    leaves,
    proof: last.path === undefined ? proof : { ...proof, recordPath: last.path },
  };
}

function committedRoot(store: Store, height: number): RootRef {
  if (!Number.isSafeInteger(height) || height < 0)
    throw new RangeError('height: expected a height');
  const raw = store.db(stateTableNames.roots).get(encodeUintKey(height));
  if (raw === undefined) {
    throw new TallyError(
      'state_height_unavailable',
      `height ${height} is not a committed, retained height`,
      {
        details: { height },
      },
    );
  }
  return decodeRoot(raw);
}

/** Leaf records under `ref` (at `path`) in key-hash order, those after key hash `after` only. */
function* leavesAfter(
  nodes: NodeStore,
  ref: ChildRef,
  path: string,
  after: string | undefined,
): Generator<Uint8Array, void, undefined> {
  if (ref.leaf) {
    const raw = nodes.loadLeaf(ref.height, path);
    if (after === undefined || toPathHex(leafKeyHash(raw)) > after) yield raw;
    return;
  }
  const node = nodes.loadInternal(ref.height, path);
  const from = after === undefined ? 0 : pathNibble(after, path.length);
  for (let n = from; n < childrenMax; n++) {
    const child = node.child(n);
    if (child === undefined) continue;
    yield* leavesAfter(nodes, child, path + hexDigits[n]!, n === from ? after : undefined);
  }
}

/**
 * Starts restoring the tree at `height` into `store`, whose state tree must be empty (no height).
 * Nodes left by an earlier, interrupted restore are removed first.
 */
export async function restoreSnapshot(
  store: Store,
  height: number,
  expectedRoot: Uint8Array,
): Promise<SnapshotRestorer> {
  if (!Number.isSafeInteger(height) || height < 0)
    throw new RangeError('height: expected a height');
  if (!(expectedRoot instanceof Uint8Array) || expectedRoot.length !== hashBytes) {
    throw new TypeError('expectedRoot: expected 32 bytes');
  }
  const [held] = store.db(stateTableNames.roots).keys({ limit: 1 });
  if (held !== undefined) {
    throw new TallyError(
      'snapshot_target_not_empty',
      `the state tree already holds height ${decodeUintKey(held)}; restore into an empty store`,
    );
  }
  await clearTable(store, stateTableNames.nodes);
  await clearTable(store, stateTableNames.stale);
  await clearTable(store, stateTableNames.records);
  return new SnapshotRestorer(store, height, Uint8Array.from(expectedRoot));
}

/** Applies chunks in order; see restoreSnapshot. One call at a time (each awaits its write). */
export class SnapshotRestorer {
  readonly height: number;
  readonly expectedRoot: Uint8Array;
  readonly #store: Store;
  #builder: SnapshotBuilder;
  #nextIndex = 0;
  #complete: boolean;
  #state: 'open' | 'busy' | 'finished' | 'aborted' = 'open';

  constructor(store: Store, height: number, expectedRoot: Uint8Array) {
    this.#store = store;
    this.height = height;
    this.expectedRoot = expectedRoot;
    this.#builder = new SnapshotBuilder(height);
    this.#complete = bytesEqual(expectedRoot, emptyRoot);
  }

  /** The index of the chunk to apply next. */
  get nextIndex(): number {
    return this.#nextIndex;
  }

  /** True once every leaf is in (the last chunk's proof shows nothing right of its key). */
  get complete(): boolean {
    return this.#complete;
  }

  /** The key hash to request the next chunk after (null before the first chunk). */
  get lastKeyHash(): Uint8Array | null {
    const last = this.#builder.last;
    return last === undefined ? null : Uint8Array.from(Buffer.from(last.path, 'hex'));
  }

  /** Checks `chunk` against the expected root and writes its completed nodes; throws if refused. */
  async add(chunk: SnapshotChunk): Promise<void> {
    this.#enter();
    try {
      const { builder, complete } = this.#tryChunk(chunk);
      const batch = this.#store.writeBatch();
      const nodes = this.#store.db(stateTableNames.nodes);
      for (const { key, raw } of builder.drainWrites()) batch.put(nodes, key, raw);
      // The record index, which the tree reads records by (tree.ts), is rebuilt from the leaves.
      const records = this.#store.db(stateTableNames.records);
      for (const { key, path } of chunk.leaves)
        if (path !== undefined) batch.put(records, key, path);
      await batch.commit();
      this.#builder = builder;
      this.#complete = complete;
      this.#nextIndex++;
    } finally {
      if (this.#state === 'busy') this.#state = 'open';
    }
  }

  /**
   * Writes the last nodes and the root record, into `batch` when given (the caller commits it, with
   * the block store's base, say), else on its own. Resolves with the root. On a wrong or incomplete
   * tree it removes everything written and throws 'snapshot_root_mismatch'.
   */
  async finish(batch?: WriteBatch): Promise<Uint8Array> {
    this.#enter();
    try {
      return await this.#finish(batch);
    } finally {
      if (this.#state === 'busy') this.#state = 'open';
    }
  }

  async #finish(batch: WriteBatch | undefined): Promise<Uint8Array> {
    const builder = this.#builder.clone();
    const rootRef = builder.finish();
    const root = rootRef === undefined ? emptyRoot.slice() : rootRef.hash.slice();
    if (!this.#complete || !bytesEqual(root, this.expectedRoot)) {
      await this.#clear();
      this.#state = 'aborted';
      throw new TallyError(
        'snapshot_root_mismatch',
        this.#complete
          ? `snapshot of height ${this.height}: root ${toHex(root)}, expected ${toHex(this.expectedRoot)}`
          : `snapshot of height ${this.height}: incomplete after ${this.#nextIndex} chunks`,
        { details: { height: this.height, chunks: this.#nextIndex } },
      );
    }
    const target = batch ?? this.#store.writeBatch();
    const nodes = this.#store.db(stateTableNames.nodes);
    for (const { key, raw } of builder.drainWrites()) target.put(nodes, key, raw);
    target.put(
      this.#store.db(stateTableNames.roots),
      encodeUintKey(this.height),
      encodeRoot(rootRef),
    );
    if (batch === undefined) await target.commit();
    this.#state = 'finished';
    return root;
  }

  /** Gives up: removes every node written so far. */
  async abort(): Promise<void> {
    this.#enter();
    await this.#clear();
    this.#state = 'aborted';
  }

  #tryChunk(chunk: SnapshotChunk): { builder: SnapshotBuilder; complete: boolean } {
    const refuse = (reason: string): never => {
      throw new TallyError('snapshot_chunk_invalid', `snapshot chunk ${chunk.index}: ${reason}`, {
        details: { height: this.height, index: chunk.index, reason },
      });
    };
    if (this.#complete) refuse('the snapshot is already complete');
    if (chunk.height !== this.height) refuse(`it is of height ${chunk.height}, not ${this.height}`);
    if (chunk.index !== this.#nextIndex) refuse(`expected chunk ${this.#nextIndex}`);
    const { leaves } = chunk;
    if (leaves.length === 0 || leaves.length > snapshotChunkLeavesMax) {
      refuse(`${leaves.length} leaves, expected 1 to ${snapshotChunkLeavesMax}`);
    }
    const builder = this.#builder.clone();
    leaves.forEach(({ key, value, path }, i) => {
      if (key.length === 0 || key.length > stateKeyBytesMax) refuse(`leaves[${i}].key: bad length`);
      if (value.length > stateValueBytesMax) refuse(`leaves[${i}].value: too long`);
      const made = toBuilderLeaf(key, value, path);
      const leaf = typeof made === 'string' ? refuse(`leaves[${i}]: ${made}`) : made;
      const previous = builder.last;
      if (previous !== undefined && !(previous.path < leaf.path)) {
        refuse(`leaves[${i}] is not after the previous key in key-hash order`);
      }
      builder.add(leaf);
    });
    const last = builder.last!;
    const { recordPath } = chunk.proof;
    if (recordPath !== undefined && toPathHex(recordPath) !== last.path)
      refuse('the proof of its last key is of another path');
    if (!verifyStateProof(this.expectedRoot, last.key, last.value, chunk.proof)) {
      refuse('the proof of its last key does not verify against the expected root');
    }
    const check = builder.checkRangeProof(chunk.proof);
    if (!check.ok) return refuse(check.reason);
    return { builder, complete: check.complete };
  }

  #enter(): void {
    if (this.#state === 'busy') throw new Error('snapshot restorer: one call at a time');
    if (this.#state !== 'open') throw new Error(`snapshot restorer: already ${this.#state}`);
    this.#state = 'busy';
  }

  async #clear(): Promise<void> {
    await clearTable(this.#store, stateTableNames.nodes);
    await clearTable(this.#store, stateTableNames.records);
  }
}

/** Deletes every entry of a table, in bounded transactions. */
async function clearTable(store: Store, name: string): Promise<void> {
  const table = store.db(name);
  for (;;) {
    const keys = [...table.keys({ limit: pruneBatchOpsMax })];
    if (keys.length === 0) return;
    const batch = store.writeBatch();
    for (const key of keys) batch.del(table, key);
    await batch.commit();
  }
}
