// Pending transfers: post in full or in part, void, expiry at block time (bounded per block), and
// idempotent retries that never move money twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import {
  expirySweepStepsPerBlockMax,
  getBalance,
  transfersPerCallMax,
} from '../../src/modules/bank/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { alice, bob, id, setUpHkd, TestChain } from './harness.ts';

type Fields = { [key: string]: CborValue };
function chain(funding = 10_000n): TestChain {
  const c = new TestChain();
  setUpHkd(c, funding);
  return c;
}
function pendingArgs(n: number, amount: number, extra: Fields = {}): Fields {
  return {
    id: id(n),
    debitAccountId: id(1),
    creditAccountId: id(2),
    amount,
    currency: 'HKD',
    flags: ['pending'],
    ...extra,
  };
}
function resolve(n: number, pendingN: number, flag: string, extra: Fields = {}): Fields {
  return { id: id(n), pendingId: id(pendingN), flags: [flag], ...extra };
}
function totals(c: TestChain, n: number) {
  const a = c.account(n);
  return [a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted];
}

describe('pending transfers', () => {
  it('reserves a pending transfer without moving posted money', () => {
    const c = chain();
    assert.equal(c.run(alice, 'create_transfer', pendingArgs(1, 500)), 'ok');
    assert.deepEqual(totals(c, 1), [500n, 0n, 0n, 10_000n]);
    assert.deepEqual(totals(c, 2), [0n, 0n, 500n, 10_000n]);
    assert.equal(getBalance(c.state, id(1))?.available, 9_500n);
    assert.equal(c.transfer(1)?.state, 'pending');
  });

  it('posts a pending transfer in full', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500));
    assert.equal(
      c.run(bob, 'create_transfer', resolve(2, 1, 'post_pending')),
      'ok',
      'the credit side may post',
    );
    assert.deepEqual(totals(c, 1), [0n, 500n, 0n, 10_000n]);
    assert.deepEqual(totals(c, 2), [0n, 0n, 0n, 10_500n]);
    assert.equal(c.transfer(1)?.state, 'posted');
    assert.equal(c.transfer(2)?.amount, 500n);
  });

  it('posts part of a pending transfer and releases the rest', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500));
    assert.equal(
      c.run(alice, 'create_transfer', resolve(2, 1, 'post_pending', { amount: 200 })),
      'ok',
    );
    assert.deepEqual(totals(c, 1), [0n, 200n, 0n, 10_000n]);
    assert.deepEqual(totals(c, 2), [0n, 0n, 0n, 10_200n]);
    assert.equal(c.account(1).pendingCount, 0);
  });

  it('voids a pending transfer', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500));
    assert.equal(c.run(bob, 'create_transfer', resolve(2, 1, 'void_pending')), 'ok');
    assert.deepEqual(totals(c, 1), [0n, 0n, 0n, 10_000n]);
    assert.deepEqual(totals(c, 2), [0n, 0n, 0n, 10_000n]);
    assert.equal(c.transfer(1)?.state, 'voided');
  });

  it('error: not_authorized for a post by someone who is neither party', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500));
    assert.equal(
      c.run(new Uint8Array(32).fill(4), 'create_transfer', resolve(2, 1, 'post_pending')),
      'not_authorized',
    );
  });

  it('expires a pending transfer at block time and releases it', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500, { timeoutSec: 3 }));
    assert.deepEqual(c.block([], 2999).events, [], 'not yet due');
    const out = c.block([], 1);
    assert.deepEqual(
      out.events.map((e) => [e.type, toHex(e.attributes.id as Uint8Array)]),
      [['transfer_expired', toHex(id(1))]],
    );
    assert.equal(c.transfer(1)?.state, 'expired');
    assert.deepEqual(totals(c, 1), [0n, 0n, 0n, 10_000n]);
    assert.equal(
      c.run(alice, 'create_transfer', resolve(2, 1, 'post_pending')),
      'pending_transfer_expired',
    );
  });

  it('error: pending_transfer_expired in the block where it falls due, before the sweep', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500, { timeoutSec: 1 }));
    const out = c.block(
      [{ signer: alice, method: 'create_transfer', args: resolve(2, 1, 'void_pending') }],
      1000,
    );
    assert.equal(out.results[0]!.code, 'pending_transfer_expired');
    assert.equal(
      out.events[0]?.type,
      'transfer_expired',
      'the sweep expires it at the end of that block',
    );
  });

  it('a transfer posted before its timeout never expires', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500, { timeoutSec: 2 }));
    c.run(alice, 'create_transfer', resolve(2, 1, 'post_pending'));
    assert.deepEqual(c.block([], 5000).events, []);
    assert.equal(c.transfer(1)?.state, 'posted');
  });

  it('expires at most a bounded amount of work per block and carries the rest, in order', () => {
    const count = expirySweepStepsPerBlockMax + 1000;
    const c = chain(BigInt(count));
    const calls = [];
    for (let start = 0; start < count; start += transfersPerCallMax) {
      const transfers = [];
      for (let i = start; i < Math.min(count, start + transfersPerCallMax); i++)
        transfers.push(pendingArgs(10_000 + i, 1, { timeoutSec: 1 }));
      calls.push({ signer: alice, method: 'create_transfers', args: { transfers } });
    }
    c.block(calls);
    const first = c.block([], 1000).events;
    const second = c.block([], 1000).events;
    assert.ok(
      first.length > 0 && first.length <= expirySweepStepsPerBlockMax,
      `${first.length} in the first block`,
    );
    assert.equal(first.length + second.length, count);
    const order = [...first, ...second].map((e) => toHex(e.attributes.id as Uint8Array));
    assert.deepEqual(
      order,
      Array.from({ length: count }, (_, i) => toHex(id(10_000 + i))),
    );
    assert.deepEqual(totals(c, 1), [0n, 0n, 0n, BigInt(count)]);
  });

  it('expires a transfer due after a long quiet stretch within two blocks', () => {
    const c = chain();
    const thirtyDaysSec = 30 * 24 * 3600;
    c.run(alice, 'create_transfer', pendingArgs(1, 500, { timeoutSec: thirtyDaysSec }));
    c.run(alice, 'create_transfer', pendingArgs(2, 500, { timeoutSec: 2 * thirtyDaysSec }));
    const expired = [c.block([], 31 * 24 * 3600 * 1000), c.block([])].flatMap((b) => b.events);
    assert.deepEqual(
      expired.map((e) => toHex(e.attributes.id as Uint8Array)),
      [toHex(id(1))],
    );
    assert.equal(c.transfer(2)?.state, 'pending');
  });

  it('voids and expiries still release money into a closed account; a post is refused', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500));
    c.run(alice, 'create_transfer', pendingArgs(2, 500, { timeoutSec: 1 }));
    c.run(alice, 'create_transfer', pendingArgs(3, 500));
    assert.equal(c.run(bob, 'close_account', { id: id(2) }), 'ok');
    assert.equal(
      c.run(alice, 'create_transfer', resolve(4, 1, 'post_pending')),
      'credit_account_already_closed',
    );
    assert.equal(c.run(alice, 'create_transfer', resolve(4, 1, 'void_pending')), 'ok');
    assert.equal(c.transfer(2)?.state, 'expired');
    assert.deepEqual(totals(c, 1), [500n, 0n, 0n, 10_000n]);
  });
});

