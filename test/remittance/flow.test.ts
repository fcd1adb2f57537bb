// The remittance's life on one chain: send, accept, reject, expire, review, retry, auto-accept and the
// day's net positions. Every test ends with checkInvariants (money conserved, no leg half-moved).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { remittanceModuleName } from '../../src/apps/remittance/constants.ts';
import {
  corridorArgs,
  getRemittance,
  getTravelRuleEnvelope,
  grossObligations,
  listRemittances,
  netPositions,
  policyArgs,
  rejectArgs,
  reviewArgs,
  statusEventType,
  utcDay,
} from '../../src/apps/remittance/index.ts';
import { logChunkIds, remittanceKeys } from '../../src/apps/remittance/store.ts';
import { decode } from '../../src/codec/index.ts';
import { openEnvelope } from '../../src/crypto/envelope.ts';
import {
  type BlockOutput,
  type Event,
  moduleKey,
  moduleRecordKey,
} from '../../src/execution/index.ts';
import { getTransfer, transferFlags } from '../../src/modules/bank/index.ts';
import { concatBytes, utf8 } from '../../src/util/bytes.ts';
import {
  acceptWindowSec,
  acct,
  checkInvariants,
  corridorInput,
  createRemitChain,
  hkdToPhp,
  orgs,
  phpToHkd,
  type RemitChain,
  signers,
  uetr,
} from './harness.ts';

async function withChain(fn: (chain: RemitChain) => Promise<void> | void): Promise<void> {
  const chain = await createRemitChain();
  await fn(chain);
  checkInvariants(chain);
}

function statusEvents(out: BlockOutput): Event[] {
  return [...out.results.flatMap((r) => r.events), ...out.events].filter(
    (e) => e.type === statusEventType,
  );
}

