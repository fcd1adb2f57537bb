// The state of one validator's consensus engine, and how it is first built from the configuration.
// step() owns the state it is given: it updates it in place and returns it (see docs/consensus.md).
import type { Block } from '../ledger/block.ts';
import type {
  QuorumCertificate,
  TimeoutCertificate,
  TimeoutVote,
  Vote,
} from '../ledger/certificate.ts';
import { hashValidatorSet, type ValidatorSet } from '../ledger/validator-set.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual, toHex } from '../util/bytes.ts';
import { blockHash, hashHex } from './digest.ts';
import type { CommitWitness, Proposal, TimeoutMessage } from './messages.ts';
import type { ConsensusConfig, PeerId } from './types.ts';

/** The header hash, remembered per header object (see digest.ts). */
export { blockHash };

/** A block this validator holds: the committed tip, or a block above it that extends it. */
export type TreeEntry = {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** The block's round, or 0 for the block that starts an epoch (its round belongs to the old one). */
  readonly round: number;
  /** Set when committing this block hands over to a new validator set. */
  readonly nextValidators: ValidatorSet | undefined;
};

export type CommittedEntry = {
  readonly block: Block;
  readonly qc: QuorumCertificate;
  readonly endsEpoch: boolean;
  /** Present on a block whose commit this validator saw proven (the end of each commit batch). */
  readonly witness: CommitWitness | null;
};

export type ConsensusState = {
  readonly config: ConsensusConfig;
  epoch: number;
  validators: ValidatorSet;
  validatorSetHash: Uint8Array;
  /** Peer id of each validator of the epoch, by index. */
  peers: PeerId[];
  /** This validator's index in the epoch's set, or -1 when it only follows. */
  myIndex: number;
  readonly myPeer: PeerId;
  started: boolean;

  // Safety (persisted before any signature leaves).
  lastVotedRound: number;

  // Round state (pacemaker).
  round: number;
  highQc: QuorumCertificate;
  highTc: TimeoutCertificate | null;
  timeoutsInRow: number;
  proposedRound: number;
  lastTimeout: TimeoutMessage | null;

  // Block tree: the committed tip (root) and the uncommitted blocks that extend it.
  root: TreeEntry;
  rootQc: QuorumCertificate;
  /** The block that started this epoch (genesis or the last epoch's final block). */
  epochRoot: TreeEntry;
  blocks: Map<string, TreeEntry>;

  // Aggregation and evidence, by round of the current epoch.
  votes: Map<number, Map<number, Vote>>;
  timeouts: Map<number, Map<number, TimeoutVote>>;
  proposals: Map<number, Vote>;
  evidenceSeen: Set<string>;
  verifiedQcs: Set<string>;

  // Sync.
  committed: Map<number, CommittedEntry>;
  pendingProposal: { readonly from: PeerId; readonly proposal: Proposal } | null;
  syncAllowed: boolean;
  syncPeer: PeerId | null;
};

/** The QC by convention for the block that starts an epoch: round 0, no signers. */
export function epochRootQc(epoch: number, root: TreeEntry, n: number): QuorumCertificate {
  return Object.freeze({
    epoch,
    round: 0,
    height: root.block.header.height,
    blockHash: root.hash,
    signers: new Uint8Array(Math.ceil(n / 8)),
    signatures: Object.freeze([]),
  });
}

export function createEntry(block: Block, round: number, nextValidators?: ValidatorSet): TreeEntry {
  const hash = blockHash(block.header);
  return Object.freeze({ block, hash, hashHex: hashHex(hash), round, nextValidators });
}

/** Points the state at a validator set: its hash, its peers and this node's place in it. */
export function adoptValidatorSet(s: ConsensusState, set: ValidatorSet): void {
  s.epoch = set.epoch;
  s.validators = set;
  s.validatorSetHash = hashValidatorSet(set);
  s.peers = set.validators.map((v) => toHex(v.publicKey));
  s.myIndex = set.validators.findIndex((v) => bytesEqual(v.publicKey, s.config.publicKey));
}

export function createConsensusState(config: ConsensusConfig): ConsensusState {
  const g = config.genesis.header;
  assert(g.height === 0 && g.round === 0, 'consensus: genesis is height 0, round 0');
  assert(g.epoch === config.genesisValidators.epoch, 'consensus: genesis epoch matches its set');
  assert(config.roundTimeoutMs > 0, 'consensus: roundTimeoutMs is positive');
  assert(
    config.syncBlocksMax > 0 && config.syncWindowBlocks >= config.syncBlocksMax,
    'consensus: sync limits',
  );
  const root = createEntry(config.genesis, 0);
  const set = config.genesisValidators;
  const rootQc = epochRootQc(set.epoch, root, set.validators.length);
  const s: ConsensusState = {
    config,
    epoch: set.epoch,
    validators: set,
    validatorSetHash: new Uint8Array(32),
    peers: [],
    myIndex: -1,
    myPeer: toHex(config.publicKey),
    started: false,
    lastVotedRound: 0,
    round: 0,
    highQc: rootQc,
    highTc: null,
    timeoutsInRow: 0,
    proposedRound: 0,
    lastTimeout: null,
    root,
    rootQc,
    epochRoot: root,
    blocks: new Map(),
    votes: new Map(),
    timeouts: new Map(),
    proposals: new Map(),
    evidenceSeen: new Set(),
    verifiedQcs: new Set(),
    committed: new Map(),
    pendingProposal: null,
    syncAllowed: true,
    syncPeer: null,
  };
  adoptValidatorSet(s, set);
  return s;
}
