// Which block hands the chain to a new validator set (docs/consensus.md, "Validator sets and
// epochs"). The governance module records the latest approved set and the height of the block that
// approved it. The block that ends the epoch is the first whose certified state covers that approval:
// parent.stateHeight < approvedHeight <= header.stateHeight. Exactly one block on any chain meets it,
// and every node reads the same state at that height, so every node picks the same block.
import { encode } from '../codec/index.ts';
import { type ModuleStateReader, moduleKey } from '../execution/index.ts';
import { readModuleState } from '../execution/read.ts';
import { type BlockHeader, encodeHeader, hashHeader } from '../ledger/block.ts';
import { type QuorumCertificate, qcToValue } from '../ledger/certificate.ts';
import type { EpochProof, EpochRecord, EpochStore } from '../ledger/epoch-store.ts';
import { encodeStateProof, type StateTree } from '../ledger/state/index.ts';
import { createValidatorSet, type ValidatorSet } from '../ledger/validator-set.ts';
import {
  type ApprovedChange,
  approvalDelayBlocks,
  governanceKeys,
  governanceModuleName,
  readApprovedChange,
  readOpenProposal,
} from '../modules/governance/index.ts';
import type { WriteBatch } from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { bytesEqual } from '../util/bytes.ts';

export type EpochVerdict =
  | { readonly kind: 'same' }
  | { readonly kind: 'next'; readonly set: ValidatorSet }
  /** This node has not executed the state the block certifies, and a change cannot be ruled out. */
  | { readonly kind: 'unknown'; readonly reason: string };

export type EpochsDeps = {
  readonly store: EpochStore;
  readonly state: StateTree;
  /** The height this node has executed. */
  readonly executedHeight: () => number;
  /** The time of an executed block, if held. */
  readonly blockTimeAt: (height: number) => number | undefined;
};

const same: EpochVerdict = Object.freeze({ kind: 'same' });

/** Heights whose approved change is remembered: the block check and the commit ask about each. */
const approvedRememberedMax = 16;

export class Epochs {
  readonly #deps: EpochsDeps;
  /** The set built from an approved change, by the epoch it starts: built once, same object after. */
  readonly #built = new Map<string, ValidatorSet>();
  /**
   * The approved change at recent executed heights. The state at an executed height never changes,
   * and a read at a height below the latest walks the tree from LMDB (its caches hold the newest
   * nodes only): every block was read twice, about 1.6% of four validators' CPU at 50 blocks a
   * second (perf).
   */
  readonly #approved = new Map<number, ApprovedChange | undefined>();

  constructor(deps: EpochsDeps) {
    this.#deps = deps;
  }

  /** The epoch in force after the last executed block. */
  current(): EpochRecord {
    return this.#deps.store.current();
  }

  /** Every epoch, oldest first; those after the genesis one carry the proof of their hand-over. */
  all(): readonly EpochRecord[] {
    return this.#deps.store.all();
  }

  /** The set that certifies the block at `height`. */
  setAt(height: number): ValidatorSet {
    return this.#deps.store.atHeight(height).set;
  }

  setOfEpoch(epoch: number): ValidatorSet | undefined {
    return this.#deps.store.byEpoch(epoch)?.set;
  }

  /**
   * Writes the set that starts at `startHeight` into the batch of the block that ended the epoch
   * before; the returned function makes it visible once that batch is durable.
   */
  recordNext(
    batch: WriteBatch,
    set: ValidatorSet,
    startHeight: number,
    proof?: EpochProof | undefined,
  ): () => void {
    return this.#deps.store.add(batch, set, startHeight, proof);
  }

