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
  'accountFromSecretKey',
  'apiRequestDigest',
  'authorizationHeader',
  'buildTransaction',
  'closeAccount',
  'compareEventCursors',
  'createAccount',
  'createBankId',
  'createClient',
  'createTransfer',
  'createTransfers',
  'fromHex',
  'generateAccount',
  'getAccount',
  'getBalance',
  'getBlock',
  'getCurrency',
  'getLatestBlock',
  'getProof',
  'getStatus',
  'getTransaction',
  'getValidators',
  'issue',
  'parseEventCursor',
  'redeem',
  'registerCurrency',
  'signRequest',
  'signTransaction',
  'submitTransactions',
  'toHex',
  'verifyBlockResponse',
  'verifyCertifiedHeader',
  'verifySignature',
  'verifyStateProofResponse',
  'waitForTransaction',
  'watchEvents',
];

const types = [
  'AccountFlag',
  'ApiRequest',
  'ApiResponse',
  'BankCall',
  'BlockEventMessage',
  'BlockHeader',
  'BuildTransactionParameters',
  'BytesLike',
  'CborValue',
  'Client',
  'ClientOptions',
  'CreateAccountParameters',
  'CreateTransfersParameters',
  'EventCursor',
  'EventMessage',
  'FetchFunction',
  'GeneratedAccount',
  'GetAccountParameters',
  'GetAccountReturnType',
  'GetBalanceParameters',
  'GetBalanceReturnType',
  'GetBlockParameters',
  'GetBlockReturnType',
  'GetCurrencyParameters',
  'GetCurrencyReturnType',
  'GetLatestBlockParameters',
  'GetLatestBlockReturnType',
  'GetProofParameters',
  'GetProofReturnType',
  'GetStatusParameters',
  'GetStatusReturnType',
  'GetTransactionParameters',
  'GetTransactionReturnType',
  'GetValidatorsParameters',
  'GetValidatorsReturnType',
  'LocalAccount',
  'ModuleEvent',
  'QuorumCertificate',
  'RegisterCurrencyParameters',
  'RequestSignature',
  'SignedTransaction',
  'SocketConstructor',
  'SocketLike',
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
