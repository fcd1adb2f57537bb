// Proof that a validator signed two different blocks for one round of one epoch. A proposal's
// signature is its proposer's vote (see docs/consensus.md), so both kinds are a pair of votes.
import { type CborValue, CodecError, decode, encode, readEnum, readTuple } from '../codec/index.ts';
import {
  type CertificateCheck,
  type VerifyFn,
  type Vote,
  voteFromValue,
  voteMessage,
  voteToValue,
} from '../ledger/certificate.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import { bytesEqual } from '../util/bytes.ts';

export type EvidenceKind = 'double-proposal' | 'double-vote';
const evidenceKinds: readonly EvidenceKind[] = ['double-proposal', 'double-vote'];
const evidenceBytesMax = 1024;

export type Evidence = {
  readonly kind: EvidenceKind;
  readonly first: Vote;
  readonly second: Vote;
};

export function evidenceToValue(e: Evidence): CborValue {
  return [e.kind, voteToValue(e.first), voteToValue(e.second)];
}

export function evidenceFromValue(value: CborValue | undefined, field: string): Evidence {
  const items = readTuple(value, field, 3);
  const evidence: Evidence = Object.freeze({
    kind: readEnum(items[0], `${field}.kind`, evidenceKinds),
    first: voteFromValue(items[1], `${field}.first`),
    second: voteFromValue(items[2], `${field}.second`),
  });
  const reason = conflictProblem(evidence.first, evidence.second);
  if (reason !== undefined) throw new CodecError('out_of_range', field, reason);
  return evidence;
}

export function encodeEvidence(e: Evidence): Uint8Array {
  return encode(evidenceToValue(e));
}

export function decodeEvidence(bytes: Uint8Array): Evidence {
  return evidenceFromValue(
    decode(bytes, { bytesMax: evidenceBytesMax, field: 'evidence' }),
    'evidence',
  );
}

/** Why two votes are not a conflict, or undefined when they are one. */
function conflictProblem(a: Vote, b: Vote): string | undefined {
  if (a.voter !== b.voter) return 'votes are from different validators';
  if (a.epoch !== b.epoch || a.round !== b.round) return 'votes are for different rounds';
  if (bytesEqual(a.blockHash, b.blockHash)) return 'votes are for the same block';
  return undefined;
}

/** Checks evidence against the epoch's set: one validator, one round, two blocks, two good signatures. */
export function verifyEvidence(
  e: Evidence,
  set: ValidatorSet,
  chainId: string,
  verify: VerifyFn,
): CertificateCheck {
  const reason = conflictProblem(e.first, e.second);
  if (reason !== undefined) return { ok: false, reason };
  if (e.first.epoch !== set.epoch)
    return { ok: false, reason: `evidence is for epoch ${e.first.epoch}` };
  const validator = set.validators[e.first.voter];
  if (validator === undefined) return { ok: false, reason: 'voter outside the validator set' };
  for (const v of [e.first, e.second]) {
    const message = voteMessage(chainId, v.epoch, v.round, v.height, v.blockHash);
    if (!verify(validator.suite, message, v.signature, validator.publicKey)) {
      return { ok: false, reason: `bad signature on the vote for round ${v.round}` };
    }
  }
  return { ok: true };
}

/** Evidence when `vote` conflicts with what this voter signed before in its round, else undefined. */
export function detectConflict(
  kind: EvidenceKind,
  earlier: Vote | undefined,
  vote: Vote,
): Evidence | undefined {
  if (earlier === undefined || conflictProblem(earlier, vote) !== undefined) return undefined;
  return Object.freeze({ kind, first: earlier, second: vote });
}
