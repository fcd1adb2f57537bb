// send: one transaction from the sending wallet creates the four pending legs of a remittance after
// the checks of the shared contract, in its order, each with its own code. Then a sanctions match
// holds it for review; otherwise the receiving wallet's policy may accept it in the same transaction;
// otherwise it waits for accept or reject until its deadline.

import { readEnvelopeRecipients } from '../../crypto/envelope.ts';
import { sha256 } from '../../crypto/sha256.ts';
import type { MethodResult, TxContext } from '../../execution/index.ts';
import {
  type Account,
  accountFlags,
  BankReader,
  bankModuleName,
} from '../../modules/bank/index.ts';
import {
  checkQuoteArithmetic,
  quoteTtlMsMax,
  type SignedQuote,
  verifyQuoteSignature,
} from '../../modules/fx/index.ts';
import {
  type Directory,
  identityModuleName,
  isOrgOwner,
  LiveKeys,
  signerOrgId,
} from '../../modules/identity/index.ts';
import { assert } from '../../util/assert.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { SendInput } from './args.ts';
import type { RemittanceCode } from './codes.ts';
import { enqueueDeadline } from './expiry.ts';
import { createLegs, type LegPlan, legIds, postLegs } from './legs.ts';
import { addUsage, checkLimits } from './limits.ts';
import type { AcceptancePolicy, Corridor, Remittance } from './records.ts';
import { screenParties } from './sanctions.ts';
import { recordStatus } from './status.ts';
import type { RemittanceStore } from './store.ts';

type Failure = { code: RemittanceCode; message?: string };

function fail(code: RemittanceCode, message?: string): Failure {
  return message === undefined ? { code } : { code, message };
}

function checkAccount(
  account: Account | undefined,
  currency: string,
  org: string,
): string | undefined {
  if (account === undefined) return 'no such account';
  if (account.currency !== currency) return `holds ${account.currency}, not ${currency}`;
  if (!isOrgOwner(account.owner, org)) return `is not operated by ${org}`;
  if ((account.flags & accountFlags.closed) !== 0) return 'is closed';
  return undefined;
}

function checkQuote(
  ctx: TxContext,
  directory: Directory,
  corridor: Corridor,
  s: SignedQuote,
): Failure | undefined {
  const q = s.quote;
  if (q.provider !== corridor.fxOrg)
    return fail(
      'quote_provider_mismatch',
      `quote is from ${q.provider}, corridor's FX provider is ${corridor.fxOrg}`,
    );
  if (q.sendCurrency !== corridor.sendCurrency || q.receiveCurrency !== corridor.receiveCurrency) {
    return fail(
      'quote_currency_mismatch',
      `quote is ${q.sendCurrency}/${q.receiveCurrency}, corridor is ${corridor.sendCurrency}/${corridor.receiveCurrency}`,
    );
  }
  // A key the provider added on chain signs quotes too; a revoked one no longer does.
  const quoteKey = new LiveKeys(ctx.forModule(identityModuleName).state, directory).live(
    s.publicKey,
    s.suite,
  );
  if (quoteKey?.orgId !== q.provider) {
    return fail('quote_signature_invalid', `the quote's key is not a live key of ${q.provider}`);
  }
  if (!verifyQuoteSignature(s, (check) => ctx.verifySignature(check)))
    return fail('quote_signature_invalid');
  if (ctx.block.timeMs >= q.expiresAtMs)
    return fail('quote_expired', `expired at ${q.expiresAtMs}`);
  // No provider prices for longer (pricing.ts); a quote that claims to is not one of theirs.
  if (q.expiresAtMs - ctx.block.timeMs > quoteTtlMsMax)
    return fail('quote_inconsistent', `expires more than ${quoteTtlMsMax} ms after this block`);
  return undefined;
}

function checkQuoteUse(
  store: RemittanceStore,
  corridor: Corridor,
  s: SignedQuote,
  bank: BankReader,
): Failure | undefined {
  const q = s.quote;
  if (store.isQuoteUsed(q.provider, q.id)) return fail('quote_used');
  const sendCcy = bank.currency(corridor.sendCurrency);
  const receiveCcy = bank.currency(corridor.receiveCurrency);
  assert(
    sendCcy !== undefined && receiveCcy !== undefined,
    'a corridor names registered currencies',
  );
  const inconsistent = checkQuoteArithmetic(q, sendCcy.decimals, receiveCcy.decimals);
  return inconsistent === undefined ? undefined : fail('quote_inconsistent', inconsistent);
}

function checkTravelRule(corridor: Corridor, input: SendInput): Failure | undefined {
  if (!bytesEqual(sha256(input.travelRule), input.travelRuleHash))
    return fail('travel_rule_hash_mismatch');
  const recipients = new Set(readEnvelopeRecipients(input.travelRule));
  const entitled = [
    corridor.sendingOrg,
    corridor.receivingOrg,
    corridor.fxOrg,
    ...corridor.regulators,
  ];
  const missing = entitled.filter((org) => !recipients.has(org));
  if (missing.length > 0)
    return fail('travel_rule_recipients_missing', `not sealed to ${missing.join(', ')}`);
  return undefined;
}

