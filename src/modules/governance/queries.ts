// Read helpers over the governance module's state for the node, the API and the module itself: pure
// reads over a ModuleStateReader (readModuleState(reader, governanceModuleName) over committed
// state, or a context's state inside a block).
import type { ModuleStateReader } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import { proposalsListMax } from './keys.ts';
import type { ApprovedChange, ProposalRecord } from './records.ts';
import { GovernanceReader } from './store.ts';

/** The latest approved change of the validator set (one key read), if any was approved. */
export function readApprovedChange(state: ModuleStateReader): ApprovedChange | undefined {
  return new GovernanceReader(state).approvedChange();
}

/**
 * The proposal with status open, if any: it may have expired already, since it is closed as expired
 * only by the next proposal.
 */
export function readOpenProposal(state: ModuleStateReader): ProposalRecord | undefined {
  const reader = new GovernanceReader(state);
  const id = reader.openId();
  if (id === undefined) return undefined;
  const record = reader.proposal(id);
  assert(record !== undefined, 'the open pointer names a stored proposal');
  assert(record.status === 'open', 'the open pointer names an open proposal');
  return record;
}

export function readProposal(state: ModuleStateReader, id: number): ProposalRecord | undefined {
  return new GovernanceReader(state).proposal(id);
}

/** Proposals newest first: `limit` of them, from the one below `beforeId` (a page's last id). */
export function listProposals(
  state: ModuleStateReader,
  options: { limit: number; beforeId?: number | undefined },
): ProposalRecord[] {
  const { limit, beforeId } = options;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > proposalsListMax)
    throw new RangeError(`limit: expected 1 to ${proposalsListMax}`);
  if (beforeId !== undefined && (!Number.isSafeInteger(beforeId) || beforeId < 1))
    throw new RangeError('beforeId: expected a positive integer');
  const reader = new GovernanceReader(state);
  const last = reader.lastId();
  const items: ProposalRecord[] = [];
  for (let id = Math.min(last, (beforeId ?? last + 1) - 1); id >= 1; id--) {
    if (items.length === limit) break;
    const record = reader.proposal(id);
    assert(record !== undefined, 'every id up to the last names a proposal');
    items.push(record);
  }
  return items;
}

/** Approvals that pass a proposal: more than two thirds of the organisations. */
export function approvalsNeeded(orgCount: number): number {
  assert(Number.isSafeInteger(orgCount) && orgCount >= 0, 'an org count is a natural number');
  const needed = Math.floor((orgCount * 2) / 3) + 1;
  assert(needed * 3 > orgCount * 2 && (needed - 1) * 3 <= orgCount * 2, 'the least over 2/3');
  return needed;
}

/**
 * The node ids of the last approved validator set, else the genesis's. When consensus hands over to
 * an approved set is the node's decision, not this module's.
 */
export function validatorNodeIds(
  state: ModuleStateReader,
  genesisValidators: readonly string[],
): string[] {
  const change = readApprovedChange(state);
  return change === undefined ? [...genesisValidators] : change.validators.map((n) => n.nodeId);
}
