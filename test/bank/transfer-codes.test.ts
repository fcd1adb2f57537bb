// Every transfer result code, each reached by the smallest scenario that gives it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import {
  amountMax,
  pendingTransfersPerAccountMax,
  transferCodes,
  transfersPerCallMax,
} from '../../src/modules/bank/index.ts';
import { alice, bob, id, issuerHK, key, setUpHkd, TestChain } from './harness.ts';

const issuerPH = key(5);
const maxId = new Uint8Array(16).fill(0xff);

function chain(): TestChain {
  const c = new TestChain();
  setUpHkd(c);
  return c;
}

type Fields = { [key: string]: CborValue };
function tr(
  n: number,
  debit: number,
  credit: number,
  amount: bigint | number,
  extra: Fields = {},
): Fields {
  return {
    id: id(n),
    debitAccountId: id(debit),
    creditAccountId: id(credit),
    amount: BigInt(amount),
    currency: 'HKD',
    ...extra,
  };
}
function send(c: TestChain, signer: Uint8Array, args: Fields): string {
  return c.run(signer, 'create_transfer', args);
}
function must(code: string): void {
  assert.equal(code, 'ok');
}
/** PHP issued by issuerPH with issuer account 2000 and alice's PHP account 4. */
function addPhp(c: TestChain): void {
  must(
    c.run(issuerPH, 'register_currency', { code: 'PHP', decimals: 2, issuerAccountId: id(2000) }),
  );
  must(
    c.run(alice, 'create_account', {
      id: id(4),
      currency: 'PHP',
      flags: ['debits_must_not_exceed_credits'],
    }),
  );
}
/** Issuer-owned HKD accounts: 10 and 11 may overdraw, 12 and 13 may not, 14 has credits <= debits. */
function addIssuerAccounts(c: TestChain): void {
  const make = (n: number, flags: string[]) => ({
    signer: issuerHK,
    method: 'create_account',
    args: { id: id(n), currency: 'HKD', flags },
  });
  const out = c.block([
    make(10, []),
    make(11, []),
    make(12, ['debits_must_not_exceed_credits']),
    make(13, ['debits_must_not_exceed_credits']),
    make(14, ['credits_must_not_exceed_debits']),
  ]);
  for (const r of out.results) must(r.code);
}
function pending(c: TestChain, n: number, amount: number, extra: Fields = {}): void {
  must(send(c, alice, tr(n, 1, 2, amount, { flags: ['pending'], ...extra })));
}
function batchCodes(c: TestChain, signer: Uint8Array, transfers: Fields[]): string[] {
  const out = c.block([{ signer, method: 'create_transfers', args: { transfers } }]);
  assert.equal(out.results[0]!.code, 'ok');
  const codes = transfers.map(() => 'ok');
  for (const e of out.results[0]!.events) {
    if (e.type === 'transfer_failed')
      codes[e.attributes.index as number] = e.attributes.code as string;
  }
  return codes;
}

