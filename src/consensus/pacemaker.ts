// The pacemaker (DiemBFT v4 section 5 / Jolteon): the round is one above the highest QC or TC seen;
// a round that times out doubles the next timeout, up to a cap; leaders rotate round-robin.
import type { TimeoutVote } from '../ledger/certificate.ts';
import { faultsTolerated } from '../ledger/validator-set.ts';
import { signTimeout } from './safety.ts';
import type { ConsensusState } from './state.ts';
import { requestSync } from './sync.ts';
import { findBlock } from './tree.ts';
import type { Action } from './types.ts';
import { addTimeoutVote } from './votes.ts';

/** Rounds of votes and timeouts kept below the current round (for late messages and evidence). */
const roundsKept = 4;

export function leaderIndex(s: ConsensusState, round: number): number {
  return round % s.validators.validators.length;
}

export function roundDurationMs(s: ConsensusState): number {
  const doublings = Math.min(s.timeoutsInRow, s.config.roundTimeoutDoublingsMax);
  return s.config.roundTimeoutMs * 2 ** doublings;
}

/** Enters round max(highQc, highTc) + 1 if that is ahead of the current round. */
export function advanceRound(s: ConsensusState, out: Action[]): void {
  const next = Math.max(s.highQc.round, s.highTc?.round ?? 0) + 1;
  if (next <= s.round) return;
  s.timeoutsInRow = s.highQc.round + 1 === next ? 0 : s.timeoutsInRow + 1;
  s.round = next;
  s.syncAllowed = true;
  for (const map of [s.votes, s.timeouts, s.proposals]) {
    for (const round of map.keys()) if (round + roundsKept < next) map.delete(round);
  }
  if (!s.started) return;
  out.push({ type: 'set-timer', epoch: s.epoch, round: next, durationMs: roundDurationMs(s) });
  maybePropose(s, out);
}

/** As the round's leader, asks the driver for a payload once the parent is known and justified. */
export function maybePropose(s: ConsensusState, out: Action[]): void {
  const round = s.round;
  if (!s.started || s.myIndex < 0 || leaderIndex(s, round) !== s.myIndex) return;
  if (s.proposedRound >= round || s.lastVotedRound >= round) return;
  const parent = findBlock(s, s.highQc.blockHash);
  if (parent === undefined) {
    if (s.syncPeer !== null) requestSync(s, out, s.syncPeer);
    return;
  }
  const justified = s.highQc.round + 1 === round || s.highTc?.round === round - 1;
  if (!justified) return;
  s.proposedRound = round;
  const height = parent.block.header.height + 1;
  out.push({ type: 'request-payload', epoch: s.epoch, round, height, parent: parent.block.header });
}

export function onStart(s: ConsensusState, out: Action[]): void {
  if (s.started) return;
  s.started = true;
  if (s.round === 0) {
    advanceRound(s, out);
    return;
  }
  out.push({ type: 'set-timer', epoch: s.epoch, round: s.round, durationMs: roundDurationMs(s) });
  maybePropose(s, out);
}

/** The round's timer fired: time out (or repeat the timeout), ask a peer for news, re-arm. */
export function onTimer(s: ConsensusState, out: Action[], epoch: number, round: number): void {
  if (epoch !== s.epoch || round !== s.round || !s.started) return;
  s.syncAllowed = true;
  const lagging = s.pendingProposal !== null || findBlock(s, s.highQc.blockHash) === undefined;
  const peer = s.syncPeer ?? s.peers[(round + s.timeoutsInRow) % s.peers.length]!;
  if ((lagging || s.myIndex < 0) && peer !== s.myPeer) requestSync(s, out, peer);
  if (s.myIndex >= 0) timeOutRound(s, out);
  out.push({ type: 'set-timer', epoch: s.epoch, round: s.round, durationMs: roundDurationMs(s) });
}

/** Signs (once) and broadcasts this validator's timeout for the current round. */
export function timeOutRound(s: ConsensusState, out: Action[]): void {
  if (s.lastTimeout !== null && s.lastTimeout.timeout.round === s.round) {
    out.push({ type: 'broadcast', message: s.lastTimeout });
    return;
  }
  const message = signTimeout(s, out);
  if (message === null) return;
  s.lastTimeout = message;
  out.push({ type: 'broadcast', message });
  addTimeoutVote(s, out, message.timeout);
}

/** Bracha-style amplification: f + 1 timeouts for this round show it is lost; join them. */
export function maybeJoinTimeout(s: ConsensusState, out: Action[], vote: TimeoutVote): void {
  if (vote.round !== s.round || s.myIndex < 0) return;
  if (s.lastTimeout?.timeout.round === s.round) return;
  const count = s.timeouts.get(vote.round)?.size ?? 0;
  if (count >= faultsTolerated(s.validators.validators.length) + 1) timeOutRound(s, out);
}
