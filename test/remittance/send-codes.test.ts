// Each of send's failure codes, in the contract's order, and the limits: a failed send writes
// nothing (no leg, no usage, no used quote), and every test ends with checkInvariants.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  corridorArgs,
  getRemittance,
  legId,
  remittanceKeys,
} from '../../src/apps/remittance/index.ts';
import { readModuleState } from '../../src/execution/index.ts';
import { getTransfer } from '../../src/modules/bank/index.ts';
import { quoteTtlMsMax } from '../../src/modules/fx/index.ts';
import {
  acct,
  checkInvariants,
  corridorInput,
  createRemitChain,
  hkdToPhp,
  id,
  orgs,
  phpToHkd,
  type RemitChain,
  rogueQuoteKey,
  type SendOptions,
  signers,
  uetr,
} from './harness.ts';

async function withChain(fn: (chain: RemitChain) => Promise<void>): Promise<void> {
  const chain = await createRemitChain();
  await fn(chain);
  checkInvariants(chain);
}

/** Sends and expects `code`; a failed send leaves no remittance and no leg. */
async function expectCode(
  chain: RemitChain,
  o: SendOptions,
  code: string,
  message?: RegExp,
): Promise<void> {
  const result = await chain.send(o);
  assert.equal(result.code, code, result.message);
  if (message !== undefined) assert.match(result.message ?? '', message);
  if (code !== 'ok' && code !== 'remittance_exists') {
    assert.equal(getRemittance(chain.state, uetr(o.n)), undefined);
    assert.equal(getTransfer(chain.state, legId(uetr(o.n), 0)), undefined);
  }
}

