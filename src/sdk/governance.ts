// Builders for the governance module's validator-set calls (src/modules/governance decodes what these
// encode): each returns { module, method, args } to spread into buildTransaction. An operator key of a
// member organisation signs them. A proposal passes when operators of more than 2/3 of the
// organisations approved it; the proposer's organisation approves like any other. Checked here so a
// mistake fails in the caller's code, not in a receipt; the rules mirror the module's.
import type { CborValue } from '../codec/index.ts';
import { validatorsMax } from '../ledger/limits.ts';

export const governanceModule = 'governance';
/** A node id as the genesis allows it. */
export const nodeIdPattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** The note says why the set changes; it stays in state for good. */
export const proposalNoteLengthMax = 280;

export type GovernanceCall = {
  readonly module: 'governance';
  readonly method: 'propose_validators' | 'approve_validators' | 'withdraw_validators';
  readonly args: CborValue;
};

export type BuildProposeValidatorsParameters = {
  /** Node ids from the genesis (validators or observers), in leader-rotation order. */
  validators: readonly string[];
  /** Why the set changes, at most 280 characters (default empty). */
  note?: string;
};

function checkNodeIds(validators: readonly string[]): string[] {
  if (!Array.isArray(validators) || validators.length === 0)
    throw new TypeError('validators: name at least one node');
  if (validators.length > validatorsMax)
    throw new RangeError(`validators: at most ${validatorsMax} nodes`);
  validators.forEach((nodeId, i) => {
    if (typeof nodeId !== 'string' || !nodeIdPattern.test(nodeId))
      throw new TypeError(
        `validators[${i}]: a node id is 1 to 64 lower-case letters, digits or dashes`,
      );
    if (validators.indexOf(nodeId) !== i)
      throw new TypeError(`validators[${i}]: ${nodeId} appears twice`);
  });
  return [...validators];
}

/**
 * governance.propose_validators: proposes the next validator set. One proposal is open at a time;
 * it stays open for a day (block time) unless approved or withdrawn first.
 *
 * @example
 * const call = buildProposeValidators({ validators: ['ph-wallet-1', 'hk-wallet-1', 'settlement-bank-1', 'regulator-hk-1'], note: 'ph-wallet leads' });
 * const tx = signTransaction(operator, buildTransaction({ chainId, ...call }));
 */
export function buildProposeValidators(params: BuildProposeValidatorsParameters): GovernanceCall {
  const validators = checkNodeIds(params.validators);
  const note = params.note ?? '';
  if (typeof note !== 'string') throw new TypeError('note: expected a string');
  if (note.length > proposalNoteLengthMax)
    throw new RangeError(`note: at most ${proposalNoteLengthMax} characters`);
  return Object.freeze({
    module: governanceModule,
    method: 'propose_validators',
    args: { validators, note },
  });
}

export type BuildProposalCallParameters = { proposalId: number };

function checkProposalId(id: number): number {
  if (!Number.isSafeInteger(id) || id < 1)
    throw new RangeError('proposalId: expected an integer >= 1');
  return id;
}

/**
 * governance.approve_validators: the signer's organisation approves the open proposal (once). The
 * first approvals are accepted 4 blocks after the proposal's block.
 *
 * @example
 * const tx = signTransaction(operator, buildTransaction({ chainId, ...buildApproveValidators({ proposalId: 3 }) }));
 */
export function buildApproveValidators(params: BuildProposalCallParameters): GovernanceCall {
  return Object.freeze({
    module: governanceModule,
    method: 'approve_validators',
    args: { proposalId: checkProposalId(params.proposalId) },
  });
}

/**
 * governance.withdraw_validators: the proposing organisation takes back its open proposal.
 *
 * @example
 * const tx = signTransaction(operator, buildTransaction({ chainId, ...buildWithdrawValidators({ proposalId: 3 }) }));
 */
export function buildWithdrawValidators(params: BuildProposalCallParameters): GovernanceCall {
  return Object.freeze({
    module: governanceModule,
    method: 'withdraw_validators',
    args: { proposalId: checkProposalId(params.proposalId) },
  });
}
