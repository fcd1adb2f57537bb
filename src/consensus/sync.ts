// Block sync: a validator that is behind (after a partition or a restart) asks a peer for the
// committed blocks it lacks, proven by a commit witness, then the certified blocks above them.
import type { Block, BlockHeader } from '../ledger/block.ts';
import type { QuorumCertificate } from '../ledger/certificate.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import { bytesEqual } from '../util/bytes.ts';
import { checkQc, processQc, processTc } from './certify.ts';
import { commitBlock } from './commit.ts';
import type { CommitWitness, SyncInfo, SyncRequest, SyncResponse } from './messages.ts';
import { syncListLengthMax } from './messages.ts';
import { maybePropose } from './pacemaker.ts';
import { retryPendingProposal } from './proposal.ts';
import { blockHash, type ConsensusState, createEntry, type TreeEntry } from './state.ts';
import { findBlock, insertBlock, pathFromRoot } from './tree.ts';
import type { Action, PeerId } from './types.ts';

/** Asks `peer` for what this node lacks; at most once per round or timer firing. */
export function requestSync(s: ConsensusState, out: Action[], peer: PeerId): void {
  if (peer === s.myPeer) return;
  s.syncPeer = peer;
  if (!s.syncAllowed) return;
  s.syncAllowed = false;
  const fromHeight = s.root.block.header.height + 1;
  out.push({ type: 'send', to: peer, message: { type: 'sync-request', fromHeight } });
}

/** Committed blocks from `fromHeight` up to one with a witness, stopping at an epoch's end. */
function committedSegment(
  s: ConsensusState,
  fromHeight: number,
): { blocks: Block[]; witness: CommitWitness | null } {
  const tip = s.root.block.header.height;
  let end = -1;
  for (let h = fromHeight; h <= tip && h - fromHeight < syncListLengthMax; h++) {
    const entry = s.committed.get(h);
    if (entry === undefined) break;
    if (entry.witness !== null) end = h;
    if (entry.endsEpoch || (end >= 0 && h - fromHeight + 1 >= s.config.syncBlocksMax)) break;
  }
  if (end < 0) return { blocks: [], witness: null };
  const blocks: Block[] = [];
  for (let h = fromHeight; h <= end; h++) blocks.push(s.committed.get(h)!.block);
  return { blocks, witness: s.committed.get(end)!.witness };
}

export function onSyncRequest(
  s: ConsensusState,
  out: Action[],
  from: PeerId,
  req: SyncRequest,
): void {
  if (from === s.myPeer) return;
  const tip = s.root.block.header.height;
  const segment =
    req.fromHeight <= tip ? committedSegment(s, req.fromHeight) : { blocks: [], witness: null };
  const reachesTip = req.fromHeight > tip || segment.blocks.at(-1)?.header.height === tip;
  let tail: Block[] = [];
  if (reachesTip) {
    // Only what the requester lacks: it may have committed blocks this node still holds uncommitted.
    const top = findBlock(s, s.highQc.blockHash);
    const path = top === undefined ? undefined : pathFromRoot(s, top);
    tail = (path ?? [])
      .filter((e) => e.block.header.height >= req.fromHeight)
      .slice(0, syncListLengthMax)
      .map((e) => e.block);
  }
  const message: SyncResponse = {
    type: 'sync-response',
    blocks: segment.blocks,
    witness: segment.witness,
    tail,
    highQc: s.highQc,
    highTc: s.highTc,
  };
  out.push({ type: 'send', to: from, message });
}

/**
 * Certificates alone, handled as a sync response with no blocks. A QC on a block this node has not
 * received yet, at most two above its committed tip, is most likely the one the next leader has just
 * formed and sent to all, while the block's proposal is still on its way here (or being checked): no
 * sync is asked for it. The proposal commits what the QC certifies when it arrives, and the round's
 * timer or the next proposal still ask for a sync if it never does.
 */
export function onSyncInfo(s: ConsensusState, out: Action[], from: PeerId, m: SyncInfo): void {
  const qc = m.highQc;
  const inFlight =
    qc.epoch === s.epoch &&
    qc.height <= s.root.block.header.height + 2 &&
    findBlock(s, qc.blockHash) === undefined;
  onSyncResponse(
    s,
    out,
    from,
    { ...m, type: 'sync-response', blocks: [], witness: null, tail: [] },
    inFlight ? null : from,
  );
}

/** `qcFrom`: whom to ask for the block of the response's QC if it is missing (null: nobody). */
export function onSyncResponse(
  s: ConsensusState,
  out: Action[],
  from: PeerId,
  r: SyncResponse,
  qcFrom: PeerId | null = from,
): void {
  const rootBefore = s.root.block.header.height;
  if (r.blocks.length > 0 && r.witness !== null) commitSegment(s, out, r.blocks, r.witness);
  const epoch = s.epoch;
  if (r.highQc.epoch === epoch) {
    for (const block of r.tail) {
      // Blocks at or below the committed tip are already decided here (an older responder's tail).
      if (block.header.height <= s.root.block.header.height) continue;
      if (!insertCertified(s, out, block, from)) break;
    }
    processQc(s, out, r.highQc, qcFrom);
    if (r.highTc !== null) processTc(s, out, r.highTc);
  }
  retryPendingProposal(s, out);
  maybePropose(s, out);
  const progressed = s.root.block.header.height > rootBefore;
  if (
    progressed &&
    (r.highQc.epoch > s.epoch || r.highQc.height > s.root.block.header.height + 1)
  ) {
    s.syncAllowed = true;
    requestSync(s, out, from);
  }
}

