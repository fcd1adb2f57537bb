// The engine's one entry point: step(state, input) -> { state, actions }. Deterministic: no clock,
// I/O or randomness; the same inputs from the same initial state give the same actions.
import type { Block } from '../ledger/block.ts';
import { unreachable } from '../util/assert.ts';
import { markQcVerified, markTcVerified } from './certify.ts';
import { enterEpoch, recordCommitted } from './commit.ts';
import type { Message } from './messages.ts';
import { onStart, onTimer } from './pacemaker.ts';
import { onPayload, onProposal } from './proposal.ts';
import { adoptValidatorSet, type ConsensusState, createEntry } from './state.ts';
import { onSyncInfo, onSyncRequest, onSyncResponse } from './sync.ts';
import { findBlock, insertBlock, pruneTree } from './tree.ts';
import type { Action, Input, PeerId, PersistRecord, StepResult } from './types.ts';
import { onTimeoutMessage, onVote } from './votes.ts';

export function step(s: ConsensusState, input: Input): StepResult<ConsensusState> {
  const out: Action[] = [];
  switch (input.type) {
    case 'start':
      onStart(s, out);
      break;
    case 'message':
      onMessage(s, out, input.from, input.message);
      break;
    case 'timer-fired':
      onTimer(s, out, input.epoch, input.round);
      break;
    case 'payload':
      onPayload(s, out, input.epoch, input.round, input.payload);
      break;
    case 'replay':
      replay(s, input.record);
      return { state: s, actions: [] };
    default:
      unreachable(input);
  }
  return { state: s, actions: out };
}

function onMessage(s: ConsensusState, out: Action[], from: PeerId, m: Message): void {
  switch (m.type) {
    case 'proposal':
      onProposal(s, out, from, m);
      break;
    case 'vote':
      onVote(s, out, m);
      break;
    case 'timeout':
      onTimeoutMessage(s, out, from, m);
      break;
    case 'sync-info':
      onSyncInfo(s, out, from, m);
      break;
    case 'sync-request':
      onSyncRequest(s, out, from, m);
      break;
    case 'sync-response':
      onSyncResponse(s, out, from, m);
      break;
    default:
      unreachable(m);
  }
}

/**
 * Rebuilds the state from one persisted record, before 'start': the committed tip and epoch from
 * commit records, the last voted round and the lock (highest QC) from safety records.
 */
function replay(s: ConsensusState, record: PersistRecord): void {
  if (record.kind === 'block') {
    replayBlock(s, record.block);
    return;
  }
  if (record.kind === 'commit') {
    const set = record.validators;
    // The block ended its epoch when the set after it belongs to a later epoch than the block.
    const ends = set.epoch !== record.block.header.epoch;
    recordCommitted(s, record.block, record.qc, ends, record.witness);
    s.root = createEntry(record.block, record.block.header.round);
    s.rootQc = record.qc;
    if (ends) enterEpoch(s, [], set, true);
    else {
      // A restart in the middle of a later epoch: that epoch's set, with the tip as it stands.
      if (set.epoch !== s.epoch) {
        adoptValidatorSet(s, set);
        s.epochRoot = s.root;
        s.highQc = record.qc;
      }
      if (record.qc.round > s.highQc.round) s.highQc = record.qc;
      pruneTree(s);
    }
    return;
  }
  if (record.epoch !== s.epoch) return;
  s.lastVotedRound = Math.max(s.lastVotedRound, record.lastVotedRound);
  if (record.highQc.round > s.highQc.round) {
    s.highQc = record.highQc;
    markQcVerified(s, record.highQc);
  }
  const tc = record.highTc;
  if (tc !== null && tc.round > (s.highTc?.round ?? 0)) {
    s.highTc = tc;
    markTcVerified(s, tc);
  }
  s.round = 0;
}

/** Puts back a block this validator voted for, if it still extends the committed tip. */
function replayBlock(s: ConsensusState, block: Block): void {
  const h = block.header;
  const parent = findBlock(s, h.parentHash);
  if (h.epoch !== s.epoch || parent === undefined) return;
  if (h.height !== parent.block.header.height + 1) return;
  const verdict = s.config.validateBlock(block, parent.block.header);
  if (!verdict.ok) return;
  insertBlock(s, createEntry(block, h.round, verdict.nextValidators));
}
