// A light client follows the chain's validator sets from the genesis set alone (docs/consensus.md,
// "Proofs of hand-overs"): the block B that ends epoch e is certified by a quorum of set e; its
// certified state holds the governance module's approved change, proven under B's stateRoot; the
// change was approved between B's parent's state and B's (so B is the block that hands over); and
// set e + 1 is built from that record exactly as the node builds it. Runs in the browser.
import { decode } from '../codec/index.ts';
import { type BlockHeader, decodeHeader, hashHeader } from '../ledger/block.ts';
import { decodeStateProof } from '../ledger/state/proof.ts';
import { verifyStateProof } from '../ledger/state/verify.ts';
import {
  createValidatorSet,
  decodeValidatorSet,
  encodeValidatorSet,
  type ValidatorSet,
} from '../ledger/validator-set.ts';
import { governanceKeys, governanceModuleName } from '../modules/governance/keys.ts';
import { type ApprovedChange, decodeApprovedChange } from '../modules/governance/records.ts';
import { bytesEqual, concatBytes, fromHex, utf8 } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { GetBlockReturnType } from './actions/getBlock.ts';
import type { EpochEntry, EpochProofJson } from './actions/getEpochs.ts';
import { verifyBlockResponse, verifyCertifiedHeader } from './verify.ts';

/** The codes a failure to follow the epochs carries. */
export type EpochErrorCode =
  | 'epoch_genesis_mismatch'
  | 'epoch_gap'
  | 'epoch_proof_missing'
  | 'epoch_proof_invalid'
  | 'epoch_unknown'
  | 'epoch_height_mismatch';

/** Which part of a hand-over proof failed (details.part of an epoch_proof_invalid error). */
export type EpochProofPart =
  | 'certificate'
  | 'parent'
  | 'state_proof'
  | 'record'
  | 'approval'
  | 'start_height'
  | 'set';

/** An epoch whose set this client checked, from the genesis set down. */
export type VerifiedEpoch = {
  readonly epoch: number;
  readonly startHeight: number;
  readonly validatorSet: ValidatorSet;
};

/**
 * The state-tree key of the approved change: the module's prefix (its name and a 0x00, as the
 * runtime's moduleKey builds it) and the module's own key. test/sdk/epochs.test.ts pins the two equal.
 */
export function approvedChangeStateKey(): Uint8Array {
  return concatBytes(
    utf8(governanceModuleName),
    new Uint8Array([0]),
    governanceKeys.approvedChange(),
  );
}