/** Takes in a block above the tree whose justify QC certifies its parent (a sync tail). */
function insertCertified(s: ConsensusState, out: Action[], block: Block, from: PeerId): boolean {
  const h = block.header;
  if (h.epoch !== s.epoch) return false;
  const parent = findBlock(s, h.parentHash);
  if (parent === undefined || h.height !== parent.block.header.height + 1) return false;
  if (h.round <= parent.round || !bytesEqual(h.validatorSetHash, s.validatorSetHash)) return false;
  const verdict = s.config.validateBlock(block, parent.block.header);
  if (!verdict.ok) return false;
  if (!processQc(s, out, h.justify, from)) return false;
  if (h.epoch !== s.epoch || findBlock(s, h.parentHash) === undefined) return false;
  insertBlock(s, createEntry(block, h.round, verdict.nextValidators));
  return true;
}

/**
 * Checks a committed segment in full (links, QCs, payloads, and a witness ending in a certified
 * 2-chain) before committing any of it: a bad segment changes nothing.
 */
function commitSegment(
  s: ConsensusState,
  out: Action[],
  blocks: readonly Block[],
  witness: CommitWitness,
): void {
  const checked = checkSegment(s, blocks, witness);
  if (checked === undefined) return;
  const { entries, decided } = checked;
  for (let i = 0; i < decided; i++) {
    const next = i + 1 < entries.length ? entries[i + 1]!.block.header : witness.headers[0]!;
    const last = i === decided - 1;
    commitBlock(
      s,
      out,
      entries[i]!,
      next.justify,
      last ? prefixWitness(entries, i, witness) : null,
    );
  }
}

/**
 * The witness for entries[i], the last block committed of a segment: the segment's blocks after it,
 * then the segment's witness. Null when that is longer than a sync message may carry (the block is
 * still committed; it just does not end a segment this node serves).
 */
function prefixWitness(
  entries: readonly TreeEntry[],
  i: number,
  witness: CommitWitness,
): CommitWitness | null {
  if (i === entries.length - 1) return witness;
  const headers = [...entries.slice(i + 1).map((e) => e.block.header), ...witness.headers];
  if (headers.length > syncListLengthMax) return null;
  return Object.freeze({ headers: Object.freeze(headers), qc: witness.qc });
}

/**
 * Checks links, QCs and the witness of the whole segment, and each block's payload while this node
 * can judge it. `decided` counts the blocks from the start whose verdict is known: a block whose
 * verdict is pending (this node has not executed the state it certifies) and those after it are
 * proven committed but wait for a later sync, when this node can tell whether they change the set.
 */
function checkSegment(
  s: ConsensusState,
  blocks: readonly Block[],
  witness: CommitWitness,
): { entries: TreeEntry[]; decided: number } | undefined {
  const entries: TreeEntry[] = [];
  let parent: TreeEntry = s.root;
  let decided = -1;
  for (const block of blocks) {
    const h = block.header;
    if (h.epoch !== s.epoch || !linksTo(h, parent) || !checkQc(s, h.justify)) return undefined;
    if (!bytesEqual(h.validatorSetHash, s.validatorSetHash)) return undefined;
    let next: ValidatorSet | undefined;
    if (decided < 0) {
      const verdict = s.config.validateBlock(block, parent.block.header);
      if (!verdict.ok && verdict.pending === true) decided = entries.length;
      else if (!verdict.ok) return undefined;
      else next = verdict.nextValidators;
    }
    if (next !== undefined && block !== blocks.at(-1)) return undefined;
    parent = createEntry(block, h.round, next);
    entries.push(parent);
  }
  if (!checkWitness(s, parent, witness)) return undefined;
  return { entries, decided: decided < 0 ? entries.length : decided };
}

function linksTo(h: BlockHeader, parent: TreeEntry): boolean {
  return (
    h.height === parent.block.header.height + 1 &&
    bytesEqual(h.parentHash, parent.hash) &&
    h.round > parent.round
  );
}

/** The witness headers extend `last`, each certified, and end in two blocks of consecutive rounds. */
function checkWitness(s: ConsensusState, last: TreeEntry, witness: CommitWitness): boolean {
  let prevHash = last.hash;
  let prevRound = last.round;
  let prevHeight = last.block.header.height;
  let consecutive = false;
  for (const h of witness.headers) {
    if (h.epoch !== s.epoch || h.height !== prevHeight + 1 || !bytesEqual(h.parentHash, prevHash))
      return false;
    if (!checkQc(s, h.justify)) return false;
    consecutive = h.round === prevRound + 1;
    prevHash = blockHash(h);
    prevRound = h.round;
    prevHeight = h.height;
  }
  const qc: QuorumCertificate = witness.qc;
  return (
    consecutive && bytesEqual(qc.blockHash, prevHash) && qc.round === prevRound && checkQc(s, qc)
  );
}
