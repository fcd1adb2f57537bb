// Committing: the 2-chain rule (a certified block whose parent is exactly one round older commits
// the parent and its ancestors), the commit actions and records, and the hand-over to a new epoch.
import type { Block } from '../ledger/block.ts';
import type { QuorumCertificate } from '../ledger/certificate.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import { assert } from '../util/assert.ts';
import type { CommitWitness } from './messages.ts';
import { advanceRound } from './pacemaker.ts';
import {
  adoptValidatorSet,
  type ConsensusState,
  createEntry,
  epochRootQc,
  type TreeEntry,
} from './state.ts';
import { parentOf, pathFromRoot, pruneTree } from './tree.ts';
import type { Action } from './types.ts';

/** `certified` has just been certified by `qc`: commit its parent if the rounds are consecutive. */
export function tryCommit(
  s: ConsensusState,
  out: Action[],
  certified: TreeEntry,
  qc: QuorumCertificate,
): void {
  const parent = parentOf(s, certified);
  if (parent === undefined || parent === s.root) return;
  if (certified.round !== parent.round + 1) return;
  const path = pathFromRoot(s, certified);
  assert(path !== undefined, 'commit: a block in the tree extends the root');
  commitPath(s, out, path, qc);
}

/**
 * Commits `path` except its last block, which `qc` certifies and whose round follows its parent's.
 * Stops at a block that ends the epoch: blocks after it in the old epoch never commit.
 */
export function commitPath(
  s: ConsensusState,
  out: Action[],
  path: readonly TreeEntry[],
  qc: QuorumCertificate,
): void {
  assert(path.length >= 2, 'commit: a 2-chain has two blocks');
  for (let i = 0; i < path.length - 1; i++) {
    const entry = path[i]!;
    const certifier = path[i + 1]!.block.header.justify;
    const ends = entry.nextValidators !== undefined;
    const last = ends || i === path.length - 2;
    const witness: CommitWitness | null = last
      ? Object.freeze({ headers: path.slice(i + 1).map((e) => e.block.header), qc })
      : null;
    commitBlock(s, out, entry, certifier, witness);
    if (ends) return;
  }
}

/** Makes `entry` the committed root: commit action, log record, sync window, tree pruning. */
export function commitBlock(
  s: ConsensusState,
  out: Action[],
  entry: TreeEntry,
  qc: QuorumCertificate,
  witness: CommitWitness | null,
): void {
  const header = entry.block.header;
  assert(header.height === s.root.block.header.height + 1, 'commit: heights are consecutive');
  const next = entry.nextValidators;
  out.push(
    next === undefined
      ? { type: 'commit', block: entry.block, qc }
      : { type: 'commit', block: entry.block, qc, nextValidators: next },
  );
  out.push({
    type: 'persist',
    record: { kind: 'commit', block: entry.block, qc, validators: next ?? s.validators, witness },
  });
  recordCommitted(s, entry.block, qc, next !== undefined, witness);
  s.root = entry;
  s.rootQc = qc;
  if (next !== undefined) enterEpoch(s, out, next);
  else pruneTree(s);
}

export function recordCommitted(
  s: ConsensusState,
  block: Block,
  qc: QuorumCertificate,
  endsEpoch: boolean,
  witness: CommitWitness | null,
): void {
  const height = block.header.height;
  s.committed.set(height, Object.freeze({ block, qc, endsEpoch, witness }));
  s.committed.delete(height - s.config.syncWindowBlocks);
}

/**
 * Starts the epoch of `set` on top of the committed root: rounds restart at 1 above a root QC of
 * round 0, and every vote, timeout and uncommitted block of the old epoch is dropped.
 */
export function enterEpoch(
  s: ConsensusState,
  out: Action[],
  set: ValidatorSet,
  replaying = false,
): void {
  // A restart replays the tip's set directly, which may be several epochs past the genesis set.
  assert(
    replaying ? set.epoch > s.epoch : set.epoch === s.epoch + 1,
    'epoch: a new set has the next epoch number',
  );
  adoptValidatorSet(s, set);
  s.root = createEntry(s.root.block, 0);
  s.epochRoot = s.root;
  s.rootQc = epochRootQc(set.epoch, s.root, set.validators.length);
  s.highQc = s.rootQc;
  s.highTc = null;
  s.lastVotedRound = 0;
  s.round = 0;
  s.timeoutsInRow = 0;
  s.proposedRound = 0;
  s.lastTimeout = null;
  s.blocks.clear();
  s.votes.clear();
  s.timeouts.clear();
  s.proposals.clear();
  s.verifiedQcs.clear();
  s.pendingProposal = null;
  out.push({
    type: 'persist',
    record: { kind: 'safety', epoch: s.epoch, lastVotedRound: 0, highQc: s.highQc, highTc: null },
  });
  advanceRound(s, out);
}
