// Vote and timeout aggregation: the next round's leader gathers 2f + 1 votes for a block into a QC
// and sends it to all at once; every validator gathers 2f + 1 timeouts for a round into a TC.
// Conflicting votes become evidence.
import {
  type QuorumCertificate,
  signerBitmap,
  type TimeoutCertificate,
  type TimeoutVote,
  type Vote,
} from '../ledger/certificate.ts';
import { quorumSize } from '../ledger/validator-set.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';
import { markQcVerified, markTcVerified, processQc, processTc } from './certify.ts';
import { timeoutDigest, voteDigest } from './digest.ts';
import { detectConflict, type Evidence, type EvidenceKind } from './evidence.ts';
import type { TimeoutMessage, VoteMessage } from './messages.ts';
import { leaderIndex, maybeJoinTimeout } from './pacemaker.ts';
import type { ConsensusState } from './state.ts';
import { requestSync } from './sync.ts';
import type { Action, PeerId } from './types.ts';

export function checkVoteSignature(s: ConsensusState, vote: Vote): boolean {
  const validator = s.validators.validators[vote.voter];
  if (validator === undefined) return false;
  const message = voteDigest(s.config.chainId, vote.epoch, vote.round, vote.height, vote.blockHash);
  return s.config.verify(validator.suite, message, vote.signature, validator.publicKey);
}

export function emitEvidence(s: ConsensusState, out: Action[], evidence: Evidence): void {
  const key = `${evidence.first.epoch}:${evidence.first.round}:${evidence.first.voter}`;
  if (s.evidenceSeen.has(key)) return;
  s.evidenceSeen.add(key);
  out.push({ type: 'evidence', evidence });
}

/** Records a verified vote; evidence if it conflicts with the voter's earlier one in that round. */
function recordVote(s: ConsensusState, out: Action[], vote: Vote, kind: EvidenceKind): boolean {
  let round = s.votes.get(vote.round);
  if (round === undefined) {
    round = new Map();
    s.votes.set(vote.round, round);
  }
  const earlier = round.get(vote.voter);
  const evidence = detectConflict(kind, earlier, vote);
  if (evidence !== undefined) emitEvidence(s, out, evidence);
  if (earlier !== undefined) return false;
  round.set(vote.voter, vote);
  return true;
}

export function onVote(s: ConsensusState, out: Action[], m: VoteMessage): void {
  const vote = m.vote;
  if (vote.epoch !== s.epoch || vote.voter >= s.peers.length) return;
  if (leaderIndex(s, vote.round + 1) !== s.myIndex) return;
  const earlier = s.votes.get(vote.round)?.get(vote.voter);
  if (earlier !== undefined && bytesEqual(earlier.blockHash, vote.blockHash)) return;
  if (earlier === undefined && vote.round <= s.highQc.round) return;
  if (!checkVoteSignature(s, vote)) return;
  addVote(s, out, vote, 'double-vote');
}

/** Adds a verified vote (or a proposal's signature) and forms a QC at 2f + 1 matching votes. */
export function addVote(s: ConsensusState, out: Action[], vote: Vote, kind: EvidenceKind): void {
  if (!recordVote(s, out, vote, kind)) return;
  if (vote.round <= s.highQc.round) return;
  const matching: Vote[] = [];
  for (const v of s.votes.get(vote.round)!.values()) {
    if (bytesEqual(v.blockHash, vote.blockHash)) matching.push(v);
  }
  if (matching.length < quorumSize(s.peers.length)) return;
  matching.sort((a, b) => a.voter - b.voter);
  const qc: QuorumCertificate = Object.freeze({
    epoch: vote.epoch,
    round: vote.round,
    height: vote.height,
    blockHash: vote.blockHash,
    signers: signerBitmap(
      matching.map((v) => v.voter),
      s.peers.length,
    ),
    signatures: Object.freeze(matching.map((v) => v.signature)),
  });
  markQcVerified(s, qc);
  // Every validator learns of the QC now, not with this leader's next proposal, which waits for
  // its payload (the block interval): they commit what it commits at the same time as this node.
  out.push({ type: 'broadcast', message: { type: 'sync-info', highQc: qc, highTc: null } });
  processQc(s, out, qc, null);
}

export function onTimeoutMessage(
  s: ConsensusState,
  out: Action[],
  from: PeerId,
  m: TimeoutMessage,
): void {
  const t = m.timeout;
  // A peer already in a later epoch: this node missed the block that ended its own (the leader that
  // certified it moved on without proposing in this epoch again). Its timeouts are the only sign.
  if (t.epoch > s.epoch) {
    requestSync(s, out, from);
    return;
  }
  if (t.epoch !== s.epoch || t.voter >= s.peers.length) return;
  if (m.highQc.round !== t.highQcRound || m.highQc.epoch !== t.epoch) return;
  if (!processQc(s, out, m.highQc, from)) return;
  if (t.round < s.round) {
    replySyncInfo(s, out, from);
    return;
  }
  if (s.timeouts.get(t.round)?.has(t.voter)) return;
  const validator = s.validators.validators[t.voter]!;
  const message = timeoutDigest(s.config.chainId, t.epoch, t.round, t.highQcRound);
  if (!s.config.verify(validator.suite, message, t.signature, validator.publicKey)) return;
  addTimeoutVote(s, out, t);
  maybeJoinTimeout(s, out, t);
  // The sender is in a later round, so a certificate this node lacks exists (a TC after a restart
  // that lost it, or one formed while this node was cut off): ask the sender for it.
  if (t.round > s.round) requestSync(s, out, from);
}

/** Tells a peer stuck in an older round which certificates moved this node on. */
function replySyncInfo(s: ConsensusState, out: Action[], to: PeerId): void {
  if (to === s.myPeer) return;
  out.push({
    type: 'send',
    to,
    message: { type: 'sync-info', highQc: s.highQc, highTc: s.highTc },
  });
}

/** Adds a verified timeout vote and forms a TC at 2f + 1 for the round. */
export function addTimeoutVote(s: ConsensusState, out: Action[], t: TimeoutVote): void {
  let round = s.timeouts.get(t.round);
  if (round === undefined) {
    round = new Map();
    s.timeouts.set(t.round, round);
  }
  if (round.has(t.voter)) return;
  round.set(t.voter, t);
  if (round.size < quorumSize(s.peers.length)) return;
  if (s.highTc !== null && s.highTc.round >= t.round) return;
  const votes = [...round.values()].sort((a, b) => a.voter - b.voter);
  const tc: TimeoutCertificate = Object.freeze({
    epoch: t.epoch,
    round: t.round,
    signers: signerBitmap(
      votes.map((v) => v.voter),
      s.peers.length,
    ),
    highQcRounds: Object.freeze(votes.map((v) => v.highQcRound)),
    signatures: Object.freeze(votes.map((v) => v.signature)),
  });
  assert(tc.highQcRounds.length === tc.signatures.length, 'tc: one round per signature');
  markTcVerified(s, tc);
  processTc(s, out, tc);
}
