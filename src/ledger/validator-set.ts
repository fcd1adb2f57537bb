// The validators of one epoch, in a fixed order: a validator is named by its index in this list in
// votes and certificates. n = 3f + 1 with equal voting power; a quorum is n - f.
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readString,
  readTuple,
  readUint,
} from '../codec/index.ts';
import type { SuiteId } from '../crypto/suite.ts';
import { toHex } from '../util/bytes.ts';
import { hashEncoded } from './hashing.ts';
import { checkPublicKey, readPublicKey, readSuite } from './keys.ts';
import { orgIdLengthMax, validatorsMax } from './limits.ts';

export type Validator = {
  readonly suite: SuiteId;
  readonly publicKey: Uint8Array;
  /** The organisation (genesis member) that runs this validator. */
  readonly orgId: string;
};

export type ValidatorSet = {
  readonly epoch: number;
  readonly validators: readonly Validator[];
};

/** Largest number of faulty validators the set tolerates. */
export function faultsTolerated(n: number): number {
  return Math.floor((n - 1) / 3);
}

/** Votes needed for a certificate: any two quorums share at least f + 1 validators, one honest. */
export function quorumSize(n: number): number {
  return n - faultsTolerated(n);
}

export function createValidatorSet(set: ValidatorSet): ValidatorSet {
  return decodeValidatorSet(encodeValidatorSet(set));
}

export function validatorSetToValue(set: ValidatorSet): CborValue {
  return [set.epoch, set.validators.map((v) => [v.suite, v.publicKey, v.orgId])];
}

export function encodeValidatorSet(set: ValidatorSet): Uint8Array {
  for (const [i, v] of set.validators.entries()) {
    checkPublicKey(v.publicKey, v.suite, `validatorSet.validators[${i}].publicKey`);
  }
  return encode(validatorSetToValue(set));
}

export function validatorSetFromValue(value: CborValue | undefined, field: string): ValidatorSet {
  const items = readTuple(value, field, 2);
  const list = readArray(items[1], `${field}.validators`, validatorsMax);
  if (list.length === 0)
    throw new CodecError(
      'out_of_range',
      `${field}.validators`,
      'at least one validator is required',
    );
  const seen = new Set<string>();
  const validators = list.map((item, i) => {
    const f = `${field}.validators[${i}]`;
    const fields = readTuple(item, f, 3);
    const suite = readSuite(fields[0], `${f}.suite`);
    const publicKey = readPublicKey(fields[1], suite, `${f}.publicKey`);
    const key = toHex(publicKey);
    if (seen.has(key))
      throw new CodecError('out_of_range', `${f}.publicKey`, 'duplicate validator key');
    seen.add(key);
    return Object.freeze({
      suite,
      publicKey,
      orgId: readString(fields[2], `${f}.orgId`, orgIdLengthMax),
    });
  });
  return Object.freeze({
    epoch: readUint(items[0], `${field}.epoch`),
    validators: Object.freeze(validators),
  });
}

export function decodeValidatorSet(bytes: Uint8Array): ValidatorSet {
  return validatorSetFromValue(decode(bytes, { field: 'validatorSet' }), 'validatorSet');
}

export function hashValidatorSet(set: ValidatorSet): Uint8Array {
  return hashEncoded('validator-set', encodeValidatorSet(set));
}
