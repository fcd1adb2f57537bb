// The governance module: the consortium changes its validator set by transaction. An operator
// proposes the new set among the genesis nodes, operators of more than two thirds of the
// organisations approve it, and the approved change is kept in one key for the node to hand over.
import type { MethodResult, Module, TxContext } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import { type Directory, identityModuleName, type KeyRecord, LiveKeys } from '../identity/index.ts';
import { type ProposeValidatorsInput, readProposalId, readProposeValidators } from './args.ts';
import {
  approvalDelayBlocks,
  type GovernanceCode,
  governanceModuleName,
  proposalLifetimeMs,
} from './keys.ts';
import { createNodeTable, type NodeTable, resolveValidators } from './nodes.ts';
import { approvalsNeeded, validatorNodeIds } from './queries.ts';
import type { GovernanceNode, ProposalRecord } from './records.ts';
import { GovernanceStore } from './store.ts';

export type GovernanceOptions = {
  readonly directory: Directory;
  /** Every genesis node, validators and observers, with its consensus key. */
  readonly nodes: readonly GovernanceNode[];
  /** Node ids of the genesis validator set, in genesis order. */
  readonly genesisValidators: readonly string[];
};

type Governance = { readonly directory: Directory; readonly table: NodeTable };

function refuse(code: GovernanceCode, message: string): MethodResult {
  return { code, message };
}

/**
 * The signer's live key if it holds role operator. Keys live in the identity module's state (added
 * and revoked on chain), so the identity module must be in the chain.
 */
function operatorOf(ctx: TxContext, directory: Directory): KeyRecord | MethodResult {
  const keys = new LiveKeys(ctx.forModule(identityModuleName).state, directory);
  const signer = keys.live(ctx.signer.publicKey, ctx.signer.suite);
  if (signer === undefined || !signer.roles.includes('operator'))
    return refuse(
      'gov_not_operator',
      'governance needs a key of a member organisation with role operator',
    );
  return signer;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Closes the open proposal if its time is up; refuses while it may still be approved. */
function closeExpired(ctx: TxContext, store: GovernanceStore): MethodResult | undefined {
  const id = store.openId();
  if (id === undefined) return undefined;
  const open = store.proposal(id);
  assert(open !== undefined && open.status === 'open', 'the open pointer names an open proposal');
  if (ctx.block.timeMs < open.expiresAtMs)
    return refuse(
      'gov_proposal_open',
      `proposal ${id} is open until ${open.expiresAtMs} (block time, ms)`,
    );
  store.save({ ...open, status: 'expired' });
  assert(store.openId() === undefined, 'an expired proposal is no longer open');
  return undefined;
}

function propose(ctx: TxContext, g: Governance, input: ProposeValidatorsInput): MethodResult {
  const signer = operatorOf(ctx, g.directory);
  if ('code' in signer) return signer;
  const validators = resolveValidators(g.table, input.validators);
  if (typeof validators === 'string') return refuse('gov_validators_invalid', validators);
  const store = new GovernanceStore(ctx.state);
  if (sameIds(input.validators, validatorNodeIds(ctx.state, g.table.genesisValidators)))
    return refuse(
      'gov_validators_unchanged',
      'the same validators in the same order as the set last approved, or the genesis set',
    );
  const blocked = closeExpired(ctx, store);
  if (blocked !== undefined) return blocked;
  const record: ProposalRecord = {
    id: store.lastId() + 1,
    validators,
    note: input.note,
    proposerOrg: signer.orgId,
    proposedHeight: ctx.block.height,
    proposedAtMs: ctx.block.timeMs,
    expiresAtMs: ctx.block.timeMs + proposalLifetimeMs,
    approvals: [],
    status: 'open',
  };
  store.open(record);
  ctx.emit('validators_proposed', {
    id: record.id,
    validators: [...input.validators],
    proposerOrg: record.proposerOrg,
    expiresAtMs: record.expiresAtMs,
  });
  return { code: 'ok' };
}

/** The open proposal `id`, or why it cannot be acted on (unknown or closed). */
function openProposal(store: GovernanceStore, id: number): ProposalRecord | MethodResult {
  const record = store.proposal(id);
  if (record === undefined) return refuse('gov_proposal_unknown', `no proposal ${id}`);
  if (record.status !== 'open')
    return refuse('gov_proposal_closed', `proposal ${id} is ${record.status}`);
  assert(store.openId() === id, 'an open proposal is the one the pointer names');
  return record;
}

function approve(ctx: TxContext, g: Governance, id: number): MethodResult {
  const signer = operatorOf(ctx, g.directory);
  if ('code' in signer) return signer;
  const store = new GovernanceStore(ctx.state);
  const record = openProposal(store, id);
  if ('code' in record) return record;
  if (ctx.block.timeMs >= record.expiresAtMs)
    return refuse(
      'gov_proposal_expired',
      `proposal ${id} expired at ${record.expiresAtMs} (block time, ms)`,
    );
  const from = record.proposedHeight + approvalDelayBlocks;
  if (ctx.block.height < from)
    return refuse('gov_proposal_too_new', `proposal ${id} can be approved from height ${from}`);
  const orgId = signer.orgId;
  if (record.approvals.includes(orgId))
    return refuse('gov_already_approved', `${orgId} already approved proposal ${id}`);
  const approvals = [...record.approvals, orgId];
  const needed = approvalsNeeded(g.directory.orgs().length);
  ctx.emit('validators_approval', { id, orgId, approvals: approvals.length, needed });
  if (approvals.length < needed) {
    store.save({ ...record, approvals });
    return { code: 'ok' };
  }
  const approvedHeight = ctx.block.height;
  store.save({ ...record, approvals, status: 'approved', approvedHeight });
  store.saveApprovedChange({ proposalId: id, approvedHeight, validators: record.validators });
  ctx.emit('validators_approved', {
    id,
    approvedHeight,
    validators: record.validators.map((n) => n.nodeId),
  });
  return { code: 'ok' };
}

function withdraw(ctx: TxContext, g: Governance, id: number): MethodResult {
  const signer = operatorOf(ctx, g.directory);
  if ('code' in signer) return signer;
  const store = new GovernanceStore(ctx.state);
  const record = openProposal(store, id);
  if ('code' in record) return record;
  if (signer.orgId !== record.proposerOrg)
    return refuse(
      'gov_not_proposer',
      `only an operator of ${record.proposerOrg} may withdraw proposal ${id}`,
    );
  store.save({ ...record, status: 'withdrawn' });
  ctx.emit('validators_withdrawn', { id });
  return { code: 'ok' };
}

export function createGovernanceModule(options: GovernanceOptions): Module {
  const g: Governance = {
    directory: options.directory,
    table: createNodeTable(options.directory, options.nodes, options.genesisValidators),
  };
  return {
    name: governanceModuleName,
    methods: {
      propose_validators: (ctx, args) => propose(ctx, g, readProposeValidators(args)),
      approve_validators: (ctx, args) => approve(ctx, g, readProposalId(args)),
      withdraw_validators: (ctx, args) => withdraw(ctx, g, readProposalId(args)),
    },
  };
}
