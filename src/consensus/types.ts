// The consensus engine's public vocabulary: its configuration, the inputs step() takes and the
// actions it returns (DESIGN decision 3; CONVENTIONS rule 1: pure core, I/O at the edge).
import type { Block, BlockHeader } from '../ledger/block.ts';
import type { QuorumCertificate, TimeoutCertificate, VerifyFn } from '../ledger/certificate.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import type { Evidence } from './evidence.ts';
import type { CommitWitness, Message } from './messages.ts';

/** A peer is named by the hex of its validator public key; the driver maps it to a connection. */
export type PeerId = string;

/** What the driver puts in a block: consensus never looks inside. */
export type Payload = {
  readonly txs: readonly Uint8Array[];
  readonly txRoot: Uint8Array;
  readonly txCount: number;
  readonly timeMs: number;
  readonly stateHeight: number;
  readonly stateRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
};

/**
 * The driver's verdict on a proposed block's payload (txs, roots, time). A block whose committed
 * execution changes the validator set says so here, so every honest validator learns the next set
 * from the same block.
 */
export type BlockVerdict =
  | { readonly ok: true; readonly nextValidators?: ValidatorSet }
  /**
   * `pending`: the block may be fine, but this validator cannot tell yet (it has not executed the
   * state the block certifies, so it cannot know whether the block changes the validator set).
   * A committed segment is then taken up to the block before it; the rest comes by a later sync.
   */
  | { readonly ok: false; readonly reason: string; readonly pending?: true };

export type ConsensusConfig = {
  readonly chainId: string;
  /** Block at height 0, round 0; its epoch is the genesis set's epoch. */
  readonly genesis: Block;
  readonly genesisValidators: ValidatorSet;
  /** This validator's public key (it may be outside the current set: then it only follows). */
  readonly publicKey: Uint8Array;
  /** Signs a 32-byte consensus message with this validator's key (deterministic for Ed25519). */
  readonly sign: (message: Uint8Array) => Uint8Array;
  readonly verify: VerifyFn;
  /** Pure predicate on a proposed block's payload, given its parent header. */
  readonly validateBlock: (block: Block, parent: BlockHeader) => BlockVerdict;
  /** First timeout of a round; doubles with each consecutive timed-out round. */
  readonly roundTimeoutMs: number;
  /** Cap on the doubling: the longest round timeout is roundTimeoutMs * 2^roundTimeoutDoublingsMax. */
  readonly roundTimeoutDoublingsMax: number;
  /** Recent committed blocks kept in memory to answer peers' sync requests. */
  readonly syncWindowBlocks: number;
  /** Most committed blocks in one sync response. */
  readonly syncBlocksMax: number;
};

/** What survives a crash: replaying these through step() restores the state. */
export type PersistRecord =
  | {
      readonly kind: 'safety';
      readonly epoch: number;
      /** Highest round this validator signed a vote or a timeout in. */
      readonly lastVotedRound: number;
      /** Highest QC observed when the last signature was made: the 2-chain lock. */
      readonly highQc: QuorumCertificate;
      /**
       * Highest TC observed then: with the QC it puts a restarted validator back in the round it
       * signed in, where it can repeat its timeout (without it, a validator below its last voted
       * round can neither vote nor time out until a peer's certificate reaches it).
       */
      readonly highTc: TimeoutCertificate | null;
    }
  /** A block this validator voted for (or proposed), logged before the vote. */
  | { readonly kind: 'block'; readonly block: Block }
  | {
      readonly kind: 'commit';
      readonly block: Block;
      /** The QC that certifies `block`. */
      readonly qc: QuorumCertificate;
      /** The validator set in force for the blocks after this one. */
      readonly validators: ValidatorSet;
      /** Proof that the block is committed, on the last block of each commit. */
      readonly witness: CommitWitness | null;
    };

export type Input =
  /** Arms the first round timer (and proposes when leader); send once after replay. */
  | { readonly type: 'start' }
  | { readonly type: 'message'; readonly from: PeerId; readonly message: Message }
  | { readonly type: 'timer-fired'; readonly epoch: number; readonly round: number }
  /** The driver's answer to a request-payload action. */
  | {
      readonly type: 'payload';
      readonly epoch: number;
      readonly round: number;
      readonly payload: Payload;
    }
  /** One record of the persisted log, replayed in order after a restart (before 'start'). */
  | { readonly type: 'replay'; readonly record: PersistRecord };

export type CommitAction = {
  readonly type: 'commit';
  readonly block: Block;
  /** 2f + 1 votes certifying `block`; a child certified in the next round made it final. */
  readonly qc: QuorumCertificate;
  /** Set when this block ends its epoch: the set for the blocks after it. */
  readonly nextValidators?: ValidatorSet;
};

/**
 * Actions, to be executed in order. A persist action must be durable before the driver executes any
 * action after it: that is what keeps a restarted validator from signing twice.
 */
export type Action =
  | { readonly type: 'persist'; readonly record: PersistRecord }
  | { readonly type: 'send'; readonly to: PeerId; readonly message: Message }
  /** To every peer (validators of the epoch and followers), never back to this node. */
  | { readonly type: 'broadcast'; readonly message: Message }
  | {
      readonly type: 'set-timer';
      readonly epoch: number;
      readonly round: number;
      readonly durationMs: number;
    }
  /** This node leads the round: answer with a 'payload' input for a child of `parent`. */
  | {
      readonly type: 'request-payload';
      readonly epoch: number;
      readonly round: number;
      readonly height: number;
      readonly parent: BlockHeader;
    }
  | CommitAction
  | { readonly type: 'evidence'; readonly evidence: Evidence };

export type StepResult<S> = { readonly state: S; readonly actions: readonly Action[] };