const scenarios: { [code: string]: () => string } = {
  ok: () => send(chain(), alice, tr(1, 1, 2, 5)),
  linked_event_failed: () =>
    batchCodes(chain(), alice, [tr(1, 1, 2, 5, { flags: ['linked'] }), tr(2, 1, 2, 10 ** 9)])[0]!,
  linked_event_chain_open: () => send(chain(), alice, tr(1, 1, 2, 5, { flags: ['linked'] })),
  id_must_not_be_zero: () => send(chain(), alice, { ...tr(1, 1, 2, 5), id: id(0) }),
  id_must_not_be_int_max: () => send(chain(), alice, { ...tr(1, 1, 2, 5), id: maxId }),
  flags_are_mutually_exclusive: () =>
    send(chain(), alice, tr(1, 1, 2, 5, { flags: ['pending', 'void_pending'] })),
  debit_account_id_must_not_be_zero: () =>
    send(chain(), alice, { id: id(1), creditAccountId: id(2), amount: 5, currency: 'HKD' }),
  debit_account_id_must_not_be_int_max: () =>
    send(chain(), alice, { ...tr(1, 1, 2, 5), debitAccountId: maxId }),
  credit_account_id_must_not_be_zero: () =>
    send(chain(), alice, { ...tr(1, 1, 2, 5), creditAccountId: id(0) }),
  credit_account_id_must_not_be_int_max: () =>
    send(chain(), alice, { ...tr(1, 1, 2, 5), creditAccountId: maxId }),
  accounts_must_be_different: () => send(chain(), alice, tr(1, 1, 1, 5)),
  pending_id_must_be_zero: () => send(chain(), alice, tr(1, 1, 2, 5, { pendingId: id(9) })),
  pending_id_must_not_be_zero: () => send(chain(), alice, { id: id(1), flags: ['post_pending'] }),
  pending_id_must_not_be_int_max: () =>
    send(chain(), alice, { id: id(1), pendingId: maxId, flags: ['void_pending'] }),
  pending_id_must_be_different: () =>
    send(chain(), alice, { id: id(1), pendingId: id(1), flags: ['post_pending'] }),
  timeout_reserved_for_pending_transfer: () =>
    send(chain(), alice, tr(1, 1, 2, 5, { timeoutSec: 5 })),
  amount_must_not_be_zero: () => send(chain(), alice, tr(1, 1, 2, 0)),
  currency_must_not_be_empty: () =>
    send(chain(), alice, { id: id(1), debitAccountId: id(1), creditAccountId: id(2), amount: 5 }),
  exists_with_different_flags: () => retry(tr(1, 1, 2, 5), tr(1, 1, 2, 5, { flags: ['pending'] })),
  exists_with_different_pending_id: () => {
    const c = chain();
    pending(c, 1, 5);
    pending(c, 2, 5);
    must(send(c, alice, { id: id(3), pendingId: id(1), flags: ['void_pending'] }));
    return send(c, alice, { id: id(3), pendingId: id(2), flags: ['void_pending'] });
  },
  exists_with_different_timeout: () =>
    retry(
      tr(1, 1, 2, 5, { flags: ['pending'], timeoutSec: 10 }),
      tr(1, 1, 2, 5, { flags: ['pending'], timeoutSec: 20 }),
    ),
  exists_with_different_debit_account_id: () => retry(tr(1, 1, 2, 5), tr(1, 3, 2, 5)),
  exists_with_different_credit_account_id: () => retry(tr(1, 1, 2, 5), tr(1, 1, 3, 5)),
  exists_with_different_amount: () => retry(tr(1, 1, 2, 5), tr(1, 1, 2, 6)),
  exists_with_different_user_data: () =>
    retry(tr(1, 1, 2, 5), tr(1, 1, 2, 5, { userData: new Uint8Array([1]) })),
  exists_with_different_ledger: () => retry(tr(1, 1, 2, 5), tr(1, 1, 2, 5, { currency: 'PHP' })),
  exists: () => retry(tr(1, 1, 2, 5), tr(1, 1, 2, 5)),
  currency_not_found: () =>
    chain().run(issuerHK, 'issue', { id: id(1), accountId: id(1), amount: 5, currency: 'XXX' }),
  not_issuer: () =>
    chain().run(alice, 'issue', { id: id(1), accountId: id(1), amount: 5, currency: 'HKD' }),
  debit_account_not_found: () => send(chain(), alice, tr(1, 77, 2, 5)),
  credit_account_not_found: () => send(chain(), alice, tr(1, 1, 77, 5)),
  accounts_must_have_the_same_ledger: () => {
    const c = chain();
    addPhp(c);
    return send(c, alice, tr(1, 1, 4, 5));
  },
  transfer_must_have_the_same_ledger_as_accounts: () =>
    send(chain(), alice, tr(1, 1, 2, 5, { currency: 'PHP' })),
  pending_transfer_not_found: () =>
    send(chain(), alice, { id: id(2), pendingId: id(1), flags: ['post_pending'] }),
  pending_transfer_not_pending: () => {
    const c = chain();
    must(send(c, alice, tr(1, 1, 2, 5)));
    return send(c, alice, { id: id(2), pendingId: id(1), flags: ['post_pending'] });
  },
  pending_transfer_has_different_debit_account_id: () => resolveWith({ debitAccountId: id(3) }),
  pending_transfer_has_different_credit_account_id: () => resolveWith({ creditAccountId: id(3) }),
  pending_transfer_has_different_ledger: () => resolveWith({ currency: 'PHP' }),
  exceeds_pending_transfer_amount: () => resolveWith({ amount: 6 }),
  pending_transfer_has_different_amount: () => resolveWith({ amount: 4 }, 'void_pending'),
  pending_transfer_already_posted: () => resolveTwice('post_pending', 'void_pending'),
  pending_transfer_already_voided: () => resolveTwice('void_pending', 'post_pending'),
  pending_transfer_expired: () => {
    const c = chain();
    pending(c, 1, 5, { timeoutSec: 1 });
    c.block([], 2000);
    return send(c, alice, { id: id(2), pendingId: id(1), flags: ['post_pending'] });
  },
  issuer_account_reserved: () => send(chain(), alice, tr(1, 1, 1000, 5)),
  not_authorized: () => send(chain(), bob, tr(1, 1, 2, 5)),
  debit_account_already_closed: () => closedThen(1, tr(1, 1, 2, 5)),
  credit_account_already_closed: () => closedThen(2, tr(1, 1, 2, 5)),
  too_many_pending_transfers: () => {
    const c = new TestChain();
    setUpHkd(c, BigInt(pendingTransfersPerAccountMax) + 10n);
    for (let start = 0; start < pendingTransfersPerAccountMax; start += transfersPerCallMax) {
      const batch = Array.from({ length: transfersPerCallMax }, (_, i) =>
        tr(10_000 + start + i, 1, 2, 1, { flags: ['pending'] }),
      );
      assert.ok(batchCodes(c, alice, batch).every((code) => code === 'ok'));
    }
    return send(c, alice, tr(1, 1, 2, 1, { flags: ['pending'] }));
  },
  overflows_debits_pending: () =>
    overflow(
      [tr(1, 10, 12, amountMax, { flags: ['pending'] })],
      tr(2, 10, 13, 1, { flags: ['pending'] }),
    ),
  overflows_credits_pending: () =>
    overflow(
      [tr(1, 10, 12, amountMax, { flags: ['pending'] })],
      tr(2, 11, 12, 1, { flags: ['pending'] }),
    ),
  overflows_debits_posted: () => overflow([tr(1, 10, 12, amountMax)], tr(2, 10, 13, 1)),
  overflows_credits_posted: () => overflow([tr(1, 10, 12, amountMax)], tr(2, 11, 12, 1)),
  overflows_debits: () =>
    overflow([tr(1, 10, 12, amountMax - 5n, { flags: ['pending'] })], tr(2, 10, 13, 10)),
  overflows_credits: () =>
    overflow([tr(1, 10, 12, amountMax - 5n, { flags: ['pending'] })], tr(2, 11, 12, 10)),
  overflows_timeout: () => {
    const c = chain();
    c.timeMs = Number.MAX_SAFE_INTEGER - 10_000;
    return send(c, alice, tr(1, 1, 2, 5, { flags: ['pending'], timeoutSec: 100 }));
  },
  exceeds_supply: () => {
    const c = chain();
    addIssuerAccounts(c);
    return c.run(issuerHK, 'redeem', {
      id: id(1),
      accountId: id(10),
      amount: 30_001,
      currency: 'HKD',
    });
  },
  exceeds_credits: () => send(chain(), alice, tr(1, 1, 2, 10_001)),
  exceeds_debits: () => {
    const c = chain();
    addIssuerAccounts(c);
    return send(c, alice, tr(1, 1, 14, 1));
  },
};

