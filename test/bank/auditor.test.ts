// The auditor: random streams of account, issue, redeem, transfer, pending, post, void and close
// operations across three currencies and many blocks, run through the real runtime and through the
// independent model in model.ts. After every block: each currency's balances sum to zero and its
// holders' to the issued supply, no account breaks its flags, and model and module agree on every
// balance, supply and result code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CborValue } from '../../src/codec/index.ts';
import type { BlockOutput } from '../../src/execution/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { encodeOutput } from '../execution/toy.ts';
import { type Call, id, key, TestChain } from './harness.ts';
import {
  type ModelRequest,
  type ModelState,
  modelBatch,
  modelClose,
  modelCreateAccount,
  modelExpire,
  modelRegister,
  modelSupply,
  modelTransfer,
} from './model.ts';

const currencies = [
  { code: 'HKD', decimals: 2, issuer: 1, issuerAccount: 1001 },
  { code: 'PHP', decimals: 2, issuer: 5, issuerAccount: 1002 },
  { code: 'JPY', decimals: 0, issuer: 6, issuerAccount: 1003 },
];
const signers = [1, 2, 3, 4, 5, 6];
const accountIds = [...Array.from({ length: 15 }, (_, i) => i + 1), 1001, 1002, 1003];
const dmnec = 'debits_must_not_exceed_credits';

