// Every result code of registerCurrency, createAccount and closeAccount, and the bank's invalid_args.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import { accountCodes, currencyCodes } from '../../src/modules/bank/index.ts';
import { alice, bob, id, issuerHK, key, setUpHkd, TestChain } from './harness.ts';

const maxId = new Uint8Array(16).fill(0xff);
const dmnec = ['debits_must_not_exceed_credits'];

function chain(): TestChain {
  const c = new TestChain();
  setUpHkd(c);
  return c;
}
function open(c: TestChain, signer: Uint8Array, args: { [key: string]: CborValue }): string {
  return c.run(signer, 'create_account', args);
}
function retryAccount(second: { [key: string]: CborValue }): string {
  const c = chain();
  assert.equal(open(c, alice, { id: id(9), currency: 'HKD', flags: dmnec }), 'ok');
  return open(c, alice, { id: id(9), currency: 'HKD', flags: dmnec, ...second });
}

const accountScenarios: { [code: string]: () => string } = {
  ok: () => open(chain(), alice, { id: id(9), currency: 'HKD', flags: dmnec }),
  id_must_not_be_zero: () => open(chain(), alice, { id: id(0), currency: 'HKD', flags: dmnec }),
  id_must_not_be_int_max: () => open(chain(), alice, { id: maxId, currency: 'HKD', flags: dmnec }),
  flags_are_mutually_exclusive: () =>
    open(chain(), issuerHK, {
      id: id(9),
      currency: 'HKD',
      flags: [...dmnec, 'credits_must_not_exceed_debits'],
    }),
  exists_with_different_flags: () => retryAccount({ flags: [] }),
  exists_with_different_ledger: () => retryAccount({ currency: 'PHP' }),
  exists_with_different_owner: () => retryAccount({ owner: bob }),
  exists: () => retryAccount({}),
  currency_not_found: () => open(chain(), alice, { id: id(9), currency: 'XXX', flags: dmnec }),
  debits_must_not_exceed_credits_required: () =>
    open(chain(), alice, { id: id(9), currency: 'HKD' }),
  account_not_found: () => chain().run(alice, 'close_account', { id: id(99) }),
  not_authorized: () => chain().run(bob, 'close_account', { id: id(1) }),
  issuer_account_reserved: () => chain().run(issuerHK, 'close_account', { id: id(1000) }),
  account_already_closed: () => {
    const c = chain();
    assert.equal(c.run(alice, 'close_account', { id: id(1) }), 'ok');
    return c.run(alice, 'close_account', { id: id(1) });
  },
};

const register = (
  c: TestChain,
  signer: Uint8Array,
  code: string,
  accountId: Uint8Array,
  decimals = 2,
) => c.run(signer, 'register_currency', { code, decimals, issuerAccountId: accountId });

const currencyScenarios: { [code: string]: () => string } = {
  ok: () => register(chain(), key(5), 'PHP', id(2000)),
  not_authorized: () => {
    const c = new TestChain({ canRegisterCurrency: (ctx) => ctx.signer.publicKey[0] === 1 });
    return register(c, key(5), 'PHP', id(2000));
  },
  id_must_not_be_zero: () => register(chain(), key(5), 'PHP', id(0)),
  id_must_not_be_int_max: () => register(chain(), key(5), 'PHP', maxId),
  exists: () => register(chain(), issuerHK, 'HKD', id(1000)),
  currency_already_registered: () => register(chain(), issuerHK, 'HKD', id(1000), 3),
  issuer_account_id_taken: () => register(chain(), key(5), 'PHP', id(1)),
};

describe('account and currency result codes', () => {
  for (const code of accountCodes) {
    it(code === 'ok' ? 'opens an account' : `error: account ${code}`, () => {
      assert.equal(accountScenarios[code]?.(), code);
    });
  }
  for (const code of currencyCodes) {
    it(
      code === 'ok' ? 'registers a currency with its issuer account' : `error: currency ${code}`,
      () => {
        assert.equal(currencyScenarios[code]?.(), code);
      },
    );
  }

  it('has a scenario for every code', () => {
    assert.deepEqual(Object.keys(accountScenarios).sort(), [...accountCodes].sort());
    assert.deepEqual(Object.keys(currencyScenarios).sort(), [...currencyCodes].sort());
  });

  it('the issuer may open an account that overdraws; a holder may not', () => {
    const c = chain();
    assert.equal(open(c, issuerHK, { id: id(9), currency: 'HKD' }), 'ok');
    assert.equal(
      open(c, alice, { id: id(10), currency: 'HKD' }),
      'debits_must_not_exceed_credits_required',
    );
  });

  it('an account opened for another owner is debited by that owner only', () => {
    const c = chain();
    assert.equal(open(c, alice, { id: id(9), currency: 'HKD', flags: dmnec, owner: bob }), 'ok');
    assert.deepEqual(c.account(9).owner, bob);
  });
});

describe('bank arguments', () => {
  const cases: Array<[string, string, CborValue, string]> = [
    [
      'unknown transfer flag',
      'create_transfer',
      { id: id(1), flags: ['sideways'] },
      'args.flags[0]: expected one of linked, pending, post_pending, void_pending',
    ],
    [
      'repeated flag',
      'create_transfer',
      { id: id(1), flags: ['pending', 'pending'] },
      'args.flags[1]: pending appears twice',
    ],
    ['short id', 'create_transfer', { id: new Uint8Array(4) }, 'args.id: expected 16 bytes, got 4'],
    [
      'unknown field',
      'create_transfer',
      { id: id(1), memo: 'hi' },
      'args.memo: is not a known field',
    ],
    [
      'amount too large',
      'create_transfer',
      { id: id(1), amount: 1n << 64n },
      'args.amount: expected an unsigned 64-bit integer',
    ],
    ['empty batch', 'create_transfers', { transfers: [] }, 'args.transfers: is empty'],
    [
      'bad currency code',
      'register_currency',
      { code: 'hkd', decimals: 2, issuerAccountId: id(5) },
      'args.code: expected three capital letters (ISO 4217)',
    ],
    [
      'decimals too large',
      'register_currency',
      { code: 'ABC', decimals: 19, issuerAccountId: id(5) },
      'args.decimals: greater than 18',
    ],
    [
      'batch item',
      'create_transfers',
      { transfers: [{ id: id(1) }, { id: 5 }] },
      'args.transfers[1].id: expected a byte string',
    ],
  ];
  for (const [name, method, args, message] of cases) {
    it(`error: invalid_args for ${name}`, () => {
      const out = chain().block([{ signer: alice, method, args }]);
      assert.equal(out.results[0]!.code, 'invalid_args');
      assert.equal(out.results[0]!.message, message);
    });
  }
});
