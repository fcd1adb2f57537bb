// Safety rules for 2-chain HotStuff (after Aptos safety_rules_2chain and Jolteon section 4): never
// sign twice in a round, vote only for a block that extends the previous round's QC or a TC's
// highest QC, and time out only naming the highest QC seen. State is persisted before signing.
import type { Block } from '../ledger/block.ts';
import type { TimeoutCertificate, TimeoutVote, Vote } from '../ledger/certificate.ts';
import { assert } from '../util/assert.ts';
import { timeoutDigest, voteDigest } from './digest.ts';
import type { TimeoutMessage } from './messages.ts';
import type { ConsensusState } from './state.ts';
import type { Action } from './types.ts';

/** A block of round r may be voted for if its QC is of round r - 1, or a TC of r - 1 allows its QC. */
export function safeToVote(round: number, qcRound: number, tc: TimeoutCertificate | null): boolean {
  if (round === qcRound + 1) return true;
  if (tc === null || tc.round + 1 !== round) return false;
  return qcRound >= Math.max(...tc.highQcRounds);
}

function persistSafety(s: ConsensusState, out: Action[]): void {
  out.push({
    type: 'persist',
    record: {
      kind: 'safety',
      epoch: s.epoch,
      lastVotedRound: s.lastVotedRound,
      highQc: s.highQc,
      highTc: s.highTc,
    },
  });
}

/**
 * Signs a vote for `block` (hash `blockHash`) if the rules allow it; the persist actions that
 * record the block and the new last-voted round come before anything that carries the signature.
 * The block is kept so that a certified block survives even if every validator restarts: the next
 * leader must extend it, and only its voters hold it.
 */
export function signVote(
  s: ConsensusState,
  out: Action[],
  block: Block,
  blockHash: Uint8Array,
  tc: TimeoutCertificate | null,
): Vote | null {
  const header = block.header;
  if (s.myIndex < 0 || header.epoch !== s.epoch) return null;
  if (header.round <= s.lastVotedRound) return null;
  if (!safeToVote(header.round, header.justify.round, tc)) return null;
  s.lastVotedRound = header.round;
  out.push({ type: 'persist', record: { kind: 'block', block } });
  persistSafety(s, out);
  const message = voteDigest(s.config.chainId, s.epoch, header.round, header.height, blockHash);
  const vote: Vote = Object.freeze({
    epoch: s.epoch,
    round: header.round,
    height: header.height,
    blockHash,
    voter: s.myIndex,
    signature: s.config.sign(message),
  });
  assert(vote.round === s.lastVotedRound, 'safety: a vote is for the last voted round');
  return vote;
}

/** Signs a timeout for the current round naming the highest QC; never below the last voted round. */
export function signTimeout(s: ConsensusState, out: Action[]): TimeoutMessage | null {
  if (s.myIndex < 0 || s.round < s.lastVotedRound) return null;
  const round = s.round;
  assert(
    round === s.highQc.round + 1 || round === (s.highTc?.round ?? -1) + 1,
    'safety: timeout round',
  );
  s.lastVotedRound = round;
  persistSafety(s, out);
  const highQcRound = s.highQc.round;
  const signature = s.config.sign(timeoutDigest(s.config.chainId, s.epoch, round, highQcRound));
  const timeout: TimeoutVote = Object.freeze({
    epoch: s.epoch,
    round,
    highQcRound,
    voter: s.myIndex,
    signature,
  });
  return Object.freeze({ type: 'timeout', timeout, highQc: s.highQc });
}
