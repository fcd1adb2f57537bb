// What a store holds on disk: the LMDB file's allocated bytes, and the pages each part of the ledger
// uses (from LMDB's own statistics), so growth can be split into state tree, blocks and receipts.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stateTableNames } from '../../src/ledger/state/index.ts';
import type { Store } from '../../src/storage/index.ts';

/** The tables each part of the ledger writes (block-store.ts and state/tree.ts name them). */
export const diskParts = {
  'state tree': Object.values(stateTableNames),
  'blocks and transactions': [
    'blocks',
    'block-hashes',
    'txs',
    'certificates',
    'block-meta',
    'tx-expiry',
  ],
  receipts: ['receipts'],
} as const;

export type DiskPart = keyof typeof diskParts;

export type DiskUsage = {
  /** Bytes the store's files take on the file system (allocated blocks, not apparent size). */
  fileBytes: number;
  /** Bytes of LMDB pages in use by each part's tables. */
  parts: Record<DiskPart, number>;
};

type LmdbStats = {
  pageSize: number;
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
};

function allocatedBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).blocks * 512;
  return total;
}

function tableBytes(store: Store, name: string): number {
  const stats = store.db(name).lmdb.getStats() as LmdbStats;
  return (
    (stats.treeBranchPageCount + stats.treeLeafPageCount + stats.overflowPages) * stats.pageSize
  );
}

/** Call after store.flushed(): pages still in flight would be missed. */
export function measureDisk(store: Store): DiskUsage {
  const parts = {} as Record<DiskPart, number>;
  for (const [part, tables] of Object.entries(diskParts) as [DiskPart, readonly string[]][]) {
    parts[part] = tables.reduce((sum, name) => sum + tableBytes(store, name), 0);
  }
  return { fileBytes: allocatedBytes(store.path), parts };
}
