// The block tree: the committed tip and the uncommitted blocks above it, by hash. Only blocks that
// extend the tip are kept, so any block found here is a candidate for commit.

import { hashHex } from './digest.ts';
import type { ConsensusState, TreeEntry } from './state.ts';

export function findBlock(s: ConsensusState, hash: Uint8Array): TreeEntry | undefined {
  const hex = hashHex(hash);
  return hex === s.root.hashHex ? s.root : s.blocks.get(hex);
}

export function parentOf(s: ConsensusState, entry: TreeEntry): TreeEntry | undefined {
  if (entry === s.root) return undefined;
  return findBlock(s, entry.block.header.parentHash);
}

export function insertBlock(s: ConsensusState, entry: TreeEntry): void {
  if (!s.blocks.has(entry.hashHex)) s.blocks.set(entry.hashHex, entry);
}

/** Blocks from just above the root up to `target`, oldest first; undefined if it does not reach the root. */
export function pathFromRoot(s: ConsensusState, target: TreeEntry): TreeEntry[] | undefined {
  const path: TreeEntry[] = [];
  let cursor: TreeEntry | undefined = target;
  while (cursor !== undefined && cursor !== s.root) {
    path.push(cursor);
    cursor = parentOf(s, cursor);
  }
  if (cursor !== s.root) return undefined;
  return path.reverse();
}

/** Drops every block that no longer extends the root (after a commit or an epoch change). */
export function pruneTree(s: ConsensusState): void {
  const rootHeight = s.root.block.header.height;
  const kept = new Set<string>([s.root.hashHex]);
  const entries = [...s.blocks.values()].sort(
    (a, b) => a.block.header.height - b.block.header.height,
  );
  s.blocks.clear();
  for (const entry of entries) {
    if (entry.block.header.height <= rootHeight) continue;
    if (!kept.has(hashHex(entry.block.header.parentHash))) continue;
    kept.add(entry.hashHex);
    s.blocks.set(entry.hashHex, entry);
  }
}
