// Pure checks on what peers send during catch-up and state sync: fetched blocks chain to what the node
// holds and each carries a valid QC; a snapshot offer's state root is certified; transaction ids of
// the replay window match their headers. Each answers ok or a specific reason, never throws for input.
import { merkleRoot } from '../../crypto/merkle.ts';
import { type Block, type BlockHeader, checkBlockBody, hashHeader } from '../../ledger/block.ts';
import type { ReplayBlock } from '../../ledger/block-store.ts';
import { txExpiryPruneMarginMs } from '../../ledger/block-store.ts';
import {
  type QuorumCertificate,
  type VerifyFn,
  verifyQuorumCertificate,
} from '../../ledger/certificate.ts';
import { txExpiryWindowMs } from '../../ledger/limits.ts';
import { hashValidatorSet, type ValidatorSet } from '../../ledger/validator-set.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { SnapshotOffer, TxIdBlock } from './messages.ts';

/** What certificates are checked against: one epoch's set (an epoch change ends a fetch). */
export type SyncTrust = {
  readonly chainId: string;
  readonly validatorSet: ValidatorSet;
  readonly verify: VerifyFn;
};

export type SyncRefusal =
  | 'not_consecutive'
  | 'broken_link'
  | 'wrong_chain'
  | 'validator_set_mismatch'
  | 'epoch_unknown'
  | 'qc_for_other_block'
  | 'qc_invalid'
  | 'body_mismatch'
  | 'count_mismatch'
  | 'state_height_mismatch'
  | 'window_not_covered';

export type SyncRefused = {
  readonly ok: false;
  readonly code: SyncRefusal;
  /** The position of the offending item in what was checked. */
  readonly index: number;
  readonly reason: string;
};
export type SyncCheck = { readonly ok: true } | SyncRefused;
export type SyncChecked<T> = { readonly ok: true; readonly value: T } | SyncRefused;

function refuse(code: SyncRefusal, index: number, reason: string): SyncRefused {
  return { ok: false, code, index, reason };
}

/**
 * Checks blocks fetched after `fromHeader` (the last block the node holds): consecutive heights, each
 * the child of the one before (parentHash), of this chain and validator set, its body matching its
 * header, and `qcs[i]` a valid quorum certificate for exactly `blocks[i]`.
 */
export function checkFetchedBlocks(
  fromHeader: BlockHeader,
  blocks: readonly Block[],
  qcs: readonly QuorumCertificate[],
  trust: SyncTrust,
): SyncCheck {
  if (blocks.length !== qcs.length)
    return refuse('count_mismatch', 0, `${blocks.length} blocks, ${qcs.length} QCs`);
  const setHash = hashValidatorSet(trust.validatorSet);
  let parent = fromHeader;
  let parentHash = hashHeader(fromHeader);
  for (let i = 0; i < blocks.length; i++) {
    const { header } = blocks[i]!;
    const linked = checkLink(parent, parentHash, header, i, trust.chainId);
    if (linked !== undefined) return linked;
    if (!bytesEqual(header.validatorSetHash, setHash)) {
      return refuse(
        'validator_set_mismatch',
        i,
        `block ${header.height} names another validator set`,
      );
    }
    const body = checkBlockBody(blocks[i]!);
    if (!body.ok) return refuse('body_mismatch', i, `block ${header.height}: ${body.reason}`);
    const hash = hashHeader(header);
    const certified = checkQc(qcs[i]!, header, hash, i, trust, trust.validatorSet);
    if (certified !== undefined) return certified;
    parent = header;
    parentHash = hash;
  }
  return { ok: true };
}

export type VerifiedOffer = {
  readonly height: number;
  /** The snapshot's root: restoreSnapshot's expectedRoot. */
  readonly stateRoot: Uint8Array;
  readonly resultsRoot: Uint8Array;
  /** The base block and its QC (the first header's justify), for BlockStore.installBase. */
  readonly block: Block;
  readonly qc: QuorumCertificate;
};

/** The validator set of an epoch the checker trusts, or undefined for one it cannot check. */
export type SetOfEpoch = (epoch: number) => ValidatorSet | undefined;

/**
 * Checks an offer: the headers chain from its block, the last one is certified by `qc`, and carries
 * the state of the block's height; the block's own QC (the first header's justify) is valid too.
 * Each QC is checked against the set of its block's epoch: `setOfEpoch`, or trust.validatorSet for
 * its own epoch only.
 */