function checkSend(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: SendInput,
): Corridor | Failure {
  if (store.hasRemittance(input.id)) return fail('remittance_exists');
  const corridor = store.corridor(input.corridor);
  if (corridor === undefined) return fail('corridor_not_found');
  if (signerOrgId(ctx, directory) !== corridor.sendingOrg) {
    return fail('not_sending_wallet', `only ${corridor.sendingOrg} sends on ${corridor.id}`);
  }
  const bank = new BankReader(ctx.forModule(bankModuleName).state);
  const sender = checkAccount(
    bank.account(input.senderAccountId),
    corridor.sendCurrency,
    corridor.sendingOrg,
  );
  if (sender !== undefined) return fail('sender_account_invalid', `senderAccountId ${sender}`);
  const beneficiary = checkAccount(
    bank.account(input.beneficiaryAccountId),
    corridor.receiveCurrency,
    corridor.receivingOrg,
  );
  if (beneficiary !== undefined)
    return fail('beneficiary_account_invalid', `beneficiaryAccountId ${beneficiary}`);
  const failure =
    checkQuote(ctx, directory, corridor, input.quote) ??
    checkQuoteUse(store, corridor, input.quote, bank) ??
    checkTravelRule(corridor, input) ??
    checkLimits(
      store,
      corridor,
      input.senderAccountId,
      input.quote.quote.totalDebit,
      ctx.block.timeMs,
    );
  return failure ?? corridor;
}

function newRemittance(
  ctx: TxContext,
  corridor: Corridor,
  input: SendInput,
  legs: Uint8Array[],
): Remittance {
  const q = input.quote.quote;
  return {
    id: input.id,
    corridor: corridor.id,
    status: 'held',
    sendingOrg: corridor.sendingOrg,
    receivingOrg: corridor.receivingOrg,
    fxOrg: corridor.fxOrg,
    regulators: [...corridor.regulators],
    senderAccountId: input.senderAccountId,
    beneficiaryAccountId: input.beneficiaryAccountId,
    quoteId: q.id,
    rate: q.rate,
    sendCurrency: q.sendCurrency,
    receiveCurrency: q.receiveCurrency,
    sendAmount: q.sendAmount,
    fee: q.fee,
    totalDebit: q.totalDebit,
    receiveAmount: q.receiveAmount,
    endToEndId: input.endToEndId,
    travelRuleHash: input.travelRuleHash,
    createdAtMs: ctx.block.timeMs,
    createdHeight: ctx.block.height,
    deadlineMs: 0,
    updatedAtMs: ctx.block.timeMs,
    updatedHeight: ctx.block.height,
    legs,
    history: [],
  };
}

/**
 * What follows a send without a sanctions match, or a release after review: completed at once when
 * the receiving wallet's policy accepts the amount (and the legs post), else pending until the
 * corridor's accept window ends.
 */
export function settle(
  ctx: TxContext,
  store: RemittanceStore,
  r: Remittance,
  corridor: Corridor,
): void {
  if (
    policyAccepts(store.policy(r.corridor), r.receiveAmount) &&
    postLegs(ctx, r.id, r.legs) === undefined
  ) {
    r.status = 'completed';
    r.deadlineMs = 0;
    return;
  }
  r.status = 'pending';
  r.deadlineMs = ctx.block.timeMs + corridor.acceptWindowSec * 1000;
  enqueueDeadline(store, corridor.acceptWindowSec, r.id, r.deadlineMs);
}

/** Whether the receiving wallet's acceptance policy accepts `receiveAmount` without a review. */
function policyAccepts(policy: AcceptancePolicy | undefined, receiveAmount: bigint): boolean {
  return (
    policy?.autoAccept === true &&
    (policy.maxAmount === undefined || receiveAmount <= policy.maxAmount)
  );
}

function logOrgs(store: RemittanceStore, r: Remittance): void {
  const orgs = [r.sendingOrg, r.receivingOrg, r.fxOrg, ...r.regulators];
  // An organisation in two roles is logged once.
  orgs.forEach((org, i) => {
    if (orgs.indexOf(org) === i) store.appendLog(org, r.id);
  });
}

export function send(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: SendInput,
): MethodResult {
  const checked = checkSend(ctx, directory, store, input);
  if (!('fxOrg' in checked)) return checked;
  const corridor = checked;
  const q = input.quote.quote;
  const legs = legIds(input.id);
  const plan: LegPlan = {
    id: input.id,
    legs,
    senderAccountId: input.senderAccountId,
    beneficiaryAccountId: input.beneficiaryAccountId,
    accounts: corridor.accounts,
    sendCurrency: corridor.sendCurrency,
    receiveCurrency: corridor.receiveCurrency,
    totalDebit: q.totalDebit,
    receiveAmount: q.receiveAmount,
  };
  const match = screenParties(store, input.screening);
  // Accepted as it is sent: the legs are created posted, one transfer each where a pending one and
  // its post took two (eight of a send's twelve state records were those). Should the posted chain
  // fail, the legs are made pending as for any other send, and settle() decides what follows.
  const completed =
    match === undefined &&
    policyAccepts(store.policy(corridor.id), q.receiveAmount) &&
    createLegs(ctx, plan, true) === undefined;
  if (!completed) {
    const legFailure = createLegs(ctx, plan);
    if (legFailure !== undefined) {
      if (legFailure.leg === 0 && legFailure.code === 'exceeds_credits')
        return fail('insufficient_funds');
      return fail('leg_failed', `leg ${legFailure.leg + 1}: ${legFailure.code}`);
    }
  }
  const r = newRemittance(ctx, corridor, input, legs);
  if (match !== undefined) r.sanctionsMatch = match;
  else if (completed) r.status = 'completed';
  else settle(ctx, store, r, corridor);
  addUsage(store, r.senderAccountId, r.createdAtMs, r.totalDebit);
  store.markQuoteUsed(q.provider, q.id, r.id);
  store.putEnvelope(r.id, input.travelRule);
  logOrgs(store, r);
  recordStatus(ctx, store, r, 'none');
  return { code: 'ok' };
}