// Operations carry "picks" (natural numbers) that are resolved against the model's state when the
// block runs, so that most operations are meaningful (same currency, the right signer) and some not.
const pick = fc.nat(1000);
const transferOp = fc.record({
  kind: fc.constant('transfer' as const),
  id: fc.integer({ min: 1, max: 60 }),
  debit: pick,
  credit: pick,
  amount: fc.oneof(
    { weight: 19, arbitrary: fc.integer({ min: 1, max: 3000 }) },
    { weight: 1, arbitrary: fc.constant(0) },
  ),
  currencyPick: pick,
  signerPick: pick,
  pending: fc.boolean(),
  timeout: fc.integer({ min: 0, max: 4 }),
  linked: fc.boolean(),
});
const resolveOp = fc.record({
  kind: fc.constantFrom('post' as const, 'void' as const),
  id: fc.integer({ min: 1, max: 60 }),
  pendingPick: pick,
  partial: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  signerPick: pick,
});
const op = fc.oneof(
  { weight: 5, arbitrary: transferOp },
  { weight: 3, arbitrary: resolveOp },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('issue' as const, 'redeem' as const),
      id: fc.integer({ min: 1, max: 60 }),
      account: pick,
      amount: fc.integer({ min: 0, max: 20_000 }),
      currencyPick: pick,
      signerPick: pick,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('account' as const),
      n: fc.integer({ min: 10, max: 15 }),
      currency: fc.nat(2),
      flags: fc.constantFrom(
        [dmnec],
        [],
        ['credits_must_not_exceed_debits'],
        [dmnec, 'credits_must_not_exceed_debits'],
      ),
      signer: fc.constantFrom(...signers),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      transfers: fc.array(transferOp, { minLength: 1, maxLength: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('close' as const), account: pick, signerPick: pick }),
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
type TransferOp = typeof transferOp extends fc.Arbitrary<infer T> ? T : never;
const blockArb = fc.record({
  advanceMs: fc.integer({ min: 0, max: 2500 }),
  ops: fc.array(op, { maxLength: 8 }),
});

function at<T>(items: readonly T[], n: number): T {
  return items[n % items.length]!;
}

/** Mostly the account's owner, sometimes anyone. */
function signerFor(model: ModelState, account: number, n: number): number {
  const owner = model.accounts.get(account)?.owner;
  return owner !== undefined && n % 8 !== 0 ? owner : at(signers, n);
}

function transferRequest(
  model: ModelState,
  o: TransferOp,
  linked: boolean,
): { request: ModelRequest; signer: number } {
  const debit = at(accountIds, o.debit);
  const debitCurrency = model.accounts.get(debit)?.currency;
  const sameCurrency = accountIds.filter(
    (n) => n !== debit && model.accounts.get(n)?.currency === debitCurrency,
  );
  const credit =
    o.credit % 6 !== 0 && sameCurrency.length > 0
      ? at(sameCurrency, o.credit)
      : at(accountIds, o.credit);
  const currency =
    o.currencyPick % 10 !== 0 && debitCurrency !== undefined
      ? debitCurrency
      : at(['HKD', 'PHP', 'JPY', 'XXX'], o.currencyPick);
  const flags = [...(linked ? ['linked'] : []), ...(o.pending ? ['pending'] : [])];
  const request = {
    id: o.id,
    debit,
    credit,
    amount: BigInt(o.amount),
    currency,
    pendingId: 0,
    timeout: o.pending ? o.timeout : 0,
    flags,
  };
  return { request, signer: signerFor(model, debit, o.signerPick) };
}

function requestArgs(r: ModelRequest): CborValue {
  const args: { [k: string]: CborValue } = { id: id(r.id), flags: r.flags };
  if (r.debit !== 0) args.debitAccountId = id(r.debit);
  if (r.credit !== 0) args.creditAccountId = id(r.credit);
  if (r.amount !== undefined) args.amount = r.amount;
  if (r.currency !== undefined) args.currency = r.currency;
  if (r.pendingId !== 0) args.pendingId = id(r.pendingId);
  if (r.timeout !== 0) args.timeoutSec = r.timeout;
  return args;
}

type Sent = { request: ModelRequest; signer: number };

/** Runs one op on the model and says what to send; `expect` is the code(s) the module must give. */
function planOp(
  model: ModelState,
  timeMs: number,
  o: Op,
  sent: Sent[],
): { call: Call; expect: string[]; state?: ModelState } {
  const send = ({ request, signer }: Sent) => {
    sent.push({ request, signer });
    const code = modelTransfer(model, timeMs, signer, request);
    return {
      call: { signer: key(signer), method: 'create_transfer', args: requestArgs(request) },
      expect: [code],
    };
  };
  switch (o.kind) {
    case 'transfer':
      return send(transferRequest(model, o, false));
    case 'retry': {
      // The same transfer again, as a client retrying after a timeout would send it.
      if (sent.length === 0)
        return planOp(model, timeMs, { kind: 'close', account: o.pick, signerPick: o.pick }, sent);
      return send(at(sent, o.pick));
    }
    case 'post':
    case 'void': {
      const pendings = [...model.transfers]
        .filter(([, t]) => t.flags.includes('pending'))
        .map(([n]) => n);
      const pendingId =
        pendings.length > 0 && o.pendingPick % 5 !== 0
          ? at(pendings, o.pendingPick)
          : (o.pendingPick % 60) + 1;
      const p = model.transfers.get(pendingId);
      const amount =
        o.kind === 'post' && o.partial !== undefined && p !== undefined
          ? (p.amount * BigInt(o.partial)) / 90n
          : undefined;
      const request = {
        id: o.id,
        debit: 0,
        credit: 0,
        amount,
        currency: undefined,
        pendingId,
        timeout: 0,
        flags: [o.kind === 'post' ? 'post_pending' : 'void_pending'],
      };
      const party = p === undefined ? 2 : o.signerPick % 2 === 0 ? p.debit : p.credit;
      return send({ request, signer: signerFor(model, party, o.signerPick) });
    }
    case 'issue':
    case 'redeem': {
      // A redeem mostly draws on an account its issuer owns: the only kind it may debit.
      const issuerOwned = accountIds.filter(
        (n) => n < 1000 && currencies.some((c) => c.issuer === model.accounts.get(n)?.owner),
      );
      const account =
        o.kind === 'redeem' && o.account % 5 !== 0 && issuerOwned.length > 0
          ? at(issuerOwned, o.account)
          : at(accountIds, o.account);
      const currency = model.accounts.get(account)?.currency ?? 'HKD';
      const code =
        o.currencyPick % 10 === 0 ? at(['HKD', 'PHP', 'JPY', 'XXX'], o.currencyPick) : currency;
      const issuer = currencies.find((c) => c.code === code)?.issuer ?? 1;
      const signer = o.signerPick % 8 === 0 ? at(signers, o.signerPick) : issuer;
      const result = modelSupply(
        model,
        timeMs,
        signer,
        o.kind,
        o.id,
        account,
        BigInt(o.amount),
        code,
      );
      const args = { id: id(o.id), accountId: id(account), amount: o.amount, currency: code };
      return { call: { signer: key(signer), method: o.kind, args }, expect: [result] };
    }
    case 'account': {
      const currency = currencies[o.currency]!.code;
      const flags = [...o.flags];
      const code = modelCreateAccount(model, o.signer, o.n, currency, flags);
      return {
        call: {
          signer: key(o.signer),
          method: 'create_account',
          args: { id: id(o.n), currency, flags },
        },
        expect: [code],
      };
    }
    case 'close': {
      const account = at(accountIds, o.account);
      const signer = signerFor(model, account, o.signerPick);
      const code = modelClose(model, signer, account);
      return {
        call: { signer: key(signer), method: 'close_account', args: { id: id(account) } },
        expect: [code],
      };
    }
    case 'batch': {
      const first = transferRequest(model, o.transfers[0]!, false);
      const requests = o.transfers.map((t, i) => {
        const r = transferRequest(model, t, t.linked).request;
        return i === 0 ? { ...r, debit: first.request.debit } : r;
      });
      const { state, codes } = modelBatch(model, timeMs, first.signer, requests);
      const transfers = requests.map(requestArgs);
      return {
        call: { signer: key(first.signer), method: 'create_transfers', args: { transfers } },
        expect: codes,
        state,
      };
    }
  }
}

function codesOf(out: BlockOutput, index: number, count: number, method: string): string[] {
  const result = out.results[index]!;
  if (method !== 'create_transfers') return [result.code];
  assert.equal(result.code, 'ok');
  const codes = Array.from({ length: count }, () => 'ok');
  for (const e of result.events)
    if (e.type === 'transfer_failed')
      codes[e.attributes.index as number] = e.attributes.code as string;
  return codes;
}

function checkInvariants(chain: TestChain, model: ModelState): void {
  for (const c of currencies) {
    let sum = 0n;
    let holders = 0n;
    let pendingDebits = 0n;
    let pendingCredits = 0n;
    for (const n of accountIds) {
      const expected = model.accounts.get(n);
      if (expected === undefined || expected.currency !== c.code) continue;
      const a = chain.account(n);
      assert.deepEqual(
        [a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted, (a.flags & 4) !== 0],
        [expected.dp, expected.dpo, expected.cp, expected.cpo, expected.closed],
        `account ${n} agrees with the model`,
      );
      const balance = a.creditsPosted - a.debitsPosted;
      sum += balance;
      if (n !== c.issuerAccount) holders += balance;
      pendingDebits += a.debitsPending;
      pendingCredits += a.creditsPending;
      if ((a.flags & 1) !== 0)
        assert.ok(
          a.debitsPending + a.debitsPosted <= a.creditsPosted,
          `account ${n} debits within credits`,
        );
      if ((a.flags & 2) !== 0)
        assert.ok(
          a.creditsPending + a.creditsPosted <= a.debitsPosted,
          `account ${n} credits within debits`,
        );
    }
    const supply = chain.currency(c.code)!.supply;
    assert.equal(sum, 0n, `${c.code} balances sum to zero`);
    assert.equal(holders, supply, `${c.code} holders hold the supply`);
    assert.equal(
      supply,
      model.currencies.get(c.code)!.supply,
      `${c.code} supply agrees with the model`,
    );
    assert.equal(pendingDebits, pendingCredits, `${c.code} pending debits equal pending credits`);
  }
}

function setUp(chain: TestChain, model: ModelState): void {
  const calls: Call[] = [];
  for (const c of currencies) {
    calls.push({
      signer: key(c.issuer),
      method: 'register_currency',
      args: { code: c.code, decimals: c.decimals, issuerAccountId: id(c.issuerAccount) },
    });
    modelRegister(model, c.code, c.issuer, c.issuerAccount);
  }
  // Accounts 1-9: three holders per currency; 10: an HKD account its issuer may overdraw.
  for (let n = 1; n <= 10; n++) {
    const c = currencies[(n - 1) % 3]!;
    const owner = n === 10 ? c.issuer : 2 + ((n - 1) % 3);
    const flags = n === 10 ? [] : [dmnec];
    calls.push({
      signer: key(owner),
      method: 'create_account',
      args: { id: id(n), currency: c.code, flags },
    });
    assert.equal(modelCreateAccount(model, owner, n, c.code, flags), 'ok');
    if (n === 10) continue;
    calls.push({
      signer: key(c.issuer),
      method: 'issue',
      args: { id: id(100 + n), accountId: id(n), amount: 5000, currency: c.code },
    });
    assert.equal(
      modelSupply(model, chain.timeMs, c.issuer, 'issue', 100 + n, n, 5000n, c.code),
      'ok',
    );
  }
  const out = chain.block(calls, 0);
  assert.ok(out.results.every((r) => r.code === 'ok'));
}

describe('auditor', () => {
  it('model and module agree on every code and balance; balances sum to supply; replays are identical', () => {
    fc.assert(
      fc.property(fc.array(blockArb, { minLength: 1, maxLength: 12 }), (blocks) => {
        const chain = new TestChain();
        let model: ModelState = {
          currencies: new Map(),
          accounts: new Map(),
          transfers: new Map(),
        };
        setUp(chain, model);
        // A second chain fed the same blocks must give the same output, byte for byte.
        const replica = new TestChain();
        setUp(replica, { currencies: new Map(), accounts: new Map(), transfers: new Map() });
        const sent: Sent[] = [];
        for (const b of blocks) {
          const timeMs = chain.timeMs + b.advanceMs;
          const plans = b.ops.map((o) => {
            const plan = planOp(model, timeMs, o, sent);
            if (plan.state !== undefined) model = plan.state;
            return plan;
          });
          const calls = plans.map((p) => p.call);
          const out = chain.block(calls, b.advanceMs);
          assert.deepEqual(encodeOutput(replica.block(calls, b.advanceMs)), encodeOutput(out));
          plans.forEach((p, i) => {
            assert.deepEqual(
              codesOf(out, i, p.expect.length, p.call.method),
              p.expect,
              `op ${i} (${p.call.method})`,
            );
          });
          const expired = modelExpire(model, timeMs).map((n) => toHex(id(n)));
          const swept = out.events
            .filter((e) => e.type === 'transfer_expired')
            .map((e) => toHex(e.attributes.id as Uint8Array));
          assert.deepEqual([...swept].sort(), expired, 'the same transfers expire');
          checkInvariants(chain, model);
        }
      }),
      { numRuns: 150 },
    );
  });
});
