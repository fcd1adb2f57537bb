// Votes and timeouts, and the certificates that 2f + 1 of them make (DESIGN decision 3, after
// DiemBFT v4 / Jolteon): a quorum certificate (QC) certifies a block; a timeout certificate (TC)
// lets the next round start when a leader fails. Signers are named by index in the epoch's set.
import {
  type CborValue,
  CodecError,
  readArray,
  readBytes,
  readTuple,
  readUint,
} from '../codec/index.ts';
import type { SuiteId } from '../crypto/suite.ts';
import { hashValue } from './hashing.ts';
import { readSignature } from './keys.ts';
import { validatorsMax } from './limits.ts';
import { quorumSize, type ValidatorSet } from './validator-set.ts';

export type Vote = {
  readonly epoch: number;
  readonly round: number;
  readonly height: number;
  readonly blockHash: Uint8Array;
  readonly voter: number;
  readonly signature: Uint8Array;
};

export type QuorumCertificate = {
  readonly epoch: number;
  readonly round: number;
  readonly height: number;
  readonly blockHash: Uint8Array;
  /** Bitmap, bit i (byte i >> 3, bit i & 7) set when validator i signed. */
  readonly signers: Uint8Array;
  /** One signature per set bit, in validator-index order. */
  readonly signatures: readonly Uint8Array[];
};

export type TimeoutVote = {
  readonly epoch: number;
  readonly round: number;
  /** Round of the highest QC the voter holds: the next leader must extend at least that high. */
  readonly highQcRound: number;
  readonly voter: number;
  readonly signature: Uint8Array;
};

export type TimeoutCertificate = {
  readonly epoch: number;
  readonly round: number;
  readonly signers: Uint8Array;
  /** Per signer, in index order: the highQcRound it signed. */
  readonly highQcRounds: readonly number[];
  readonly signatures: readonly Uint8Array[];
};

export type VerifyFn = (
  suite: SuiteId,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
) => boolean;

/** The 32 bytes a validator signs to vote for a block. */
export function voteMessage(
  chainId: string,
  epoch: number,
  round: number,
  height: number,
  blockHash: Uint8Array,
): Uint8Array {
  return hashValue('vote', [chainId, epoch, round, height, blockHash]);
}

export function timeoutMessage(
  chainId: string,
  epoch: number,
  round: number,
  highQcRound: number,
): Uint8Array {
  return hashValue('timeout', [chainId, epoch, round, highQcRound]);
}

export function signerIndexes(bitmap: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bitmap.length * 8; i++) if ((bitmap[i >> 3]! >> (i & 7)) & 1) out.push(i);
  return out;
}

export function signerBitmap(indexes: readonly number[], n: number): Uint8Array {
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  for (const i of indexes) bitmap[i >> 3]! |= 1 << (i & 7);
  return bitmap;
}

export function voteToValue(v: Vote): CborValue {
  return [v.epoch, v.round, v.height, v.blockHash, v.voter, v.signature];
}

export function voteFromValue(value: CborValue | undefined, field: string): Vote {
  const items = readTuple(value, field, 6);
  return Object.freeze({
    epoch: readUint(items[0], `${field}.epoch`),
    round: readUint(items[1], `${field}.round`),
    height: readUint(items[2], `${field}.height`),
    blockHash: readBytes(items[3], `${field}.blockHash`, 32),
    voter: readUint(items[4], `${field}.voter`, validatorsMax - 1),
    signature: readSignature(items[5], `${field}.signature`),
  });
}

export function qcToValue(qc: QuorumCertificate): CborValue {
  return [qc.epoch, qc.round, qc.height, qc.blockHash, qc.signers, qc.signatures];
}

export function qcFromValue(value: CborValue | undefined, field: string): QuorumCertificate {
  const items = readTuple(value, field, 6);
  const signers = readBytes(items[4], `${field}.signers`);
  const signatures = readSignatures(items[5], signers, field);
  return Object.freeze({
    epoch: readUint(items[0], `${field}.epoch`),
    round: readUint(items[1], `${field}.round`),
    height: readUint(items[2], `${field}.height`),
    blockHash: readBytes(items[3], `${field}.blockHash`, 32),
    signers,
    signatures,
  });
}

export function timeoutVoteToValue(t: TimeoutVote): CborValue {
  return [t.epoch, t.round, t.highQcRound, t.voter, t.signature];
}

