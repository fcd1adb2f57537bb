// Tally's consensus engine: a pure 2-chain HotStuff state machine (Jolteon / DiemBFT v4).
// See docs/consensus.md for the protocol, its safety argument and where it departs from the papers.
export {
  decodeEvidence,
  type Evidence,
  type EvidenceKind,
  encodeEvidence,
  verifyEvidence,
} from './evidence.ts';
export {
  type CommitWitness,
  decodeMessage,
  encodeMessage,
  type Message,
  messageBytesMax,
  type Proposal,
  type SyncInfo,
  type SyncRequest,
  type SyncResponse,
  syncListLengthMax,
  type TimeoutMessage,
  type VoteMessage,
} from './messages.ts';
export { leaderIndex } from './pacemaker.ts';
export { type ConsensusState, createConsensusState } from './state.ts';
export { step } from './step.ts';
export type {
  Action,
  BlockVerdict,
  CommitAction,
  ConsensusConfig,
  Input,
  Payload,
  PeerId,
  PersistRecord,
  StepResult,
} from './types.ts';
