// The SDK's public API, pinned (CONVENTIONS rule 17): a change to what src/sdk/index.ts exports shows
// up here in review. Also checks the viem shape: one action per file with Parameters, ReturnType, @example.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as sdk from '../../src/sdk/index.ts';

const sdkDir = join(import.meta.dirname, '../../src/sdk');

const values = [
  'TallyError',
  'acceptRemittanceViaGateway',
  'accountFromSecretKey',
  'apiRequestDigest',
  'authorizationHeader',
  'buildAddKey',
  'buildApproveValidators',
  'buildProposeValidators',
  'buildRemittanceSend',
  'buildRevokeKey',
  'buildTransaction',
  'buildWithdrawValidators',
  'closeAccount',
  'compareEventCursors',
  'createAccount',
  'createBankId',
  'createClient',
  'createTransfer',
  'createTransfers',
  'formatUetr',
  'fromHex',
  'generateAccount',
  'getAccount',
  'getBalance',
  'getBlock',
  'getCorridor',
  'getCurrency',
  'getEvidence',
  'getLatestBlock',
  'getNetPositions',
  'getOrgKeys',
  'getOrgs',
  'getPacs002',
  'getProof',
  'getProposal',
  'getProposals',
  'getRemittance',
  'getStatement',
  'getStatus',
  'getTransaction',
  'getValidators',
  'issue',
  'listRemittances',
  'newRemittanceId',
  'parseEventCursor',
  'parseUetr',
  'redeem',
  'registerCurrency',
  'rejectRemittanceViaGateway',
  'remittanceAccept',
  'remittanceReject',
  'remittanceReview',
  'requestQuote',
  'reviewRemittanceViaGateway',
  'sendRemittanceViaGateway',
  'signRequest',
  'signTransaction',
  'submitPacs008',
  'submitTransactions',
  'toHex',
  'verifyBlockResponse',
  'verifyCertifiedHeader',
  'verifySignature',
  'verifyStateProofResponse',
  'waitForTransaction',
  'watchEvents',
  'watchRemittance',
];

