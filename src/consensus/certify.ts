// Checking certificates once and acting on them: a higher QC or TC moves the round on, a QC on a
// block whose parent is one round below commits that parent (the 2-chain rule, Jolteon section 3).
import {
  type QuorumCertificate,
  signerIndexes,
  type TimeoutCertificate,
  verifyTimeoutCertificate,
} from '../ledger/certificate.ts';
import { quorumSize } from '../ledger/validator-set.ts';
import { bytesEqual, toHex } from '../util/bytes.ts';
import { tryCommit } from './commit.ts';
import { hashHex, voteDigest } from './digest.ts';
import { advanceRound } from './pacemaker.ts';
import type { ConsensusState } from './state.ts';
import { requestSync } from './sync.ts';
import { findBlock } from './tree.ts';
import type { Action, PeerId } from './types.ts';

/** Verified certificates remembered so that each is checked once; cleared past this size. */
const verifiedCertificatesMax = 4096;

function rememberVerified(s: ConsensusState, key: string): void {
  if (s.verifiedQcs.size >= verifiedCertificatesMax) s.verifiedQcs.clear();
  s.verifiedQcs.add(key);
}

export function qcKey(qc: QuorumCertificate): string {
  return `qc:${qc.round}:${hashHex(qc.blockHash)}`;
}

/** Is this a QC of the current epoch with 2f + 1 good signatures (or the epoch root's by convention)? */
export function checkQc(s: ConsensusState, qc: QuorumCertificate): boolean {
  if (qc.epoch !== s.epoch) return false;
  if (qc.round === 0) {
    return (
      qc.height === s.epochRoot.block.header.height && bytesEqual(qc.blockHash, s.epochRoot.hash)
    );
  }
  const key = qcKey(qc);
  if (s.verifiedQcs.has(key)) return true;
  const ok = verifyQcSignatures(s, qc);
  if (ok) rememberVerified(s, key);
  return ok;
}

/**
 * ledger/certificate.ts verifyQuorumCertificate for the epoch's set (signers inside the set, a
 * quorum of them, one good signature each), with the vote digest computed once per block hash.
 */
function verifyQcSignatures(s: ConsensusState, qc: QuorumCertificate): boolean {
  const set = s.validators.validators;
  const indexes = signerIndexes(qc.signers);
  if (indexes.length !== qc.signatures.length || indexes.length < quorumSize(set.length)) {
    return false;
  }
  const message = voteDigest(s.config.chainId, qc.epoch, qc.round, qc.height, qc.blockHash);
  for (let k = 0; k < indexes.length; k++) {
    const validator = set[indexes[k]!];
    if (validator === undefined) return false;
    const signature = qc.signatures[k]!;
    if (isVerifiedVote(s, qc, indexes[k]!, signature)) continue;
    if (!s.config.verify(validator.suite, message, signature, validator.publicKey)) return false;
  }
  return true;
}

/**
 * Whether this node already checked `voter`'s signature on this block: a QC repeats the proposer's
 * signature (its vote) and, at the next leader, the votes it gathered. Each is verified once.
 */
function isVerifiedVote(
  s: ConsensusState,
  qc: QuorumCertificate,
  voter: number,
  signature: Uint8Array,
): boolean {
  const proposal = s.proposals.get(qc.round);
  const vote = proposal?.voter === voter ? proposal : s.votes.get(qc.round)?.get(voter);
  return (
    vote !== undefined &&
    vote.voter === voter &&
    vote.epoch === qc.epoch &&
    vote.height === qc.height &&
    bytesEqual(vote.blockHash, qc.blockHash) &&
    bytesEqual(vote.signature, signature)
  );
}

export function checkTc(s: ConsensusState, tc: TimeoutCertificate): boolean {
  if (tc.epoch !== s.epoch) return false;
  const key = tcKey(tc);
  if (s.verifiedQcs.has(key)) return true;
  const check = verifyTimeoutCertificate(tc, s.validators, s.config.chainId, s.config.verify);
  if (check.ok) rememberVerified(s, key);
  return check.ok;
}

function tcKey(tc: TimeoutCertificate): string {
  return `tc:${tc.round}:${tc.highQcRounds.join(',')}:${toHex(tc.signers)}`;
}

/** Marks a TC this node assembled from timeouts it verified itself (or read back from its log). */
export function markTcVerified(s: ConsensusState, tc: TimeoutCertificate): void {
  rememberVerified(s, tcKey(tc));
}

/** Marks a QC this node assembled from votes it verified itself. */
export function markQcVerified(s: ConsensusState, qc: QuorumCertificate): void {
  rememberVerified(s, qcKey(qc));
}

/** Takes in a QC from `from`; false when it is not a valid QC of this epoch. */
export function processQc(
  s: ConsensusState,
  out: Action[],
  qc: QuorumCertificate,
  from: PeerId | null,
): boolean {
  if (!checkQc(s, qc)) return false;
  if (qc.round > s.highQc.round) s.highQc = qc;
  const entry = findBlock(s, qc.blockHash);
  if (entry !== undefined) tryCommit(s, out, entry, qc);
  else if (qc.height > s.root.block.header.height && from !== null) requestSync(s, out, from);
  advanceRound(s, out);
  return true;
}

/** Takes in a TC; false when it is not a valid TC of this epoch. */
export function processTc(s: ConsensusState, out: Action[], tc: TimeoutCertificate): boolean {
  if (!checkTc(s, tc)) return false;
  if (s.highTc === null || tc.round > s.highTc.round) s.highTc = tc;
  advanceRound(s, out);
  return true;
}
