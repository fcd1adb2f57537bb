// The governance module: validator-set changes proposed and approved by the consortium's operators,
// and the pure readers the node and the API use to follow them.
export { type ProposeValidatorsInput, readProposalId, readProposeValidators } from './args.ts';
export {
  approvalDelayBlocks,
  type GovernanceCode,
  governanceCodes,
  governanceKeys,
  governanceModuleName,
  governanceNodesMax,
  nodeIdLengthMax,
  noteLengthMax,
  proposalLifetimeMs,
  proposalsListMax,
} from './keys.ts';
export { createGovernanceModule, type GovernanceOptions } from './module.ts';
export {
  approvalsNeeded,
  listProposals,
  readApprovedChange,
  readOpenProposal,
  readProposal,
  validatorNodeIds,
} from './queries.ts';
export type {
  ApprovedChange,
  GovernanceNode,
  ProposalRecord,
  ProposalStatus,
} from './records.ts';
export { proposalStatuses } from './records.ts';