const types = [
  'AcceptRemittanceViaGatewayParameters',
  'AcceptRemittanceViaGatewayReturnType',
  'AccountFlag',
  'ApiRequest',
  'ApiResponse',
  'BankCall',
  'BlockEventMessage',
  'BlockHeader',
  'BuildAddKeyParameters',
  'BuildProposalCallParameters',
  'BuildProposeValidatorsParameters',
  'BuildRemittanceSendParameters',
  'BuildRevokeKeyParameters',
  'BuildTransactionParameters',
  'BytesLike',
  'CborValue',
  'Client',
  'ClientOptions',
  'CreateAccountParameters',
  'CreateTransfersParameters',
  'EventCursor',
  'EventMessage',
  'EvidenceItem',
  'FetchFunction',
  'GatewayAnswer',
  'GeneratedAccount',
  'GetAccountParameters',
  'GetAccountReturnType',
  'GetBalanceParameters',
  'GetBalanceReturnType',
  'GetBlockParameters',
  'GetBlockReturnType',
  'GetCorridorParameters',
  'GetCorridorReturnType',
  'GetCurrencyParameters',
  'GetCurrencyReturnType',
  'GetEvidenceParameters',
  'GetEvidenceReturnType',
  'GetLatestBlockParameters',
  'GetLatestBlockReturnType',
  'GetNetPositionsParameters',
  'GetNetPositionsReturnType',
  'GetOrgKeysParameters',
  'GetOrgKeysReturnType',
  'GetOrgsParameters',
  'GetOrgsReturnType',
  'GetPacs002Parameters',
  'GetPacs002ReturnType',
  'GetProofParameters',
  'GetProofReturnType',
  'GetProposalParameters',
  'GetProposalReturnType',
  'GetProposalsParameters',
  'GetProposalsReturnType',
  'GetRemittanceParameters',
  'GetRemittanceReturnType',
  'GetStatementParameters',
  'GetStatementReturnType',
  'GetStatusParameters',
  'GetStatusReturnType',
  'GetTransactionParameters',
  'GetTransactionReturnType',
  'GetValidatorsParameters',
  'GetValidatorsReturnType',
  'GovernanceCall',
  'IdentityCall',
  'KeyRole',
  'ListRemittancesParameters',
  'ListRemittancesReturnType',
  'LocalAccount',
  'ModuleEvent',
  'NetPosition',
  'OrgKey',
  'Pacs002Message',
  'Proposal',
  'ProposalStatus',
  'ProposedValidator',
  'QuorumCertificate',
  'Quote',
  'RegisterCurrencyParameters',
  'RejectRemittanceViaGatewayParameters',
  'RejectRemittanceViaGatewayReturnType',
  'RemittanceCall',
  'RemittanceCorridor',
  'RemittanceKycTier',
  'RemittanceOrg',
  'RemittanceOrgKey',
  'RemittanceParties',
  'RemittanceRejectParameters',
  'RemittanceReviewParameters',
  'RemittanceSend',
  'RemittanceStatus',
  'RemittanceStatusEvent',
  'RemittanceView',
  'RequestQuoteParameters',
  'RequestQuoteReturnType',
  'RequestSignature',
  'ReviewRemittanceViaGatewayParameters',
  'ReviewRemittanceViaGatewayReturnType',
  'SendRemittanceViaGatewayParameters',
  'SendRemittanceViaGatewayReturnType',
  'SignedQuote',
  'SignedTransaction',
  'SocketConstructor',
  'SocketLike',
  'StatementEntryView',
  'StatementFormat',
  'StatementView',
  'SubmitPacs008Parameters',
  'SubmitPacs008ReturnType',
  'SubmitResult',
  'SubmitTransactionsParameters',
  'SubmitTransactionsReturnType',
  'SuiteId',
  'SupplyParameters',
  'Transaction',
  'TransactionRequest',
  'TransactionStatus',
  'TransferFlag',
  'TransferParameters',
  'TravelRule',
  'TravelRuleParty',
  'TxEventMessage',
  'Validator',
  'ValidatorSet',
  'VerifyBlockResponseParameters',
  'VerifyErrorCode',
  'VerifyHeaderParameters',
  'VerifyStateProofResponseParameters',
  'WaitForTransactionParameters',
  'WaitForTransactionReturnType',
  'WatchEventsParameters',
  'WatchEventsReturnType',
  'WatchRemittanceParameters',
  'WatchRemittanceReturnType',
];

/** Names exported as types: `type X` inside export braces, and everything in `export type { ... }`. */
function typeExports(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/export (type )?\{([^}]*)\}/g)) {
    for (const raw of m[2]!.split(',')) {
      const item = raw.trim();
      if (item === '') continue;
      if (m[1] !== undefined) names.push(item);
      else if (item.startsWith('type ')) names.push(item.slice(5).trim());
    }
  }
  return names.sort();
}

test('src/sdk/index.ts exports exactly the pinned values', () => {
  assert.deepEqual(Object.keys(sdk).sort(), values);
});

test('src/sdk/index.ts exports exactly the pinned types', () => {
  assert.deepEqual(typeExports(readFileSync(join(sdkDir, 'index.ts'), 'utf8')), types);
});

test('each action is one file exporting the action, its Parameters and ReturnType, with an @example', () => {
  const files = readdirSync(join(sdkDir, 'actions')).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 12, `found ${files.length} action files`);
  for (const file of files) {
    const name = file.slice(0, -3);
    const Name = name[0]!.toUpperCase() + name.slice(1);
    const text = readFileSync(join(sdkDir, 'actions', file), 'utf8');
    assert.match(text, new RegExp(`export (async )?function ${name}\\(\\s*client: Client`), file);
    assert.match(text, new RegExp(`export type ${Name}Parameters\\b`), file);
    assert.match(text, new RegExp(`export type ${Name}ReturnType\\b`), file);
    assert.match(text, /@example/, file);
    assert.ok(name in sdk, `${name} is exported from index.ts`);
    assert.ok(types.includes(`${Name}Parameters`) && types.includes(`${Name}ReturnType`), name);
  }
});
