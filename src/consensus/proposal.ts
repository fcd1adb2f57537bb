// Proposing and voting on proposals (DiemBFT v4 section 4, Jolteon's 2-chain voting rule). A
// proposal's signature is the proposer's own vote for its block, so proposing is voting.
import type { Block, BlockHeader } from '../ledger/block.ts';
import type { Vote } from '../ledger/certificate.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';
import { processQc, processTc } from './certify.ts';
import { tryCommit } from './commit.ts';
import { hashHex } from './digest.ts';
import { detectConflict } from './evidence.ts';
import type { Proposal } from './messages.ts';
import { leaderIndex, timeOutRound } from './pacemaker.ts';
import { safeToVote, signVote } from './safety.ts';
import { blockHash, type ConsensusState, createEntry, type TreeEntry } from './state.ts';
import { requestSync } from './sync.ts';
import { findBlock, insertBlock } from './tree.ts';
import type { Action, Payload, PeerId } from './types.ts';
import { addVote, checkVoteSignature, emitEvidence } from './votes.ts';

/** The driver answered a request-payload: build, sign (= vote), persist, broadcast. */
export function onPayload(
  s: ConsensusState,
  out: Action[],
  epoch: number,
  round: number,
  payload: Payload,
): void {
  if (epoch !== s.epoch || round !== s.round || s.proposedRound !== round) return;
  if (leaderIndex(s, round) !== s.myIndex) return;
  const parent = findBlock(s, s.highQc.blockHash);
  if (parent === undefined) return;
  const tc = s.highQc.round + 1 === round ? null : s.highTc;
  const header: BlockHeader = Object.freeze({
    chainId: s.config.chainId,
    height: parent.block.header.height + 1,
    epoch,
    round,
    parentHash: parent.hash,
    timeMs: payload.timeMs,
    proposer: s.myIndex,
    txRoot: payload.txRoot,
    txCount: payload.txCount,
    stateHeight: payload.stateHeight,
    stateRoot: payload.stateRoot,
    resultsRoot: payload.resultsRoot,
    validatorSetHash: s.validatorSetHash,
    justify: s.highQc,
  });
  const block: Block = Object.freeze({ header, txs: payload.txs });
  const verdict = s.config.validateBlock(block, parent.block.header);
  assert(verdict.ok, 'propose: the driver built a payload its own predicate refuses');
  const hash = blockHash(header);
  const vote = signVote(s, out, block, hash, tc);
  if (vote === null) return;
  const entry = createEntry(block, round, verdict.nextValidators);
  insertBlock(s, entry);
  s.proposals.set(round, vote);
  out.push({
    type: 'broadcast',
    message: { type: 'proposal', block, signature: vote.signature, tc },
  });
  if (leaderIndex(s, round + 1) === s.myIndex) addVote(s, out, vote, 'double-proposal');
}

function proposerVote(block: Block, hash: Uint8Array, signature: Uint8Array): Vote {
  const h = block.header;
  return Object.freeze({
    epoch: h.epoch,
    round: h.round,
    height: h.height,
    blockHash: hash,
    voter: h.proposer,
    signature,
  });
}

export function onProposal(s: ConsensusState, out: Action[], from: PeerId, p: Proposal): void {
  const h = p.block.header;
  if (h.chainId !== s.config.chainId) return;
  if (h.epoch !== s.epoch) {
    if (h.epoch > s.epoch) {
      s.pendingProposal = { from, proposal: p };
      requestSync(s, out, from);
    }
    return;
  }
  if (h.proposer !== leaderIndex(s, h.round) || h.round + 1 < s.round) return;
  const hash = blockHash(h);
  const vote = proposerVote(p.block, hash, p.signature);
  const earlier = s.proposals.get(h.round);
  if (earlier !== undefined && bytesEqual(earlier.blockHash, hash)) return;
  if (!checkVoteSignature(s, vote)) return;
  const evidence = detectConflict('double-proposal', earlier, vote);
  if (evidence !== undefined) {
    emitEvidence(s, out, evidence);
    // Two blocks for one round split the votes: that round will not certify either.
    if (h.round === s.round && s.myIndex >= 0) timeOutRound(s, out);
    return;
  }
  s.proposals.set(h.round, vote);
  if (!processQc(s, out, h.justify, from)) return;
  if (p.tc !== null && !processTc(s, out, p.tc)) return;
  acceptProposal(s, out, from, p, hash, vote);
}

