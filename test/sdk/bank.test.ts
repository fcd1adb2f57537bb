// The SDK's bank builders make exactly the arguments the bank module decodes (src/modules/bank/args.ts),
// and their limits are the bank's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decode, encode } from '../../src/codec/index.ts';
import {
  readAccountId,
  readAccountInput,
  readCurrencyInput,
  readSupplyInput,
  readTransferBatch,
  readTransferInput,
} from '../../src/modules/bank/args.ts';
import * as bankConstants from '../../src/modules/bank/constants.ts';
import {
  bankAmountMax,
  bankDecimalsMax,
  bankIdBytes,
  bankModule,
  bankOwnerBytesMax,
  bankPendingTimeoutSecMax,
  bankTransfersPerCallMax,
  bankUserDataBytesMax,
} from '../../src/sdk/bank.ts';
import {
  closeAccount,
  createAccount,
  createBankId,
  createTransfer,
  createTransfers,
  issue,
  redeem,
  registerCurrency,
  type TransferFlag,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';

/** Through canonical bytes, as the args travel inside a transaction. */
const wire = (args: unknown) => decode(encode(args as Parameters<typeof encode>[0]));

const idArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
const currencyArb = fc.constantFrom('HKD', 'PHP', 'USD');
const flagArb = fc.subarray<TransferFlag>(['linked', 'pending', 'post_pending', 'void_pending']);
const transferArb = fc.record(
  {
    id: idArb,
    debitAccountId: idArb,
    creditAccountId: idArb,
    amount: fc.bigInt({ min: 0n, max: bankAmountMax }),
    currency: currencyArb,
    pendingId: idArb,
    timeoutSec: fc.integer({ min: 0, max: bankPendingTimeoutSecMax }),
    flags: flagArb,
    userData: fc.uint8Array({ maxLength: 32 }),
  },
  { requiredKeys: ['id'] },
);

test('the SDK’s limits are the bank’s', () => {
  assert.equal(bankModule, bankConstants.bankModuleName);
  assert.equal(bankIdBytes, bankConstants.idBytes);
  assert.equal(bankAmountMax, bankConstants.amountMax);
  assert.equal(bankDecimalsMax, bankConstants.decimalsMax);
  assert.equal(bankUserDataBytesMax, bankConstants.userDataBytesMax);
  assert.equal(bankOwnerBytesMax, bankConstants.ownerBytesMax);
  assert.equal(bankTransfersPerCallMax, bankConstants.transfersPerCallMax);
  assert.equal(bankPendingTimeoutSecMax, bankConstants.pendingTimeoutSecMax);
});

test('transfers round-trip through the bank’s decoder', () => {
  fc.assert(
    fc.property(transferArb, (t) => {
      const call = createTransfer(t);
      assert.equal(call.method, 'create_transfer');
      const decoded = readTransferInput(wire(call.args), 'args');
      assert.deepEqual(decoded.id, t.id);
      assert.deepEqual(decoded.debitAccountId, t.debitAccountId);
      assert.deepEqual(decoded.creditAccountId, t.creditAccountId);
      assert.equal(decoded.amount, t.amount);
      assert.equal(decoded.currency, t.currency);
      assert.deepEqual(decoded.pendingId, t.pendingId);
      assert.equal(decoded.timeoutSec, t.timeoutSec);
      const bits = (t.flags ?? []).reduce((sum, f) => sum | bankConstants.transferFlags[f], 0);
      assert.equal(decoded.flags, bits);
      assert.deepEqual(decoded.userData, t.userData);
    }),
    { numRuns: 150 },
  );
});

test('a batch of transfers decodes in order; ids may be hex', () => {
  fc.assert(
    fc.property(fc.array(transferArb, { minLength: 1, maxLength: 8 }), (transfers) => {
      const call = createTransfers({
        transfers: transfers.map((t) => ({ ...t, id: toHex(t.id) })),
      });
      const decoded = readTransferBatch(wire(call.args), 'args');
      assert.deepEqual(
        decoded.map((d) => d.id),
        transfers.map((t) => t.id),
      );
    }),
    { numRuns: 50 },
  );
});

test('accounts, currencies, issue, redeem and close decode with the bank’s readers', () => {
  const id = createBankId();
  assert.equal(id.length, 16);
  const account = readAccountInput(
    wire(
      createAccount({
        id,
        currency: 'HKD',
        flags: ['debits_must_not_exceed_credits'],
        owner: 'abcd',
      }).args,
    ),
    'args',
  );
  assert.deepEqual(account, {
    id,
    currency: 'HKD',
    flags: bankConstants.accountFlags.debits_must_not_exceed_credits,
    owner: new Uint8Array([0xab, 0xcd]),
  });
  const currency = readCurrencyInput(
    wire(registerCurrency({ code: 'PHP', decimals: 2, issuerAccountId: id }).args),
    'args',
  );
  assert.deepEqual(currency, { code: 'PHP', decimals: 2, issuerAccountId: id });
  for (const [call, method] of [
    [issue, 'issue'],
    [redeem, 'redeem'],
  ] as const) {
    const built = call({ id, accountId: id, amount: 5n, currency: 'PHP' });
    assert.equal(built.method, method);
    assert.deepEqual(readSupplyInput(wire(built.args), 'args'), {
      id,
      accountId: id,
      amount: 5n,
      currency: 'PHP',
      userData: undefined,
    });
  }
  assert.deepEqual(readAccountId(wire(closeAccount({ id }).args), 'args'), id);
});

test('error: bad arguments name the field before anything is signed', () => {
  const id = new Uint8Array(16);
  assert.throws(() => createTransfer({ id: new Uint8Array(15) }), /id: expected 16 bytes/);
  assert.throws(() => createTransfer({ id, amount: -1n }), /amount: outside 0 to 2\^64 - 1/);
  assert.throws(
    () => createTransfer({ id, amount: 5 as unknown as bigint }),
    /amount: expected a bigint/,
  );
  assert.throws(
    () => createTransfer({ id, currency: 'hkd' }),
    /currency: expected three capital letters/,
  );
  assert.throws(
    () => createTransfer({ id, flags: ['pending', 'pending'] }),
    /flags\[1\]: pending appears twice/,
  );
  assert.throws(
    () => createTransfer({ id, userData: new Uint8Array(33) }),
    /userData: at most 32 bytes/,
  );
  assert.throws(() => createTransfers({ transfers: [] }), /transfers: expected 1 to 256 transfers/);
  assert.throws(
    () => createTransfers({ transfers: [{ id }, { id: 'zz' }] }),
    /transfers\[1\]\.id: expected an even-length hex string/,
  );
  assert.throws(
    () => registerCurrency({ code: 'HKD', decimals: 19, issuerAccountId: id }),
    /decimals/,
  );
});