export function timeoutVoteFromValue(value: CborValue | undefined, field: string): TimeoutVote {
  const items = readTuple(value, field, 5);
  return Object.freeze({
    epoch: readUint(items[0], `${field}.epoch`),
    round: readUint(items[1], `${field}.round`),
    highQcRound: readUint(items[2], `${field}.highQcRound`),
    voter: readUint(items[3], `${field}.voter`, validatorsMax - 1),
    signature: readSignature(items[4], `${field}.signature`),
  });
}

export function tcToValue(tc: TimeoutCertificate): CborValue {
  return [tc.epoch, tc.round, tc.signers, tc.highQcRounds, tc.signatures];
}

export function tcFromValue(value: CborValue | undefined, field: string): TimeoutCertificate {
  const items = readTuple(value, field, 5);
  const signers = readBytes(items[2], `${field}.signers`);
  const signatures = readSignatures(items[4], signers, field);
  const rounds = readArray(items[3], `${field}.highQcRounds`, validatorsMax);
  if (rounds.length !== signatures.length) {
    throw new CodecError('out_of_range', `${field}.highQcRounds`, 'needs one round per signer');
  }
  return Object.freeze({
    epoch: readUint(items[0], `${field}.epoch`),
    round: readUint(items[1], `${field}.round`),
    signers,
    highQcRounds: Object.freeze(rounds.map((r, i) => readUint(r, `${field}.highQcRounds[${i}]`))),
    signatures,
  });
}

function readSignatures(
  value: CborValue | undefined,
  signers: Uint8Array,
  field: string,
): readonly Uint8Array[] {
  if (signers.length > Math.ceil(validatorsMax / 8))
    throw new CodecError('out_of_range', `${field}.signers`, 'bitmap too long');
  const list = readArray(value, `${field}.signatures`, validatorsMax);
  if (list.length !== signerIndexes(signers).length) {
    throw new CodecError(
      'out_of_range',
      `${field}.signatures`,
      'needs exactly one signature per signer bit',
    );
  }
  return Object.freeze(list.map((s, i) => readSignature(s, `${field}.signatures[${i}]`)));
}

export type CertificateCheck = { ok: true } | { ok: false; reason: string };

/** Checks signer indexes, quorum size and every signature of a QC against the epoch's validator set. */
export function verifyQuorumCertificate(
  qc: QuorumCertificate,
  set: ValidatorSet,
  chainId: string,
  verify: VerifyFn,
): CertificateCheck {
  if (qc.epoch !== set.epoch)
    return { ok: false, reason: `qc is for epoch ${qc.epoch}, set is epoch ${set.epoch}` };
  const message = voteMessage(chainId, qc.epoch, qc.round, qc.height, qc.blockHash);
  return verifySigners(qc.signers, qc.signatures, set, () => message, verify);
}

export function verifyTimeoutCertificate(
  tc: TimeoutCertificate,
  set: ValidatorSet,
  chainId: string,
  verify: VerifyFn,
): CertificateCheck {
  if (tc.epoch !== set.epoch)
    return { ok: false, reason: `tc is for epoch ${tc.epoch}, set is epoch ${set.epoch}` };
  return verifySigners(
    tc.signers,
    tc.signatures,
    set,
    (k) => timeoutMessage(chainId, tc.epoch, tc.round, tc.highQcRounds[k]!),
    verify,
  );
}

function verifySigners(
  signers: Uint8Array,
  signatures: readonly Uint8Array[],
  set: ValidatorSet,
  messageFor: (k: number) => Uint8Array,
  verify: VerifyFn,
): CertificateCheck {
  const n = set.validators.length;
  const indexes = signerIndexes(signers);
  if (indexes.length !== signatures.length)
    return { ok: false, reason: 'signature count does not match signers' };
  if (indexes.some((i) => i >= n))
    return { ok: false, reason: 'signer index outside the validator set' };
  if (indexes.length < quorumSize(n))
    return { ok: false, reason: `${indexes.length} signers, quorum is ${quorumSize(n)}` };
  for (let k = 0; k < indexes.length; k++) {
    const validator = set.validators[indexes[k]!]!;
    if (!verify(validator.suite, messageFor(k), signatures[k]!, validator.publicKey)) {
      return { ok: false, reason: `bad signature from validator ${indexes[k]}` };
    }
  }
  return { ok: true };
}