describe('remittance flow', () => {
  it('sends, holds the money on every leg, and posts all legs on accept', () =>
    withChain(async (chain) => {
      const alice = chain.balance(acct.alice);
      const maria = chain.balance(acct.maria);
      const out = chain.block([
        await chain.sendCall({ n: 1, sendAmount: 100_000n, endToEndId: 'E2E-1' }),
      ]);
      assert.equal(out.results[0]!.code, 'ok', out.results[0]!.message);
      const events = statusEvents(out);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.attributes.status, 'pending');
      assert.equal(events[0]!.attributes.previous, 'none');
      const r = chain.remittance(1);
      assert.equal(r.status, 'pending');
      assert.equal(r.totalDebit, 100_500n);
      assert.equal(r.endToEndId, 'E2E-1');
      assert.equal(r.deadlineMs, chain.timeMs + acceptWindowSec * 1000);
      assert.equal(chain.available(acct.alice), alice - 100_500n);
      assert.equal(chain.balance(acct.alice), alice, 'nothing posted yet');
      for (const leg of r.legs) assert.equal(getTransfer(chain.state, leg)?.state, 'pending');
      checkInvariants(chain);

      const accepted = chain.block([
        { signer: signers.ph, method: 'accept', args: { id: uetr(1) } },
      ]);
      assert.equal(accepted.results[0]!.code, 'ok');
      assert.deepEqual(
        statusEvents(accepted).map((e) => [e.attributes.status, e.attributes.previous]),
        [['completed', 'pending']],
      );
      assert.equal(chain.remittance(1).status, 'completed');
      assert.equal(chain.remittance(1).deadlineMs, 0);
      assert.equal(chain.balance(acct.alice), alice - 100_500n);
      assert.equal(chain.balance(acct.maria), maria + r.receiveAmount);
      assert.equal(r.receiveAmount, 725_120n); // 1000.00 HKD at 7.2512, rounded down
    }));

  it('keeps the Travel-Rule envelope that only the entitled organisations open', () =>
    withChain(async (chain) => {
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      const envelope = getTravelRuleEnvelope(chain.state, uetr(1));
      assert.ok(envelope !== undefined);
      const plain = await openEnvelope(
        envelope,
        orgs.regPh,
        chain.encryption.get(orgs.regPh)!.privateKey,
        uetr(1),
      );
      assert.deepEqual(JSON.parse(new TextDecoder().decode(plain)), {
        originator: 'Alice Chan',
        beneficiary: 'Maria Santos',
      });
      assert.deepEqual(
        plain,
        utf8(JSON.stringify({ originator: 'Alice Chan', beneficiary: 'Maria Santos' })),
      );
    }));

  it('auto-accepts in the same block under the receiving wallet policy', () =>
    withChain(async (chain) => {
      const policy = chain.call(
        signers.ph,
        'set_acceptance_policy',
        policyArgs({ corridor: hkdToPhp, autoAccept: true, maxAmount: 1_000_000n }),
      );
      assert.equal(policy.code, 'ok');
      const maria = chain.balance(acct.maria);
      const out = chain.block([await chain.sendCall({ n: 1, sendAmount: 100_000n })]);
      assert.equal(out.results[0]!.code, 'ok');
      assert.deepEqual(
        statusEvents(out).map((e) => e.attributes.status),
        ['completed'],
      );
      assert.equal(chain.remittance(1).status, 'completed');
      assert.equal(chain.balance(acct.maria), maria + chain.remittance(1).receiveAmount);
      // The legs were made posted: four plain transfers, no pending ones and no posts of them.
      for (const leg of chain.remittance(1).legs) {
        const t = getTransfer(chain.state, leg);
        assert.equal((t!.flags & transferFlags.pending) === 0 && t!.state === 'none', true);
      }
      const bankEvents = out.results[0]!.events.filter((e) => e.module === 'bank');
      assert.deepEqual(
        bankEvents.map((e) => e.type),
        Array(4).fill('transfer_created'),
      );
      // Over the policy's maxAmount: pending as usual.
      assert.equal((await chain.send({ n: 2, sendAmount: 200_000n })).code, 'ok');
      assert.equal(chain.remittance(2).status, 'pending');
    }));

  it('reject voids every leg and refunds the sender at once', () =>
    withChain(async (chain) => {
      const alice = chain.balance(acct.alice);
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      const out = chain.block([
        {
          signer: signers.ph,
          method: 'reject',
          args: rejectArgs({ id: uetr(1), reason: 'AC04', message: 'account closed' }),
        },
      ]);
      assert.equal(out.results[0]!.code, 'ok');
      assert.deepEqual(
        statusEvents(out).map((e) => [e.attributes.status, e.attributes.reason]),
        [['rejected', 'AC04']],
      );
      const r = chain.remittance(1);
      assert.equal(r.status, 'rejected');
      assert.deepEqual(r.reason, { code: 'AC04', message: 'account closed' });
      assert.equal(chain.available(acct.alice), alice);
      assert.equal(chain.balance(acct.alice), alice);
      assert.equal(
        chain.call(signers.ph, 'accept', { id: uetr(1) }).code,
        'remittance_not_pending',
      );
      assert.equal(
        chain.call(signers.ph, 'reject', rejectArgs({ id: uetr(1), reason: 'AC04' })).code,
        'remittance_not_pending',
      );
    }));

  it('expires an unanswered remittance at its deadline and refunds it', () =>
    withChain(async (chain) => {
      const alice = chain.balance(acct.alice);
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      const deadline = chain.remittance(1).deadlineMs;
      const before = chain.advance(deadline - chain.timeMs - 1);
      assert.equal(statusEvents(before).length, 0);
      assert.equal(chain.remittance(1).status, 'pending');
      const out = chain.advance(1);
      assert.equal(chain.timeMs, deadline);
      assert.deepEqual(
        statusEvents(out).map((e) => [e.attributes.status, e.attributes.previous]),
        [['expired', 'pending']],
      );
      assert.equal(chain.remittance(1).status, 'expired');
      assert.equal(chain.available(acct.alice), alice);
      assert.equal(
        chain.call(signers.ph, 'accept', { id: uetr(1) }).code,
        'remittance_not_pending',
      );
      assert.equal(statusEvents(chain.advance(acceptWindowSec * 1000)).length, 0, 'expires once');
    }));

  it('keeps the old deadline when the corridor changes its accept window', () =>
    withChain(async (chain) => {
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      const old = chain.remittance(1).deadlineMs;
      const longer = corridorArgs(
        corridorInput(hkdToPhp, { acceptWindowSec: 3 * acceptWindowSec }),
      );
      assert.equal(chain.call(signers.bank, 'register_corridor', longer).code, 'ok');
      assert.equal((await chain.send({ n: 2 })).code, 'ok');
      assert.equal(chain.remittance(2).deadlineMs, chain.timeMs + 3 * acceptWindowSec * 1000);
      chain.advance(old - chain.timeMs);
      assert.equal(chain.remittance(1).status, 'expired');
      assert.equal(chain.remittance(2).status, 'pending');
      chain.advance(chain.remittance(2).deadlineMs - chain.timeMs);
      assert.equal(chain.remittance(2).status, 'expired');
    }));

  it('error: remittance_expired when accepting at the deadline before the sweep', () =>
    withChain(async (chain) => {
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      const deadline = chain.remittance(1).deadlineMs;
      const out = chain.block(
        [{ signer: signers.ph, method: 'accept', args: { id: uetr(1) } }],
        deadline - chain.timeMs,
      );
      assert.equal(out.results[0]!.code, 'remittance_expired');
      assert.equal(chain.remittance(1).status, 'expired', 'the same block swept it');
    }));

  it('holds a sanctioned name for review; release then accept', () =>
    withChain(async (chain) => {
      assert.equal(
        chain.call(signers.regHk, 'load_sanctions', {
          names: ['Osama Bin Example', 'Ivan Petrovich Sanctioned'],
          replace: false,
        }).code,
        'ok',
      );
      const out = chain.block([
        await chain.sendCall({ n: 1, beneficiaryName: 'Mr. Ivan Petrovitch Sanctioned' }),
      ]);
      assert.equal(out.results[0]!.code, 'ok');
      const r = chain.remittance(1);
      assert.equal(r.status, 'held');
      assert.equal(r.deadlineMs, 0);
      assert.match(r.sanctionsMatch ?? '', /^beneficiary: Ivan Petrovich Sanctioned$/);
      assert.equal(
        chain.call(signers.ph, 'accept', { id: uetr(1) }).code,
        'remittance_not_pending',
      );
      chain.advance(acceptWindowSec * 2000);
      assert.equal(chain.remittance(1).status, 'held', 'a held remittance never expires');
      assert.equal(
        chain.call(signers.hk, 'review', reviewArgs({ id: uetr(1), decision: 'release' })).code,
        'not_authorized',
      );
      const released = chain.block([
        {
          signer: signers.regPh,
          method: 'review',
          args: reviewArgs({ id: uetr(1), decision: 'release', note: 'false positive' }),
        },
      ]);
      assert.equal(released.results[0]!.code, 'ok');
      assert.deepEqual(
        statusEvents(released).map((e) => [e.attributes.status, e.attributes.previous]),
        [['pending', 'held']],
      );
      assert.equal(chain.remittance(1).deadlineMs, chain.timeMs + acceptWindowSec * 1000);
      assert.equal(chain.call(signers.ph, 'accept', { id: uetr(1) }).code, 'ok');
      const done = chain.remittance(1);
      assert.equal(done.status, 'completed');
      assert.deepEqual(
        done.history.map((h) => [h.status, h.height]),
        [
          ['held', done.createdHeight],
          ['pending', done.createdHeight + 4],
          ['completed', done.updatedHeight],
        ],
      );
    }));

  it('held then refused: every leg voids with reason RR04', () =>
    withChain(async (chain) => {
      const alice = chain.balance(acct.alice);
      assert.equal(
        chain.call(signers.bank, 'load_sanctions', { names: ['Alice Chan'], replace: true }).code,
        'ok',
      );
      assert.equal((await chain.send({ n: 1 })).code, 'ok');
      assert.equal(chain.remittance(1).status, 'held');
      assert.equal(chain.remittance(1).sanctionsMatch, 'originator: Alice Chan');
      const out = chain.block([
        {
          signer: signers.bank,
          method: 'review',
          args: reviewArgs({ id: uetr(1), decision: 'refuse', note: 'confirmed match' }),
        },
      ]);
      assert.equal(out.results[0]!.code, 'ok');
      assert.deepEqual(
        statusEvents(out).map((e) => [e.attributes.status, e.attributes.reason]),
        [['refused', 'RR04']],
      );
      assert.deepEqual(chain.remittance(1).reason, { code: 'RR04', message: 'confirmed match' });
      assert.deepEqual(
        chain.remittance(1).history.map((h) => [h.status, h.reason]),
        [
          ['held', undefined],
          ['refused', { code: 'RR04', message: 'confirmed match' }],
        ],
      );
      assert.equal(chain.available(acct.alice), alice);
      assert.equal(
        chain.call(signers.bank, 'review', reviewArgs({ id: uetr(1), decision: 'release' })).code,
        'remittance_not_held',
      );
    }));

  it('a retry with the same id is remittance_exists and moves nothing twice', () =>
    withChain(async (chain) => {
      const alice = chain.balance(acct.alice);
      const call = await chain.sendCall({ n: 1 });
      const out = chain.block([call, call]);
      assert.deepEqual(
        out.results.map((r) => r.code),
        ['ok', 'remittance_exists'],
      );
      assert.equal(statusEvents(out).length, 1);
      assert.equal((await chain.send({ n: 1 })).code, 'remittance_exists');
      assert.equal(chain.available(acct.alice), alice - chain.remittance(1).totalDebit);
      assert.equal(chain.call(signers.ph, 'accept', { id: uetr(1) }).code, 'ok');
      assert.equal(chain.block([call]).results[0]!.code, 'remittance_exists');
      assert.equal(chain.balance(acct.alice), alice - chain.remittance(1).totalDebit);
    }));

  it('lists each organisation its remittances, newest first, page by page', () =>
    withChain(async (chain) => {
      for (let n = 1; n <= 3; n++)
        assert.equal((await chain.send({ n, sendAmount: 10_000n })).code, 'ok');
      assert.equal(
        (await chain.send({ n: 4, corridor: phpToHkd, sendAmount: 100_000n })).code,
        'ok',
      );
      const first = listRemittances(chain.state, orgs.hk, { limit: 3 });
      assert.deepEqual(
        first.items.map((r) => r.id),
        [uetr(4), uetr(3), uetr(2)],
      );
      assert.equal(first.next, 1);
      const second = listRemittances(chain.state, orgs.hk, { limit: 3, before: first.next });
      assert.deepEqual(
        second.items.map((r) => r.id),
        [uetr(1)],
      );
      assert.equal(second.next, undefined);
      assert.equal(listRemittances(chain.state, orgs.regPh, { limit: 10 }).items.length, 4);
      assert.equal(listRemittances(chain.state, 'nobody', { limit: 10 }).items.length, 0);
      assert.throws(() => listRemittances(chain.state, orgs.hk, { limit: 0 }), RangeError);
    }));

  it('keeps a long log in closed chunks and a head, and pages through it across chunk boundaries', () =>
    withChain(async (chain) => {
      // 12 sends in one block, then 25 in the next: the second closes chunks 0 and 1 and leaves 5 open.
      const total = 2 * logChunkIds + 5;
      for (const [from, to] of [
        [1, 12],
        [13, total],
      ] as const) {
        const calls = [];
        for (let n = from; n <= to; n++) calls.push(await chain.sendCall({ n, sendAmount: 100n }));
        assert.ok(chain.block(calls).results.every((r) => r.code === 'ok'));
      }
      const stored = (key: Uint8Array) => chain.state.get(moduleKey(remittanceModuleName, key));
      const chunk = (index: number) =>
        chain.state.get(
          moduleRecordKey(remittanceModuleName, remittanceKeys.logChunk(orgs.hk, index)),
        );
      const byteStringHeader = 3; // 256 bytes take a two-byte length
      assert.equal(chunk(0)?.length, byteStringHeader + logChunkIds * 16);
      assert.equal(chunk(1)?.length, byteStringHeader + logChunkIds * 16);
      assert.equal(chunk(2), undefined);
      const head = decode(stored(remittanceKeys.logHead(orgs.hk))!);
      assert.deepEqual(head, [2, concatBytes(...[33, 34, 35, 36, 37].map(uetr))]);
      const listed: Uint8Array[] = [];
      let before: number | undefined;
      do {
        const page = listRemittances(chain.state, orgs.hk, { limit: 7, before });
        listed.push(...page.items.map((r) => r.id));
        before = page.next;
      } while (before !== undefined);
      assert.deepEqual(
        listed,
        Array.from({ length: total }, (_, i) => uetr(total - i)),
      );
    }));

  it('books obligations of completed remittances both ways and nets them per day', () =>
    withChain(async (chain) => {
      const sends = [
        await chain.send({ n: 1, sendAmount: 100_000n }),
        await chain.send({ n: 2, sendAmount: 50_000n }),
        await chain.send({ n: 3, corridor: phpToHkd, sendAmount: 400_000n }),
        await chain.send({ n: 4, sendAmount: 20_000n }), // rejected: no obligation
      ];
      assert.deepEqual(
        sends.map((r) => r.code),
        ['ok', 'ok', 'ok', 'ok'],
      );
      const answers = chain.block([
        { signer: signers.ph, method: 'accept', args: { id: uetr(1) } },
        { signer: signers.ph, method: 'accept', args: { id: uetr(2) } },
        { signer: signers.hk, method: 'accept', args: { id: uetr(3) } },
        { signer: signers.ph, method: 'reject', args: rejectArgs({ id: uetr(4), reason: 'BE01' }) },
      ]);
      assert.deepEqual(
        answers.results.map((r) => r.code),
        ['ok', 'ok', 'ok', 'ok'],
      );
      const [r1, r2, r3] = [1, 2, 3].map((n) => chain.remittance(n));
      assert.ok(r1 && r2 && r3);
      const day = utcDay(chain.timeMs);
      assert.deepEqual(
        grossObligations(chain.state, day),
        [
          {
            payer: orgs.hk,
            payee: orgs.bank,
            currency: 'HKD',
            amount: r1.totalDebit + r2.totalDebit,
          },
          { payer: orgs.ph, payee: orgs.bank, currency: 'PHP', amount: r3.totalDebit },
          { payer: orgs.bank, payee: orgs.hk, currency: 'HKD', amount: r3.receiveAmount },
          {
            payer: orgs.bank,
            payee: orgs.ph,
            currency: 'PHP',
            amount: r1.receiveAmount + r2.receiveAmount,
          },
        ].sort((a, b) =>
          a.payer + a.payee + a.currency < b.payer + b.payee + b.currency ? -1 : 1,
        ),
      );
      const hkNet = r1.totalDebit + r2.totalDebit - r3.receiveAmount;
      const phNet = r3.totalDebit - r1.receiveAmount - r2.receiveAmount;
      const net = netPositions(chain.state, day);
      const expected = [
        hkNet > 0n
          ? { payer: orgs.hk, payee: orgs.bank, currency: 'HKD', amount: hkNet }
          : { payer: orgs.bank, payee: orgs.hk, currency: 'HKD', amount: -hkNet },
        phNet > 0n
          ? { payer: orgs.ph, payee: orgs.bank, currency: 'PHP', amount: phNet }
          : { payer: orgs.bank, payee: orgs.ph, currency: 'PHP', amount: -phNet },
      ].sort((a, b) => (a.payer + a.payee + a.currency < b.payer + b.payee + b.currency ? -1 : 1));
      assert.deepEqual(net, expected);
      assert.deepEqual(netPositions(chain.state, day + 1), []);
      assert.equal(getRemittance(chain.state, uetr(4))?.status, 'rejected');
    }));
});