  /**
   * What lets a light client follow the hand-over at `header` (which `decide` found ends its epoch)
   * from the set before it alone: the header, the QC certifying it, its parent header, and the
   * approved change with its proof under the certified state root. Undefined when the certified
   * state is older than any kept here (a node that started from a later snapshot), or `qc` is not
   * the block's own (a light client's proof is not worth stopping a node for).
   */
  proveHandOver(
    header: BlockHeader,
    qc: QuorumCertificate,
    parent: BlockHeader,
  ): EpochProof | undefined {
    assert(parent.height + 1 === header.height, 'the parent is the block below');
    assert(bytesEqual(header.parentHash, hashHeader(parent)), 'the parent is the block below');
    const certifies =
      qc.height === header.height &&
      qc.epoch === header.epoch &&
      qc.round === header.round &&
      bytesEqual(qc.blockHash, hashHeader(header));
    const tree = this.#deps.state;
    const height = header.stateHeight;
    if (!certifies || height < (tree.oldestHeight ?? 0)) return undefined;
    const key = moduleKey(governanceModuleName, governanceKeys.approvedChange());
    const value = tree.get(key, height);
    assert(value !== null, 'a block that ends its epoch certifies an approved change');
    return Object.freeze({
      header: encodeHeader(header),
      qc: encode(qcToValue(qc)),
      parentHeader: encodeHeader(parent),
      value,
      stateProof: encodeStateProof(tree.prove(key, height)),
    });
  }

  /** Does the block `header` (child of `parent`) end its epoch, and with which set after it? */
  decide(header: BlockHeader, parent: BlockHeader): EpochVerdict {
    const certified = header.stateHeight;
    const before = parent.stateHeight;
    // Nothing new certified: no approval can fall between the two.
    if (certified <= before) return same;
    const executed = this.#deps.executedHeight();
    if (certified <= executed) {
      const oldest = this.#deps.state.oldestHeight ?? 0;
      if (certified < oldest) return this.#judgeBelowRetained(oldest, header, before);
      return this.#judge(this.#approvedAt(certified), header, before);
    }
    // Above what this node has executed: an approval after `executed` needs a proposal open at
    // `executed`, and even then comes at least approvalDelayBlocks after its proposal.
    const atExecuted = this.#governanceAt(executed);
    const open = readOpenProposal(atExecuted);
    const openAndLive =
      open !== undefined && open.expiresAtMs > (this.#deps.blockTimeAt(executed) ?? 0);
    if (openAndLive || certified > executed + approvalDelayBlocks)
      return {
        kind: 'unknown',
        reason: `state ${certified} is not executed here yet (executed ${executed}); cannot tell whether the block changes the validator set`,
      };
    return this.#judge(this.#approvedAt(executed), header, before);
  }

  /**
   * The certified state is older than any this node keeps (it started from a snapshot, or pruned).
   * The newest record at `oldest` is also the record at the certified height when it was approved
   * no later than that; else an approval came in between and this node cannot tell.
   */
  #judgeBelowRetained(oldest: number, header: BlockHeader, before: number): EpochVerdict {
    const change = this.#approvedAt(oldest);
    if (change === undefined || change.approvedHeight <= header.stateHeight)
      return this.#judge(change, header, before);
    return {
      kind: 'unknown',
      reason: `state ${header.stateHeight} is older than any kept here (from ${oldest}), and a change was approved since`,
    };
  }

  #judge(change: ApprovedChange | undefined, header: BlockHeader, before: number): EpochVerdict {
    if (change === undefined) return same;
    const covered = before < change.approvedHeight && change.approvedHeight <= header.stateHeight;
    return covered ? { kind: 'next', set: this.#setOf(change, header.epoch + 1) } : same;
  }

  #setOf(change: ApprovedChange, epoch: number): ValidatorSet {
    const key = `${epoch}:${change.proposalId}`;
    let set = this.#built.get(key);
    if (set === undefined) {
      set = createValidatorSet({
        epoch,
        validators: change.validators.map((v) => ({
          suite: v.suite,
          publicKey: v.publicKey,
          orgId: v.orgId,
        })),
      });
      this.#built.set(key, set);
    }
    return set;
  }

  /** The approved change in the state after the executed block at `height`. */
  #approvedAt(height: number): ApprovedChange | undefined {
    if (this.#approved.has(height)) return this.#approved.get(height);
    const change = readApprovedChange(this.#governanceAt(height));
    if (this.#approved.size >= approvedRememberedMax)
      this.#approved.delete(this.#approved.keys().next().value!);
    this.#approved.set(height, change);
    return change;
  }

  #governanceAt(height: number): ModuleStateReader {
    const tree = this.#deps.state;
    return readModuleState(
      { get: (key) => tree.get(key, height) ?? undefined },
      governanceModuleName,
    );
  }
}
