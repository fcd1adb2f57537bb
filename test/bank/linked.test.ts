// Linked chains in createTransfers: a chain commits or fails as one, chains are independent, and an
// app module can run a chain across currencies through the bank's keeper function.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import type { BlockOutput, Module } from '../../src/execution/index.ts';
import {
  executeBankTransfers,
  type TransferAuthority,
  transfersPerCallMax,
} from '../../src/modules/bank/index.ts';
import { alice, bob, id, key, setUpHkd, TestChain } from './harness.ts';

type Fields = { [key: string]: CborValue };
function tr(
  n: number,
  debit: number,
  credit: number,
  amount: number,
  flags: string[] = [],
): Fields {
  return {
    id: id(n),
    debitAccountId: id(debit),
    creditAccountId: id(credit),
    amount,
    currency: 'HKD',
    flags,
  };
}
function codesOf(out: BlockOutput, count: number): string[] {
  const codes = Array.from({ length: count }, () => 'ok');
  for (const e of out.results[0]!.events) {
    if (e.type === 'transfer_failed')
      codes[e.attributes.index as number] = e.attributes.code as string;
  }
  return codes;
}
function batch(c: TestChain, transfers: Fields[]): { out: BlockOutput; codes: string[] } {
  const out = c.block([{ signer: alice, method: 'create_transfers', args: { transfers } }]);
  assert.equal(out.results[0]!.code, 'ok');
  return { out, codes: codesOf(out, transfers.length) };
}
function chain(): TestChain {
  const c = new TestChain();
  setUpHkd(c);
  return c;
}

describe('linked chains', () => {
  it('commits a chain together', () => {
    const c = chain();
    const { codes } = batch(c, [
      tr(1, 1, 2, 100, ['linked']),
      tr(2, 1, 3, 200, ['linked']),
      tr(3, 1, 2, 300),
    ]);
    assert.deepEqual(codes, ['ok', 'ok', 'ok']);
    assert.equal(c.balance(1), 9_400n);
  });

  it('rolls back the whole chain when one transfer fails', () => {
    const c = chain();
    const { out, codes } = batch(c, [
      tr(1, 1, 2, 100, ['linked']),
      tr(2, 1, 3, 99_999, ['linked']),
      tr(3, 1, 2, 300),
    ]);
    assert.deepEqual(codes, ['linked_event_failed', 'exceeds_credits', 'linked_event_failed']);
    assert.equal(c.balance(1), 10_000n);
    assert.equal(c.transfer(1), undefined);
    assert.deepEqual(
      out.results[0]!.events.map((e) => e.type),
      ['transfer_failed', 'transfer_failed', 'transfer_failed'],
    );
    assert.equal(out.results[0]!.message, '3 of 3 transfers failed');
  });

  it('keeps chains and single transfers independent of one another', () => {
    const c = chain();
    const { codes } = batch(c, [
      tr(1, 1, 2, 100),
      tr(2, 1, 3, 50, ['linked']),
      tr(3, 1, 2, 99_999),
      tr(4, 1, 3, 25, ['linked']),
      tr(5, 1, 2, 25),
    ]);
    assert.deepEqual(codes, ['ok', 'linked_event_failed', 'exceeds_credits', 'ok', 'ok']);
    assert.equal(c.balance(1), 10_000n - 150n);
  });

  it('a later transfer in a chain sees the earlier ones (reserve then post)', () => {
    const c = chain();
    const { codes } = batch(c, [
      tr(1, 1, 2, 500, ['linked', 'pending']),
      { id: id(2), pendingId: id(1), amount: 400, flags: ['post_pending'] },
    ]);
    assert.deepEqual(codes, ['ok', 'ok']);
    assert.equal(c.balance(2), 10_400n);
    assert.equal(c.account(1).debitsPending, 0n);
  });

  it('a chain that fails on its last transfer undoes the reserve and the post before it', () => {
    const c = chain();
    const { codes } = batch(c, [
      tr(1, 1, 2, 500, ['linked', 'pending']),
      { id: id(2), pendingId: id(1), amount: 400, flags: ['linked', 'post_pending'] },
      tr(3, 2, 3, 10),
    ]);
    assert.deepEqual(codes, ['linked_event_failed', 'linked_event_failed', 'not_authorized']);
    assert.equal(c.balance(2), 10_000n);
    assert.equal(c.account(1).debitsPending, 0n);
    assert.equal(c.transfer(1), undefined);
  });

  it('a full batch whose one long chain fails still fits its receipt: dropped events do not count', () => {
    const c = chain();
    const transfers = Array.from({ length: transfersPerCallMax }, (_, i) =>
      tr(
        5000 + i,
        1,
        2,
        i === transfersPerCallMax - 1 ? 99_999 : 1,
        i === transfersPerCallMax - 1 ? [] : ['linked'],
      ),
    );
    const { out, codes } = batch(c, transfers);
    assert.equal(codes.at(-1), 'exceeds_credits');
    assert.equal(out.results[0]!.events.length, transfersPerCallMax);
    assert.equal(c.balance(1), 10_000n);
  });

  it('error: linked_event_chain_open for a chain left open at the end of the batch', () => {
    const c = chain();
    const { codes } = batch(c, [
      tr(1, 1, 2, 5),
      tr(2, 1, 2, 5, ['linked']),
      tr(3, 1, 2, 5, ['linked']),
    ]);
    assert.deepEqual(codes, ['ok', 'linked_event_failed', 'linked_event_chain_open']);
    assert.equal(c.balance(1), 9_995n);
  });

  it('a retried chain moves no money: exists, then linked_event_failed', () => {
    const c = chain();
    const transfers = [tr(1, 1, 2, 100, ['linked']), tr(2, 1, 3, 200)];
    assert.deepEqual(batch(c, transfers).codes, ['ok', 'ok']);
    assert.deepEqual(batch(c, transfers).codes, ['exists', 'linked_event_failed']);
    assert.equal(c.balance(1), 9_700n);
  });
});