function invalid(epoch: number, part: EpochProofPart, message: string, cause?: unknown) {
  return new TallyError('epoch_proof_invalid', `epoch ${epoch}: ${message}`, {
    details: { epoch, part },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Runs a decoder over a proof part; any failure is the proof's. */
function decodePart<T>(epoch: number, part: EpochProofPart, what: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    throw invalid(epoch, part, `${what}: ${(cause as Error).message}`, cause);
  }
}

export type VerifyEpochChainParameters = {
  chainId: string;
  /** The set the genesis names: the one thing trusted. */
  genesisSet: ValidatorSet;
  /** As getEpochs returns them, oldest first; the genesis entry may be left out. */
  epochs: readonly EpochEntry[];
};

export type VerifyEpochChainReturnType = readonly VerifiedEpoch[];

/**
 * Checks each hand-over from the genesis set on and returns every epoch's set, genesis first. Throws
 * TallyError: epoch_genesis_mismatch, epoch_gap, epoch_proof_missing or epoch_proof_invalid (with
 * details.epoch and details.part).
 *
 * @example
 * const epochs = verifyEpochChain({ chainId, genesisSet, epochs: await getEpochs(client) });
 * verifyBlockInEpochs({ block: await getLatestBlock(client), epochs, chainId });
 */
export function verifyEpochChain(params: VerifyEpochChainParameters): VerifyEpochChainReturnType {
  const { chainId, genesisSet } = params;
  let entries = params.epochs;
  const first = entries[0];
  if (first !== undefined && first.epoch === genesisSet.epoch) {
    const listed = decodePart(first.epoch, 'set', 'setHex', () => fromHex(first.setHex, 'setHex'));
    if (!bytesEqual(listed, encodeValidatorSet(genesisSet)))
      throw new TallyError(
        'epoch_genesis_mismatch',
        `epoch ${first.epoch}: the node's genesis set is not the one trusted`,
        { details: { epoch: first.epoch } },
      );
    entries = entries.slice(1);
  }
  const verified: VerifiedEpoch[] = [
    Object.freeze({ epoch: genesisSet.epoch, startHeight: 1, validatorSet: genesisSet }),
  ];
  for (const entry of entries) {
    const before = verified.at(-1)!;
    if (entry.epoch !== before.epoch + 1)
      throw new TallyError(
        'epoch_gap',
        `epoch ${entry.epoch} does not follow epoch ${before.epoch}`,
        { details: { epoch: entry.epoch, previous: before.epoch } },
      );
    if (entry.proof === undefined)
      throw new TallyError(
        'epoch_proof_missing',
        `epoch ${entry.epoch}: the node holds no proof of its hand-over`,
        { details: { epoch: entry.epoch } },
      );
    verified.push(verifyHandOver(chainId, before, entry, entry.proof));
  }
  return Object.freeze(verified);
}

/** One hand-over: the set of `entry` follows from the checked set `before` (the file's opening says how). */
function verifyHandOver(
  chainId: string,
  before: VerifiedEpoch,
  entry: EpochEntry,
  proof: EpochProofJson,
): VerifiedEpoch {
  const epoch = entry.epoch;
  const header = decodePart(epoch, 'certificate', 'the last block of the epoch before', () =>
    verifyCertifiedHeader({
      headerHex: proof.headerHex,
      qcHex: proof.qcHex,
      validatorSet: before.validatorSet,
      chainId,
    }),
  );
  const parent = verifyParent(epoch, header, proof.parentHeaderHex);
  const change = verifyApprovedChange(epoch, header, proof);
  if (!(parent.stateHeight < change.approvedHeight && change.approvedHeight <= header.stateHeight))
    throw invalid(
      epoch,
      'approval',
      `block ${header.height} does not hand over: the change approved at ${change.approvedHeight} is not after state ${parent.stateHeight} and within state ${header.stateHeight}`,
    );
  if (entry.startHeight !== header.height + 1)
    throw invalid(
      epoch,
      'start_height',
      `starts at ${entry.startHeight}, but block ${header.height} ended the epoch before`,
    );
  const validatorSet = decodePart(epoch, 'set', 'the approved validators', () =>
    createValidatorSet({
      epoch,
      validators: change.validators.map((v) => ({
        suite: v.suite,
        publicKey: v.publicKey,
        orgId: v.orgId,
      })),
    }),
  );
  const listed = decodePart(epoch, 'set', 'setHex', () =>
    decodeValidatorSet(fromHex(entry.setHex, 'setHex')),
  );
  if (!bytesEqual(encodeValidatorSet(listed), encodeValidatorSet(validatorSet)))
    throw invalid(epoch, 'set', 'the listed set is not the approved one');
  return Object.freeze({ epoch, startHeight: entry.startHeight, validatorSet });
}

function verifyParent(epoch: number, header: BlockHeader, parentHex: string): BlockHeader {
  const parent = decodePart(epoch, 'parent', 'parentHeaderHex', () =>
    decodeHeader(fromHex(parentHex, 'parentHeaderHex')),
  );
  if (
    parent.height + 1 !== header.height ||
    parent.chainId !== header.chainId ||
    !bytesEqual(hashHeader(parent), header.parentHash)
  )
    throw invalid(epoch, 'parent', `the parent header is not block ${header.height}'s parent`);
  return parent;
}

/** The approved change in the state `header` certifies, checked with its proof under the stateRoot. */
function verifyApprovedChange(
  epoch: number,
  header: BlockHeader,
  proof: EpochProofJson,
): ApprovedChange {
  const value = decodePart(epoch, 'state_proof', 'valueHex', () =>
    fromHex(proof.valueHex, 'valueHex'),
  );
  const stateProof = decodePart(epoch, 'state_proof', 'stateProofHex', () =>
    decodeStateProof(fromHex(proof.stateProofHex, 'stateProofHex')),
  );
  if (!verifyStateProof(header.stateRoot, approvedChangeStateKey(), value, stateProof))
    throw invalid(
      epoch,
      'state_proof',
      `the approved change is not proven under block ${header.height}'s state root`,
    );
  return decodePart(epoch, 'record', 'the approved change', () =>
    decodeApprovedChange(decode(value, { field: 'approvedChange' })),
  );
}

/** The checked set of `epoch`; throws TallyError epoch_unknown when the chain has not reached it. */
export function validatorSetOfEpoch(
  epochs: VerifyEpochChainReturnType,
  epoch: number,
): ValidatorSet {
  const found = epochs.find((e) => e.epoch === epoch);
  if (found === undefined)
    throw new TallyError('epoch_unknown', `epoch ${epoch} is not among the verified epochs`, {
      details: { epoch, verified: epochs.at(-1)?.epoch },
    });
  return found.validatorSet;
}

export type VerifyBlockInEpochsParameters = {
  block: GetBlockReturnType;
  /** From verifyEpochChain. */
  epochs: VerifyEpochChainReturnType;
  chainId?: string | undefined;
};

/**
 * Checks that a block is final under the set of the epoch its header names, and that its height lies
 * in that epoch. Throws what verifyBlockResponse throws, or epoch_unknown / epoch_height_mismatch.
 *
 * @example
 * const header = verifyBlockInEpochs({ block: await getBlock(client, { height }), epochs, chainId });
 */
export function verifyBlockInEpochs(params: VerifyBlockInEpochsParameters): BlockHeader {
  const { block, epochs } = params;
  const { epoch, height } = block.header;
  const validatorSet = validatorSetOfEpoch(epochs, epoch);
  const header = verifyBlockResponse({ block, validatorSet, chainId: params.chainId });
  const index = epochs.findIndex((e) => e.epoch === epoch);
  const start = epochs[index]!.startHeight;
  const next = epochs[index + 1]?.startHeight;
  // Genesis (height 0) counts as the first epoch's.
  if ((height < start && index > 0) || (next !== undefined && height >= next))
    throw new TallyError(
      'epoch_height_mismatch',
      `block ${height} names epoch ${epoch}, which runs from ${start}${next === undefined ? '' : ` to ${next - 1}`}`,
      { details: { height, epoch } },
    );
  return header;
}