function retry(first: Fields, second: Fields): string {
  const c = chain();
  addPhp(c);
  must(send(c, alice, first));
  return send(c, alice, second);
}
function resolveWith(extra: Fields, flag = 'post_pending'): string {
  const c = chain();
  pending(c, 1, 5);
  return send(c, alice, { id: id(2), pendingId: id(1), flags: [flag], ...extra });
}
function resolveTwice(first: string, second: string): string {
  const c = chain();
  pending(c, 1, 5);
  must(send(c, alice, { id: id(2), pendingId: id(1), flags: [first] }));
  return send(c, alice, { id: id(3), pendingId: id(1), flags: [second] });
}
function closedThen(account: number, args: Fields): string {
  const c = chain();
  must(c.run(account === 1 ? alice : bob, 'close_account', { id: id(account) }));
  return send(c, alice, args);
}
function overflow(before: Fields[], last: Fields): string {
  const c = chain();
  addIssuerAccounts(c);
  for (const args of before) must(send(c, issuerHK, args));
  return send(c, issuerHK, last);
}

describe('transfer result codes', () => {
  for (const code of transferCodes) {
    it(code === 'ok' ? 'creates a transfer' : `error: ${code}`, () => {
      const scenario = scenarios[code];
      assert.ok(scenario !== undefined, `no scenario for ${code}`);
      assert.equal(scenario(), code);
    });
  }

  it('has a scenario for every code and no scenario for a code that does not exist', () => {
    assert.deepEqual(Object.keys(scenarios).sort(), [...transferCodes].sort());
  });
});