describe('keeper calls from another module', () => {
  const bankKey = key(7);
  const trustAll: TransferAuthority = {
    mayDebit: () => true,
    mayResolve: () => true,
    isIssuer: () => false,
  };
  const remit: Module = {
    name: 'remit',
    methods: {
      send(ctx) {
        const codes = executeBankTransfers(
          ctx,
          [
            {
              id: id(50),
              debitAccountId: id(1),
              creditAccountId: id(3),
              amount: 100n,
              currency: 'HKD',
              flags: 3,
            },
            {
              id: id(51),
              debitAccountId: id(3),
              creditAccountId: id(2),
              amount: 100n,
              currency: 'HKD',
              flags: 2,
            },
          ],
          trustAll,
        );
        ctx.emit('sent', { codes });
        return { code: codes.every((c) => c === 'ok') ? 'ok' : 'remittance_failed' };
      },
    },
  };

  it('runs a linked pending chain debiting accounts the signer does not own', () => {
    const c = new TestChain({}, [remit]);
    setUpHkd(c);
    const out = c.block([{ signer: bankKey, method: 'send', args: null, module: 'remit' }]);
    assert.equal(out.results[0]!.code, 'ok');
    assert.deepEqual(
      out.results[0]!.events.map((e) => `${e.module}.${e.type}`),
      ['bank.transfer_created', 'bank.transfer_created', 'remit.sent'],
    );
    assert.equal(c.account(3).debitsPending, 100n);
    assert.equal(
      c.run(bob, 'create_transfer', { id: id(60), pendingId: id(51), flags: ['void_pending'] }),
      'ok',
    );
    assert.equal(
      c.run(alice, 'create_transfer', { id: id(61), pendingId: id(50), flags: ['void_pending'] }),
      'ok',
    );
    assert.equal(c.balance(1), 10_000n);
  });
});
