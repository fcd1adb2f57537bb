// Random sequences of send, accept, reject, review, policy changes and time passing, checked after
// every step against a model of each remittance's status and each customer's balance, and against
// the invariants (money conserved, every leg in the state its remittance's status implies).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RemittanceStatus } from '../../src/apps/remittance/index.ts';
import {
  acceptWindowSec,
  acct,
  checkInvariants,
  createRemitChain,
  funding,
  hkdToPhp,
  phpToHkd,
  type RemitChain,
  signers,
  uetr,
} from './harness.ts';

type Op =
  | { kind: 'send'; forward: boolean; amount: number; sanctioned: boolean }
  | { kind: 'accept' | 'reject' | 'release' | 'refuse'; pick: number }
  | { kind: 'policy'; forward: boolean; autoAccept: boolean }
  | { kind: 'wait'; long: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      forward: fc.boolean(),
      amount: fc.integer({ min: 100, max: 40_000 }),
      sanctioned: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'accept' as const,
        'reject' as const,
        'release' as const,
        'refuse' as const,
      ),
      pick: fc.nat(50),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('policy' as const),
      forward: fc.boolean(),
      autoAccept: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), long: fc.boolean() }) },
);

type Model = {
  n: number;
  forward: boolean;
  status: RemittanceStatus;
  deadlineMs: number;
  totalDebit: bigint;
  receiveAmount: bigint;
};

const sanctionedName = 'Victor Blacklisted Person';
const autoAccept = new Map<boolean, boolean>([
  [true, false],
  [false, false],
]);

/** Customers' expected balances and holds from the model. */
function checkBalances(chain: RemitChain, model: readonly Model[]): void {
  const posted = new Map<number, bigint>([
    [acct.alice, funding[acct.alice]!],
    [acct.juan, funding[acct.juan]!],
    [acct.maria, 0n],
    [acct.bob, funding[acct.bob]!],
  ]);
  const held = new Map<number, bigint>([
    [acct.alice, 0n],
    [acct.juan, 0n],
  ]);
  for (const m of model) {
    const [sender, beneficiary] = m.forward ? [acct.alice, acct.maria] : [acct.juan, acct.bob];
    if (m.status === 'completed') {
      posted.set(sender, posted.get(sender)! - m.totalDebit);
      posted.set(beneficiary, posted.get(beneficiary)! + m.receiveAmount);
    }
    if (m.status === 'pending' || m.status === 'held')
      held.set(sender, held.get(sender)! + m.totalDebit);
  }
  for (const [n, balance] of posted)
    assert.equal(chain.balance(n), balance, `balance of account ${n}`);
  for (const [n, amount] of held)
    assert.equal(chain.account(n).debitsPending, amount, `held on account ${n}`);
}

async function step(chain: RemitChain, model: Model[], op: Op): Promise<void> {
  if (op.kind === 'send') {
    const n = model.length + 1;
    const corridor = op.forward ? hkdToPhp : phpToHkd;
    const names = op.sanctioned ? { beneficiaryName: sanctionedName } : {};
    const result = await chain.send({ n, corridor, sendAmount: BigInt(op.amount), ...names });
    if (result.code !== 'ok') {
      assert.ok(
        ['daily_limit_exceeded', 'monthly_limit_exceeded'].includes(result.code),
        result.code,
      );
      return;
    }
    const r = chain.remittance(n);
    const status: RemittanceStatus = op.sanctioned
      ? 'held'
      : autoAccept.get(op.forward)
        ? 'completed'
        : 'pending';
    model.push({
      n,
      forward: op.forward,
      status,
      deadlineMs: r.deadlineMs,
      totalDebit: r.totalDebit,
      receiveAmount: r.receiveAmount,
    });
    return;
  }
  if (op.kind === 'policy') {
    const signer = op.forward ? signers.ph : signers.hk;
    const corridor = op.forward ? hkdToPhp : phpToHkd;
    assert.equal(
      chain.call(signer, 'set_acceptance_policy', { corridor, autoAccept: op.autoAccept }).code,
      'ok',
    );
    autoAccept.set(op.forward, op.autoAccept);
    return;
  }
  if (op.kind === 'wait') {
    chain.advance(op.long ? acceptWindowSec * 1000 : 1000);
    for (const m of model)
      if (m.status === 'pending' && m.deadlineMs <= chain.timeMs) m.status = 'expired';
    return;
  }
  const m = model[op.pick % Math.max(model.length, 1)];
  if (m === undefined) return;
  const receiver = m.forward ? signers.ph : signers.hk;
  const [signer, method, args] =
    op.kind === 'accept' || op.kind === 'reject'
      ? [
          receiver,
          op.kind,
          op.kind === 'accept' ? { id: uetr(m.n) } : { id: uetr(m.n), reason: 'AC04' },
        ]
      : [signers.regHk, 'review', { id: uetr(m.n), decision: op.kind }];
  const code = chain.call(signer, method, args).code;
  // The block that ran the call moved time by a second: what fell due expired in it.
  const due = m.status === 'pending' && m.deadlineMs <= chain.timeMs;
  const expected =
    op.kind === 'accept' || op.kind === 'reject'
      ? m.status !== 'pending'
        ? 'remittance_not_pending'
        : due
          ? 'remittance_expired'
          : 'ok'
      : m.status !== 'held'
        ? 'remittance_not_held'
        : 'ok';
  assert.equal(code, expected, `${op.kind} of a ${m.status} remittance`);
  if (code === 'ok') {
    const released = autoAccept.get(m.forward) ? 'completed' : 'pending';
    const next = {
      accept: 'completed',
      reject: 'rejected',
      release: released,
      refuse: 'refused',
    } as const;
    m.status = next[op.kind];
    if (m.status === 'pending') m.deadlineMs = chain.remittance(m.n).deadlineMs;
  }
  for (const other of model)
    if (other.status === 'pending' && other.deadlineMs <= chain.timeMs) other.status = 'expired';
}

describe('remittance property', () => {
  it('random sends, answers, reviews and expiries keep the model and the invariants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        autoAccept.set(true, false).set(false, false);
        const chain = await createRemitChain();
        assert.equal(
          chain.call(signers.bank, 'load_sanctions', { names: [sanctionedName], replace: true })
            .code,
          'ok',
        );
        const model: Model[] = [];
        for (const op of ops) {
          await step(chain, model, op);
          checkInvariants(chain);
          for (const m of model)
            assert.equal(chain.remittance(m.n).status, m.status, `remittance ${m.n}`);
          checkBalances(chain, model);
        }
      }),
      { numRuns: 30 },
    );
  });
});
