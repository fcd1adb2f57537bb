// The governance methods' arguments. Shape only: a field of the wrong type or length is
// 'invalid_args'; what the values mean (unknown or duplicate nodes, too many) gets its own code.
import { type CborValue, readArray, readRecord, readString, readUint } from '../../codec/index.ts';
import { txBytesMax } from '../../ledger/limits.ts';
import { nodeIdLengthMax, noteLengthMax } from './keys.ts';

export type ProposeValidatorsInput = {
  /** Node ids in leader rotation order. */
  readonly validators: readonly string[];
  /** Why the set changes. */
  readonly note: string;
};

export function readProposeValidators(value: CborValue): ProposeValidatorsInput {
  const f = readRecord(value, 'args', ['validators', 'note']);
  // Every item takes at least a byte of the transaction: its size bounds the list, and a list
  // longer than validatorsMax is refused with gov_validators_invalid, not as malformed.
  const validators = readArray(f.validators, 'args.validators', txBytesMax).map((v, i) =>
    readString(v, `args.validators[${i}]`, nodeIdLengthMax),
  );
  return { validators, note: readString(f.note, 'args.note', noteLengthMax) };
}

/** `{ proposalId }`, the argument of approve_validators and withdraw_validators. */
export function readProposalId(value: CborValue): number {
  const f = readRecord(value, 'args', ['proposalId']);
  return readUint(f.proposalId, 'args.proposalId');
}
