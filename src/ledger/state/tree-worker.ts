// The tree worker: a thread that prepares blocks' state-tree versions while the main thread
// executes the next block (remote-tree.ts is its other end). It keeps its own StateTree over the
// same LMDB environment and writes nothing: it stages each block into a batch that only collects
// the writes and hands them back, and the main thread commits them with the block. When the main
// thread says a height's batch settled, this tree unpins its nodes as if it had committed them, and
// reads renew their LMDB snapshot so that those nodes are found on disk.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, type Table, WriteBatch } from '../../storage/index.ts';
import { openStateTree, stateTableNames } from './tree.ts';
import {
  Packer,
  type TreeReply,
  type TreeRequest,
  type TreeWorkerInit,
  tableTag,
  unpackChanges,
} from './tree-wire.ts';

const port = parentPort;
if (port === null) throw new Error('tree worker: run me as a worker thread');
const init = workerData as TreeWorkerInit;
// The main thread's store keeps the disk reserve; this one never writes.
const store = openStore({ path: init.path, mapSizeBytes: init.mapSizeBytes, reserveBytes: 0 });
const tree = openStateTree(store, { cacheNodesMax: init.cacheNodesMax });
/** How to settle each staged height's batch, once the main thread says it settled. */
const settles = new Map<number, (error: Error | undefined) => void>();

const tagByTable = new Map<string, number>(
  Object.entries(stateTableNames).map(([table, name]) => [
    name,
    tableTag(table as keyof typeof stateTableNames),
  ]),
);

/**
 * A batch that packs each put as it comes (tree-wire.ts) instead of keeping it; committing it
 * sends the block's writes to the main thread and settles when the main thread's batch does.
 */
class PackingBatch extends WriteBatch {
  readonly #packer = new Packer(4 * 1024 * 1024);

  constructor(height: number) {
    super(
      (_ops, _options, onVisible) =>
        new Promise<void>((resolve) => {
          settles.set(height, (error) => {
            onVisible(error);
            resolve();
          });
          const writes = this.#packer.finish();
          reply({ kind: 'prepared', height, writes }, [writes]);
        }),
    );
  }

  override put(table: Table, key: Uint8Array, value: Uint8Array): this {
    const tag = tagByTable.get(table.name);
    if (tag === undefined) throw new Error(`tree worker: a write to ${table.name}`);
    this.#packer.add(tag, key, value);
    return this;
  }

  override del(table: Table): this {
    throw new Error(`tree worker: a delete in ${table.name}`);
  }
}

function reply(message: TreeReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function prepare(height: number, changes: ArrayBuffer): void {
  const prepared = tree.prepareBlock(height, unpackChanges(changes));
  const batch = new PackingBatch(height);
  tree.stageBlock(prepared, batch);
  void batch.commit();
}

function settled(height: number, error: string | undefined): void {
  const settle = settles.get(height);
  if (settle === undefined) throw new Error(`tree worker: height ${height} was not staged here`);
  settles.delete(height);
  if (error === undefined) {
    // Before the tree unpins the height's nodes: its reads must find them in LMDB from now on.
    store.refreshReads();
    settle(undefined);
  } else settle(new Error(error));
}

port.on('message', (request: TreeRequest) => {
  if (request.kind === 'prepare') {
    try {
      prepare(request.height, request.changes);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      reply({ kind: 'failed', height: request.height, message });
    }
  } else if (request.kind === 'settled') settled(request.height, request.error);
  else if (request.kind === 'close') {
    void store.close().finally(() => {
      reply({ kind: 'closed' });
      port.close();
    });
  }
});

reply({ kind: 'ready', latestHeight: tree.latestHeight });