/** The proposal's certificates are in: check the block against its parent and vote. */
function acceptProposal(
  s: ConsensusState,
  out: Action[],
  from: PeerId,
  p: Proposal,
  hash: Uint8Array,
  vote: Vote,
): void {
  const h = p.block.header;
  const parent = findBlock(s, h.parentHash);
  if (parent === undefined) {
    if (h.height > s.root.block.header.height) {
      s.pendingProposal = { from, proposal: p };
      requestSync(s, out, from);
    }
    return;
  }
  const entry = checkProposedBlock(s, p, parent, hash);
  if (entry === 'pending') return;
  if (entry === 'refused') {
    // The round's leader signed a block no honest validator will certify: the round is lost, so
    // time out now rather than when the timer fires (a Byzantine leader would cost a full timeout).
    if (h.round === s.round && s.myIndex >= 0) timeOutRound(s, out);
    return;
  }
  insertBlock(s, entry);
  // The QC on this block came first (its leader sends it to all as soon as it forms): it commits
  // the parent now that the block is here.
  if (bytesEqual(s.highQc.blockHash, hash)) tryCommit(s, out, entry, s.highQc);
  if (leaderIndex(s, h.round + 1) === s.myIndex) addVote(s, out, vote, 'double-proposal');
  if (h.round !== s.round) return;
  const mine = signVote(s, out, p.block, hash, p.tc);
  if (mine === null) return;
  const leader = leaderIndex(s, h.round + 1);
  if (leader === s.myIndex) addVote(s, out, mine, 'double-vote');
  else out.push({ type: 'send', to: s.peers[leader]!, message: { type: 'vote', vote: mine } });
}

/** Everything an honest validator checks before it will hold or vote for a proposed block. */
function checkProposedBlock(
  s: ConsensusState,
  p: Proposal,
  parent: TreeEntry,
  hash: Uint8Array,
): TreeEntry | 'refused' | 'pending' {
  const h = p.block.header;
  if (h.height !== parent.block.header.height + 1 || h.round <= parent.round) return 'refused';
  if (!bytesEqual(h.validatorSetHash, s.validatorSetHash)) return 'refused';
  if (!safeToVote(h.round, h.justify.round, p.tc)) return 'refused';
  const verdict = s.config.validateBlock(p.block, parent.block.header);
  if (!verdict.ok) return verdict.pending === true ? 'pending' : 'refused';
  const existing = s.blocks.get(hashHex(hash));
  if (existing !== undefined) return existing;
  return createEntry(p.block, h.round, verdict.nextValidators);
}

/** Tries again the proposal that was waiting for its parent, once a sync may have brought it. */
export function retryPendingProposal(s: ConsensusState, out: Action[]): void {
  const pending = s.pendingProposal;
  if (pending === null) return;
  const p = pending.proposal;
  if (p.block.header.epoch !== s.epoch) return;
  const hash = blockHash(p.block.header);
  const seen = s.proposals.get(p.block.header.round);
  const verified = seen !== undefined && bytesEqual(seen.blockHash, hash);
  if (verified && findBlock(s, p.block.header.parentHash) === undefined) return;
  s.pendingProposal = null;
  if (!verified) {
    onProposal(s, out, pending.from, p);
    return;
  }
  acceptProposal(s, out, pending.from, p, hash, proposerVote(p.block, hash, p.signature));
}