describe('idempotent retries', () => {
  it('a retried transfer is reported as exists and moves no money', () => {
    const c = chain();
    const args = {
      id: id(1),
      debitAccountId: id(1),
      creditAccountId: id(2),
      amount: 300,
      currency: 'HKD',
    };
    assert.equal(c.run(alice, 'create_transfer', args), 'ok');
    assert.equal(c.run(alice, 'create_transfer', args), 'exists');
    assert.equal(c.run(alice, 'create_transfer', args), 'exists');
    assert.equal(c.balance(1), 9_700n);
    assert.equal(c.balance(2), 10_300n);
  });

  it('a retried post is reported as exists, with or without its amount', () => {
    const c = chain();
    c.run(alice, 'create_transfer', pendingArgs(1, 500));
    assert.equal(c.run(alice, 'create_transfer', resolve(2, 1, 'post_pending')), 'ok');
    assert.equal(c.run(alice, 'create_transfer', resolve(2, 1, 'post_pending')), 'exists');
    assert.equal(
      c.run(alice, 'create_transfer', resolve(2, 1, 'post_pending', { amount: 500 })),
      'exists',
    );
    assert.equal(
      c.run(alice, 'create_transfer', resolve(2, 1, 'post_pending', { amount: 400 })),
      'exists_with_different_amount',
    );
    assert.equal(c.balance(2), 10_500n);
  });

  it('a retry in the same block as the original is also exists', () => {
    const c = chain();
    const args = {
      id: id(1),
      debitAccountId: id(1),
      creditAccountId: id(2),
      amount: 300,
      currency: 'HKD',
    };
    const out = c.block([
      { signer: alice, method: 'create_transfer', args },
      { signer: alice, method: 'create_transfer', args },
    ]);
    assert.deepEqual(
      out.results.map((r) => r.code),
      ['ok', 'exists'],
    );
    assert.equal(c.balance(1), 9_700n);
  });

  it('a failed transfer leaves its id free to be used again', () => {
    const c = chain();
    const args = {
      id: id(1),
      debitAccountId: id(1),
      creditAccountId: id(2),
      amount: 20_000,
      currency: 'HKD',
    };
    assert.equal(c.run(alice, 'create_transfer', args), 'exceeds_credits');
    assert.equal(c.run(alice, 'create_transfer', { ...args, amount: 20 }), 'ok');
  });
});