export function checkSnapshotOffer(
  offer: SnapshotOffer,
  trust: SyncTrust,
  setOfEpoch?: SetOfEpoch,
): SyncChecked<VerifiedOffer> {
  const setOf: SetOfEpoch =
    setOfEpoch ??
    ((epoch) => (epoch === trust.validatorSet.epoch ? trust.validatorSet : undefined));
  const { block, headers, qc } = offer;
  if (block.header.height !== offer.height) {
    return refuse(
      'state_height_mismatch',
      0,
      `the block is at ${block.header.height}, not ${offer.height}`,
    );
  }
  if (block.header.chainId !== trust.chainId)
    return refuse('wrong_chain', 0, `block of chain ${block.header.chainId}`);
  const body = checkBlockBody(block);
  if (!body.ok) return refuse('body_mismatch', 0, body.reason);
  let parent = block.header;
  let parentHash = hashHeader(parent);
  for (let i = 0; i < headers.length; i++) {
    const linked = checkLink(parent, parentHash, headers[i]!, i, trust.chainId);
    if (linked !== undefined) return linked;
    parent = headers[i]!;
    parentHash = hashHeader(parent);
  }
  const first = headers[0];
  if (first === undefined) return refuse('count_mismatch', 0, 'an offer carries a header');
  if (parent.stateHeight !== offer.height) {
    return refuse(
      'state_height_mismatch',
      headers.length - 1,
      `the certified header carries state of ${parent.stateHeight}`,
    );
  }
  const lastSet = setOfHeader(parent, headers.length - 1, setOf);
  if ('ok' in lastSet) return lastSet;
  const last = checkQc(qc, parent, parentHash, headers.length - 1, trust, lastSet);
  if (last !== undefined) return last;
  const baseSet = setOfHeader(block.header, 0, setOf);
  if ('ok' in baseSet) return baseSet;
  const base = checkQc(first.justify, block.header, hashHeader(block.header), 0, trust, baseSet);
  if (base !== undefined) return base;
  return {
    ok: true,
    value: {
      height: offer.height,
      stateRoot: parent.stateRoot,
      resultsRoot: parent.resultsRoot,
      block,
      qc: first.justify,
    },
  };
}

/**
 * Checks the transaction ids of the blocks before `nextHeader` (ascending, ending with its parent):
 * the headers chain into it and each id list gives its header's txRoot. Returns them as ReplayBlocks.
 */
export function checkTxIdBlocks(
  nextHeader: BlockHeader,
  blocks: readonly TxIdBlock[],
): SyncChecked<ReplayBlock[]> {
  let child = nextHeader;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const { header, txIds } = blocks[i]!;
    if (header.height + 1 !== child.height)
      return refuse('not_consecutive', i, `block ${header.height} is not before ${child.height}`);
    if (!bytesEqual(hashHeader(header), child.parentHash))
      return refuse(
        'broken_link',
        i,
        `block ${header.height} is not the parent of ${child.height}`,
      );
    if (txIds.length !== header.txCount || !bytesEqual(merkleRoot(txIds), header.txRoot)) {
      return refuse('body_mismatch', i, `the ids of block ${header.height} do not give its txRoot`);
    }
    child = header;
  }
  return {
    ok: true,
    value: blocks.map((b) => ({
      height: b.header.height,
      timeMs: b.header.timeMs,
      txIds: b.txIds,
    })),
  };
}

/** The oldest block time whose transactions may still be live after a block at `baseTimeMs`. */
export function replayWindowStartMs(baseTimeMs: number): number {
  return baseTimeMs - txExpiryWindowMs - txExpiryPruneMarginMs;
}

/**
 * True when checked replay blocks reach back far enough: to genesis, or to a block older than the
 * window (block times never decrease, so every block before it is older still).
 */
export function replayWindowCovered(
  blocks: readonly ReplayBlock[],
  baseHeight: number,
  baseTimeMs: number,
): boolean {
  const first = blocks[0];
  if (first === undefined) return baseHeight === 0;
  return first.height === 0 || first.timeMs < replayWindowStartMs(baseTimeMs);
}

function checkLink(
  parent: BlockHeader,
  parentHash: Uint8Array,
  header: BlockHeader,
  index: number,
  chainId: string,
): SyncRefused | undefined {
  if (header.chainId !== chainId)
    return refuse('wrong_chain', index, `block of chain ${header.chainId}`);
  if (header.height !== parent.height + 1) {
    return refuse(
      'not_consecutive',
      index,
      `block ${header.height} does not follow ${parent.height}`,
    );
  }
  if (!bytesEqual(header.parentHash, parentHash)) {
    return refuse(
      'broken_link',
      index,
      `block ${header.height} does not name block ${parent.height} as its parent`,
    );
  }
  return undefined;
}

/** The set that certifies `header`: known here, and the one the header names. */
function setOfHeader(
  header: BlockHeader,
  index: number,
  setOf: SetOfEpoch,
): ValidatorSet | SyncRefused {
  const set = setOf(header.epoch);
  if (set === undefined)
    return refuse(
      'epoch_unknown',
      index,
      `block ${header.height} is of epoch ${header.epoch}, whose validator set is not known here`,
    );
  if (!bytesEqual(header.validatorSetHash, hashValidatorSet(set)))
    return refuse(
      'validator_set_mismatch',
      index,
      `block ${header.height} names another set than epoch ${header.epoch}'s`,
    );
  return set;
}

function checkQc(
  qc: QuorumCertificate,
  header: BlockHeader,
  hash: Uint8Array,
  index: number,
  trust: SyncTrust,
  validatorSet: ValidatorSet,
): SyncRefused | undefined {
  if (qc.height !== header.height || !bytesEqual(qc.blockHash, hash) || qc.round !== header.round) {
    return refuse('qc_for_other_block', index, `the QC does not certify block ${header.height}`);
  }
  const verified = verifyQuorumCertificate(qc, validatorSet, trust.chainId, trust.verify);
  if (!verified.ok)
    return refuse('qc_invalid', index, `block ${header.height}: ${verified.reason}`);
  return undefined;
}