describe('remittance send codes', () => {
  it('error: corridor_not_found, not_sending_wallet, sender and beneficiary accounts', () =>
    withChain(async (chain) => {
      await expectCode(chain, { n: 1, corridor: 'HKD-USD' }, 'corridor_not_found');
      await expectCode(chain, { n: 1, signer: signers.ph }, 'not_sending_wallet');
      await expectCode(chain, { n: 1, signer: signers.outsider }, 'signer_unknown');
      await expectCode(chain, { n: 1, sender: 99 }, 'sender_account_invalid', /no such account/);
      await expectCode(chain, { n: 1, sender: acct.juan }, 'sender_account_invalid', /holds PHP/);
      await expectCode(
        chain,
        { n: 1, sender: acct.fxHkd },
        'sender_account_invalid',
        /not operated by hk-wallet/,
      );
      await expectCode(
        chain,
        { n: 1, beneficiary: acct.bob },
        'beneficiary_account_invalid',
        /holds HKD/,
      );
      await expectCode(chain, { n: 1, beneficiary: acct.fxPhp }, 'beneficiary_account_invalid');
    }));

  it('error: quote_provider_mismatch, quote_currency_mismatch, quote_signature_invalid', () =>
    withChain(async (chain) => {
      await expectCode(chain, { n: 1, quote: { provider: orgs.ph } }, 'quote_provider_mismatch');
      await expectCode(
        chain,
        { n: 1, quote: { receiveCurrency: 'USD' } },
        'quote_currency_mismatch',
      );
      await expectCode(
        chain,
        { n: 1, signWith: rogueQuoteKey },
        'quote_signature_invalid',
        /not a live key of settlement-bank/,
      );
      await expectCode(
        chain,
        { n: 1, tamper: (q) => ({ ...q, fee: q.fee - 1n, totalDebit: q.totalDebit - 1n }) },
        'quote_signature_invalid',
      );
    }));

  it('error: quote_expired, quote_used, quote_inconsistent', () =>
    withChain(async (chain) => {
      await expectCode(
        chain,
        { n: 1, quote: { expiresAtMs: chain.timeMs + 1000 } },
        'quote_expired',
      );
      const call = await chain.sendCall({ n: 2 });
      assert.equal(chain.block([call]).results[0]!.code, 'ok');
      // The same signed quote under another remittance id.
      const args = { ...(call.args as Record<string, never>), id: uetr(3) };
      assert.equal(chain.block([{ ...call, args }]).results[0]!.code, 'quote_used');
      await expectCode(
        chain,
        { n: 4, quote: { receiveAmount: 1n } },
        'quote_inconsistent',
        /receiveAmount 1 is not/,
      );
      await expectCode(
        chain,
        { n: 4, quote: { totalDebit: 1n } },
        'quote_inconsistent',
        /totalDebit/,
      );
      // A quote the chain would have to remember longer than a quote may live.
      await expectCode(
        chain,
        { n: 4, quote: { expiresAtMs: chain.timeMs + quoteTtlMsMax + 60_000 } },
        'quote_inconsistent',
        /expires more than/,
      );
    }));

  it('error: travel_rule_hash_mismatch and travel_rule_recipients_missing', () =>
    withChain(async (chain) => {
      const call = await chain.sendCall({ n: 1 });
      const args = call.args as Record<string, unknown>;
      const hash = new Uint8Array(args.travelRuleHash as Uint8Array);
      hash[0]! ^= 1;
      const bad = chain.block([
        { ...call, args: { ...(args as Record<string, never>), travelRuleHash: hash } },
      ]);
      assert.equal(bad.results[0]!.code, 'travel_rule_hash_mismatch');
      await expectCode(
        chain,
        { n: 2, recipients: [orgs.hk, orgs.ph, orgs.bank, orgs.regHk] },
        'travel_rule_recipients_missing',
        /regulator-ph/,
      );
      await expectCode(
        chain,
        { n: 2, recipients: [orgs.hk, orgs.regHk, orgs.regPh] },
        'travel_rule_recipients_missing',
        /ph-wallet, settlement-bank/,
      );
    }));

  it('error: kyc_level_insufficient below every tier and over the tier cap', () =>
    withChain(async (chain) => {
      // bob has level 0: the level-0 tier caps one remittance at 500.00 HKD.
      await expectCode(
        chain,
        { n: 1, sender: acct.bob, sendAmount: 50_000n },
        'kyc_level_insufficient',
        /per-remittance cap of KYC level 0/,
      );
      await expectCode(chain, { n: 1, sender: acct.bob, sendAmount: 49_500n }, 'ok');
      assert.equal(
        chain.call(signers.hk, 'set_kyc', { accountId: id(acct.bob), level: 1 }).code,
        'ok',
      );
      await expectCode(chain, { n: 2, sender: acct.bob, sendAmount: 50_000n }, 'ok');
      // A corridor whose lowest tier needs level 2.
      const tiers = [{ level: 2, perTxMax: 1n << 40n, dailyMax: 1n << 40n, monthlyMax: 1n << 40n }];
      const args = corridorArgs(corridorInput(hkdToPhp, { id: 'HKD-PHP-2', kycTiers: tiers }));
      const corridor = chain.call(signers.bank, 'register_corridor', args);
      assert.equal(corridor.code, 'ok');
      await expectCode(
        chain,
        { n: 3, corridor: 'HKD-PHP-2' },
        'kyc_level_insufficient',
        /below every tier/,
      );
    }));

  it('error: daily_limit_exceeded, and a refund gives the allowance back', () =>
    withChain(async (chain) => {
      // alice: level 1, 5,000.00 HKD a remittance, 10,000.00 a day.
      await expectCode(chain, { n: 1, sendAmount: 499_500n }, 'ok');
      await expectCode(chain, { n: 2, sendAmount: 499_500n }, 'ok');
      await expectCode(
        chain,
        { n: 3, sendAmount: 500n },
        'daily_limit_exceeded',
        /1000000 sent today/,
      );
      assert.equal(chain.call(signers.ph, 'reject', { id: uetr(1), reason: 'AC04' }).code, 'ok');
      await expectCode(chain, { n: 3, sendAmount: 499_500n }, 'ok');
      await expectCode(chain, { n: 4, sendAmount: 500n }, 'daily_limit_exceeded');
    }));

  it('error: monthly_limit_exceeded across days; a new month starts afresh', () =>
    withChain(async (chain) => {
      // juan: level 1 on PHP-HKD, 5,000.00 PHP a remittance, 10,000.00 a day, 20,000.00 a month;
      // tests start on 15 January.
      const day = 86_400_000;
      // Completed remittances keep counting; expired ones would give their allowance back.
      const policy = { corridor: phpToHkd, autoAccept: true };
      assert.equal(chain.call(signers.hk, 'set_acceptance_policy', policy).code, 'ok');
      for (const n of [1, 2])
        await expectCode(chain, { n, corridor: phpToHkd, sendAmount: 499_500n }, 'ok');
      await expectCode(
        chain,
        { n: 3, corridor: phpToHkd, sendAmount: 500n },
        'daily_limit_exceeded',
      );
      chain.advance(day);
      for (const n of [3, 4])
        await expectCode(chain, { n, corridor: phpToHkd, sendAmount: 499_500n }, 'ok');
      chain.advance(day);
      await expectCode(
        chain,
        { n: 5, corridor: phpToHkd, sendAmount: 500n },
        'monthly_limit_exceeded',
        /2000000 sent this month/,
      );
      chain.advance(20 * day);
      await expectCode(chain, { n: 5, corridor: phpToHkd, sendAmount: 500n }, 'ok');
    }));

  it('error: insufficient_funds on the sender leg; leg_failed when the bank lacks liquidity', () =>
    withChain(async (chain) => {
      // hk-wallet moves most of bob's money to alice (it operates both accounts), leaving 1,000.00.
      const move = chain.bank(signers.hk, 'create_transfer', {
        id: id(8001),
        debitAccountId: id(acct.bob),
        creditAccountId: id(acct.alice),
        amount: chain.balance(acct.bob) - 100_000n,
        currency: 'HKD',
      });
      assert.equal(move.code, 'ok');
      assert.equal(
        chain.call(signers.hk, 'set_kyc', { accountId: id(acct.bob), level: 1 }).code,
        'ok',
      );
      await expectCode(chain, { n: 1, sender: acct.bob, sendAmount: 49_500n }, 'ok');
      await expectCode(
        chain,
        { n: 2, sender: acct.bob, sendAmount: 49_600n },
        'insufficient_funds',
      );
      assert.equal(chain.available(acct.bob), 50_000n);
      // Drain the bank's PHP FX account: a send then fails on leg 3, which debits it.
      const drain = chain.bank(signers.bank, 'create_transfer', {
        id: id(8000),
        debitAccountId: id(acct.fxPhp),
        creditAccountId: id(acct.phSettlement),
        amount: chain.available(acct.fxPhp),
        currency: 'PHP',
      });
      assert.equal(drain.code, 'ok');
      await expectCode(
        chain,
        { n: 3, sendAmount: 1000n },
        'leg_failed',
        /^leg 3: exceeds_credits$/,
      );
    }));

  it('a failed send leaves no used quote and no usage behind', () =>
    withChain(async (chain) => {
      const call = await chain.sendCall({ n: 1, recipients: [orgs.hk] });
      assert.equal(chain.block([call]).results[0]!.code, 'travel_rule_recipients_missing');
      const state = readModuleState(chain.state, 'remittance');
      assert.equal(
        state.has(remittanceKeys.dailyUsage(id(acct.alice), Math.floor(chain.timeMs / 86_400_000))),
        false,
      );
      await expectCode(chain, { n: 1 }, 'ok');
    }));
});
