// The Tally SDK (browser-safe, in the style of viem): a client, local accounts, transaction builders,
// one action per endpoint, and light-client checks of headers and state proofs. test/sdk/exports.test.ts
// pins this list: a change to the public API shows up there in review.

export type { TravelRule, TravelRuleParty } from '../apps/remittance/travel-rule.ts';
export type { CborValue } from '../codec/index.ts';
export type { SuiteId } from '../crypto/suite.ts';
export type { BlockHeader } from '../ledger/block.ts';
export type { QuorumCertificate } from '../ledger/certificate.ts';
export type { Transaction } from '../ledger/tx.ts';
export type { Validator, ValidatorSet } from '../ledger/validator-set.ts';
export type { Quote, SignedQuote } from '../modules/fx/quote.ts';
export { fromHex, toHex } from '../util/bytes.ts';
export { TallyError } from '../util/errors.ts';
export {
  accountFromSecretKey,
  type GeneratedAccount,
  generateAccount,
  type LocalAccount,
} from './accounts.ts';
export {
  type AcceptRemittanceViaGatewayParameters,
  type AcceptRemittanceViaGatewayReturnType,
  acceptRemittanceViaGateway,
} from './actions/acceptRemittanceViaGateway.ts';
export {
  type GetAccountParameters,
  type GetAccountReturnType,
  getAccount,
} from './actions/getAccount.ts';
export {
  type GetBalanceParameters,
  type GetBalanceReturnType,
  getBalance,
} from './actions/getBalance.ts';
export { type GetBlockParameters, type GetBlockReturnType, getBlock } from './actions/getBlock.ts';
export {
  type GetCorridorParameters,
  type GetCorridorReturnType,
  getCorridor,
} from './actions/getCorridor.ts';
export {
  type GetCurrencyParameters,
  type GetCurrencyReturnType,
  getCurrency,
} from './actions/getCurrency.ts';
export {
  type EpochEntry,
  type EpochProofJson,
  type GetEpochsParameters,
  type GetEpochsReturnType,
  getEpochs,
} from './actions/getEpochs.ts';
export {
  type EvidenceItem,
  type GetEvidenceParameters,
  type GetEvidenceReturnType,
  getEvidence,
} from './actions/getEvidence.ts';
export {
  type GetLatestBlockParameters,
  type GetLatestBlockReturnType,
  getLatestBlock,
} from './actions/getLatestBlock.ts';
export {
  type GetNetPositionsParameters,
  type GetNetPositionsReturnType,
  getNetPositions,
  type NetPosition,
} from './actions/getNetPositions.ts';
export {
  type GetOrgKeysParameters,
  type GetOrgKeysReturnType,
  getOrgKeys,
  type OrgKey,
} from './actions/getOrgKeys.ts';
export { type GetOrgsParameters, type GetOrgsReturnType, getOrgs } from './actions/getOrgs.ts';
export {
  type GetPacs002Parameters,
  type GetPacs002ReturnType,
  getPacs002,
  type Pacs002Message,
} from './actions/getPacs002.ts';
export { type GetProofParameters, type GetProofReturnType, getProof } from './actions/getProof.ts';
export {
  type GetProposalParameters,
  type GetProposalReturnType,
  getProposal,
} from './actions/getProposal.ts';
export {
  type GetProposalsParameters,
  type GetProposalsReturnType,
  getProposals,
  type Proposal,
  type ProposalStatus,
  type ProposedValidator,
} from './actions/getProposals.ts';
export {
  type GetRemittanceParameters,
  type GetRemittanceReturnType,
  getRemittance,
} from './actions/getRemittance.ts';
export {
  type GetStatementParameters,
  type GetStatementReturnType,
  getStatement,
  type StatementEntryView,
  type StatementFormat,
  type StatementView,
} from './actions/getStatement.ts';
export {
  type GetStatusParameters,
  type GetStatusReturnType,
  getStatus,
} from './actions/getStatus.ts';
export {
  type GetTransactionParameters,
  type GetTransactionReturnType,
  getTransaction,
  type TransactionStatus,
} from './actions/getTransaction.ts';
export {
  type GetValidatorsParameters,
  type GetValidatorsReturnType,
  getValidators,
} from './actions/getValidators.ts';
export {
  type ListRemittancesParameters,
  type ListRemittancesReturnType,
  listRemittances,
} from './actions/listRemittances.ts';
export {
  type RejectRemittanceViaGatewayParameters,
  type RejectRemittanceViaGatewayReturnType,
  rejectRemittanceViaGateway,
} from './actions/rejectRemittanceViaGateway.ts';
export {
  type RequestQuoteParameters,
  type RequestQuoteReturnType,
  requestQuote,
} from './actions/requestQuote.ts';
export {
  type ReviewRemittanceViaGatewayParameters,
  type ReviewRemittanceViaGatewayReturnType,
  reviewRemittanceViaGateway,
} from './actions/reviewRemittanceViaGateway.ts';
export {
  type SendRemittanceViaGatewayParameters,
  type SendRemittanceViaGatewayReturnType,
  sendRemittanceViaGateway,
} from './actions/sendRemittanceViaGateway.ts';
export {
  type SubmitPacs008Parameters,
  type SubmitPacs008ReturnType,
  submitPacs008,
} from './actions/submitPacs008.ts';
export {
  type SubmitResult,
  type SubmitTransactionsParameters,
  type SubmitTransactionsReturnType,
  submitTransactions,
} from './actions/submitTransactions.ts';
export {
  type WaitForTransactionParameters,
  type WaitForTransactionReturnType,
  waitForTransaction,
} from './actions/waitForTransaction.ts';
export {
  type WatchEventsParameters,
  type WatchEventsReturnType,
  watchEvents,
} from './actions/watchEvents.ts';
export {
  type RemittanceStatusEvent,
  type WatchRemittanceParameters,
  type WatchRemittanceReturnType,
  watchRemittance,
} from './actions/watchRemittance.ts';
export {
  apiRequestDigest,
  authorizationHeader,
  type RequestSignature,
  signRequest,
} from './auth.ts';
export {
  type AccountFlag,
  type BankCall,
  type CreateAccountParameters,
  type CreateTransfersParameters,
  closeAccount,
  createAccount,
  createBankId,
  createTransfer,
  createTransfers,
  issue,
  type RegisterCurrencyParameters,
  redeem,
  registerCurrency,
  type SupplyParameters,
  type TransferFlag,
  type TransferParameters,
} from './bank.ts';
export {
  type ApiRequest,
  type ApiResponse,
  type Client,
  type ClientOptions,
  createClient,
  type FetchFunction,
  type SocketConstructor,
  type SocketLike,
} from './client.ts';
export {
  approvedChangeStateKey,
  type EpochErrorCode,
  type EpochProofPart,
  type VerifiedEpoch,
  type VerifyBlockInEpochsParameters,
  type VerifyEpochChainParameters,
  type VerifyEpochChainReturnType,
  validatorSetOfEpoch,
  verifyBlockInEpochs,
  verifyEpochChain,
} from './epochs.ts';
export {
  type BlockEventMessage,
  compareEventCursors,
  type EventCursor,
  type EventMessage,
  parseEventCursor,
  type TxEventMessage,
} from './events.ts';
export {
  type BuildProposalCallParameters,
  type BuildProposeValidatorsParameters,
  buildApproveValidators,
  buildProposeValidators,
  buildWithdrawValidators,
  type GovernanceCall,
} from './governance.ts';
export {
  type BuildAddKeyParameters,
  type BuildRevokeKeyParameters,
  buildAddKey,
  buildRevokeKey,
  type IdentityCall,
  type KeyRole,
} from './identity.ts';
export {
  type BuildRemittanceSendParameters,
  buildRemittanceSend,
  formatUetr,
  newRemittanceId,
  parseUetr,
  type RemittanceCall,
  type RemittanceOrgKey,
  type RemittanceParties,
  type RemittanceRejectParameters,
  type RemittanceReviewParameters,
  type RemittanceSend,
  remittanceAccept,
  remittanceReject,
  remittanceReview,
} from './remittance.ts';
export type {
  GatewayAnswer,
  RemittanceCorridor,
  RemittanceKycTier,
  RemittanceOrg,
  RemittanceStatus,
  RemittanceView,
} from './remittance-json.ts';
export { verifySignature } from './suites.ts';
export {
  type BuildTransactionParameters,
  buildTransaction,
  type SignedTransaction,
  signTransaction,
  type TransactionRequest,
} from './transaction.ts';
export type { BytesLike, ModuleEvent } from './types.ts';
export {
  type VerifyBlockResponseParameters,
  type VerifyErrorCode,
  type VerifyHeaderParameters,
  type VerifyStateProofResponseParameters,
  verifyBlockResponse,
  verifyCertifiedHeader,
  verifyStateProofResponse,
} from './verify.ts';
