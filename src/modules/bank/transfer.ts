// One transfer, TigerBeetle's model: a posted or pending transfer between two accounts of the same
// currency, or the post or void of a pending one. Every check runs before the first write, so a
// transfer that fails has written nothing; its result code says which check failed.
import type { BlockContext } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { TransferAuthority } from './authority.ts';
import {
  checkTransferFields,
  compareWithExisting,
  isResolving,
  type TransferRequest,
} from './checks.ts';
import type { TransferCode } from './codes.ts';
import {
  accountFlags,
  amountMax,
  pendingTransfersPerAccountMax,
  transferFlags,
} from './constants.ts';
import { emitTransferCreated, emitTransferExpired } from './events.ts';
import { dequeueExpiry, enqueueExpiry, expiryOf } from './expiry.ts';
import type { Account, Currency, Transfer } from './records.ts';
import type { BankStore } from './store.ts';

export function executeTransfer(
  ctx: BlockContext,
  store: BankStore,
  t: TransferRequest,
  authority: TransferAuthority,
): TransferCode {
  const invalid = checkTransferFields(t);
  if (invalid !== undefined) return invalid;
  const existing = store.transfer(t.id);
  if (existing !== undefined) {
    const pending = existing.pendingId === null ? undefined : store.transfer(existing.pendingId);
    return compareWithExisting(t, existing, pending?.amount);
  }
  return isResolving(t.flags)
    ? resolvePending(ctx, store, t, authority)
    : createNew(ctx, store, t, authority);
}

type Parties = { debit: Account; credit: Account; currency: Currency };

function findParties(store: BankStore, t: TransferRequest): Parties | TransferCode {
  assert(t.debitAccountId !== undefined && t.creditAccountId !== undefined, 'checked fields');
  const debit = store.account(t.debitAccountId);
  if (debit === undefined) return 'debit_account_not_found';
  const credit = store.account(t.creditAccountId);
  if (credit === undefined) return 'credit_account_not_found';
  if (debit.currency !== credit.currency) return 'accounts_must_have_the_same_ledger';
  if (t.currency !== debit.currency) return 'transfer_must_have_the_same_ledger_as_accounts';
  const currency = store.currency(debit.currency);
  assert(currency !== undefined, 'an account belongs to a registered currency');
  return { debit, credit, currency };
}

function checkAuthority(
  p: Parties,
  flags: number,
  authority: TransferAuthority,
): TransferCode | undefined {
  const issuerAccount = p.currency.issuerAccountId;
  const touchesIssuer =
    bytesEqual(p.debit.id, issuerAccount) || bytesEqual(p.credit.id, issuerAccount);
  if ((flags & transferFlags.issue) !== 0) {
    // The issue method built this transfer from the issuer account after checking the issuer.
    assert(bytesEqual(p.debit.id, issuerAccount), 'an issue debits the issuer account');
    return undefined;
  }
  if ((flags & transferFlags.redeem) !== 0) {
    assert(bytesEqual(p.credit.id, issuerAccount), 'a redeem credits the issuer account');
    return authority.mayDebit(p.debit) ? undefined : 'not_authorized';
  }
  if (touchesIssuer) return 'issuer_account_reserved';
  return authority.mayDebit(p.debit) ? undefined : 'not_authorized';
}

/** The overflow and balance checks of a new transfer of `amount`, TigerBeetle's order. */
function checkBalances(p: Parties, amount: bigint, pending: boolean): TransferCode | undefined {
  const { debit, credit } = p;
  if (pending) {
    if (debit.debitsPending + amount > amountMax) return 'overflows_debits_pending';
    if (credit.creditsPending + amount > amountMax) return 'overflows_credits_pending';
  } else {
    if (debit.debitsPosted + amount > amountMax) return 'overflows_debits_posted';
    if (credit.creditsPosted + amount > amountMax) return 'overflows_credits_posted';
  }
  if (debit.debitsPending + debit.debitsPosted + amount > amountMax) return 'overflows_debits';
  if (credit.creditsPending + credit.creditsPosted + amount > amountMax) return 'overflows_credits';
  if ((debit.flags & accountFlags.debits_must_not_exceed_credits) !== 0) {
    if (debit.debitsPending + debit.debitsPosted + amount > debit.creditsPosted)
      return 'exceeds_credits';
  }
  if ((credit.flags & accountFlags.credits_must_not_exceed_debits) !== 0) {
    if (credit.creditsPending + credit.creditsPosted + amount > credit.debitsPosted)
      return 'exceeds_debits';
  }
  return undefined;
}

function checkNew(
  ctx: BlockContext,
  p: Parties,
  t: TransferRequest,
  amount: bigint,
): TransferCode | undefined {
  if ((p.debit.flags & accountFlags.closed) !== 0) return 'debit_account_already_closed';
  if ((p.credit.flags & accountFlags.closed) !== 0) return 'credit_account_already_closed';
  const pending = (t.flags & transferFlags.pending) !== 0;
  if (pending && p.debit.pendingCount >= pendingTransfersPerAccountMax)
    return 'too_many_pending_transfers';
  if (
    pending &&
    t.timeoutSec > 0 &&
    expiryOf(ctx.block.timeMs, t.timeoutSec) > Number.MAX_SAFE_INTEGER
  ) {
    return 'overflows_timeout';
  }
  const balances = checkBalances(p, amount, pending);
  if (balances !== undefined) return balances;
  // The issuer account's debitsPosted is at least the supply, so overflows_debits_posted came first.
  assert(
    (t.flags & transferFlags.issue) === 0 || p.currency.supply + amount <= amountMax,
    'supply fits',
  );
  if ((t.flags & transferFlags.redeem) !== 0 && amount > p.currency.supply) return 'exceeds_supply';
  return undefined;
}

function createNew(
  ctx: BlockContext,
  store: BankStore,
  t: TransferRequest,
  authority: TransferAuthority,
): TransferCode {
  const parties = findParties(store, t);
  if (typeof parties === 'string') return parties;
  const denied = checkAuthority(parties, t.flags, authority);
  if (denied !== undefined) return denied;
  const amount = t.amount;
  assert(amount !== undefined && amount > 0n, 'checked fields');
  const refused = checkNew(ctx, parties, t, amount);
  if (refused !== undefined) return refused;

  const { debit, credit, currency } = parties;
  const pending = (t.flags & transferFlags.pending) !== 0;
  const transfer = newTransferRecord(ctx, t, debit, credit, amount);
  if (pending) {
    debit.debitsPending += amount;
    credit.creditsPending += amount;
    debit.pendingCount += 1;
    transfer.state = 'pending';
    if (t.timeoutSec > 0) {
      transfer.expiresAtMs = expiryOf(ctx.block.timeMs, t.timeoutSec);
      transfer.expirySlot = enqueueExpiry(store, ctx.block.timeMs, transfer.expiresAtMs, t.id);
    }
  } else {
    debit.debitsPosted += amount;
    credit.creditsPosted += amount;
  }
  if ((t.flags & transferFlags.issue) !== 0)
    store.putCurrency({ ...currency, supply: currency.supply + amount });
  if ((t.flags & transferFlags.redeem) !== 0)
    store.putCurrency({ ...currency, supply: currency.supply - amount });
  store.putAccount(debit);
  store.putAccount(credit);
  store.addTransfer(transfer);
  emitTransferCreated(ctx, transfer);
  return 'ok';
}

function newTransferRecord(
  ctx: BlockContext,
  t: TransferRequest,
  debit: Account,
  credit: Account,
  amount: bigint,
): Transfer {
  assert(t.currency !== undefined, 'checked fields');
  return {
    id: t.id,
    debitAccountId: debit.id,
    creditAccountId: credit.id,
    amount,
    currency: t.currency,
    flags: t.flags,
    pendingId: t.pendingId ?? null,
    timeoutSec: t.timeoutSec,
    userData: t.userData,
    height: ctx.block.height,
    timeMs: ctx.block.timeMs,
    expiresAtMs: 0,
    state: 'none',
    expirySlot: null,
  };
}

/** Checks on the pending transfer a post or void names, before its accounts are read. */
function checkPending(
  ctx: BlockContext,
  t: TransferRequest,
  p: Transfer | undefined,
): TransferCode | undefined {
  if (p === undefined) return 'pending_transfer_not_found';
  if ((p.flags & transferFlags.pending) === 0) return 'pending_transfer_not_pending';
  if (t.debitAccountId !== undefined && !bytesEqual(t.debitAccountId, p.debitAccountId)) {
    return 'pending_transfer_has_different_debit_account_id';
  }
  if (t.creditAccountId !== undefined && !bytesEqual(t.creditAccountId, p.creditAccountId)) {
    return 'pending_transfer_has_different_credit_account_id';
  }
  if (t.currency !== undefined && t.currency !== p.currency)
    return 'pending_transfer_has_different_ledger';
  const posting = (t.flags & transferFlags.post_pending) !== 0;
  if (posting && t.amount !== undefined && t.amount > p.amount)
    return 'exceeds_pending_transfer_amount';
  if (!posting && t.amount !== undefined && t.amount !== p.amount)
    return 'pending_transfer_has_different_amount';
  if (p.state === 'posted') return 'pending_transfer_already_posted';
  if (p.state === 'voided') return 'pending_transfer_already_voided';
  if (p.state === 'expired') return 'pending_transfer_expired';
  assert(p.state === 'pending', 'a pending-flagged transfer has a pending state');
  // Due but not yet swept (the sweep is bounded per block): expired all the same.
  if (p.expiresAtMs !== 0 && ctx.block.timeMs >= p.expiresAtMs) return 'pending_transfer_expired';
  return undefined;
}

function resolvePending(
  ctx: BlockContext,
  store: BankStore,
  t: TransferRequest,
  authority: TransferAuthority,
): TransferCode {
  assert(t.pendingId !== undefined, 'checked fields');
  const p = store.transfer(t.pendingId);
  const invalid = checkPending(ctx, t, p);
  if (invalid !== undefined) return invalid;
  assert(p !== undefined, 'checked pending transfer');
  const debit = store.account(p.debitAccountId);
  const credit = store.account(p.creditAccountId);
  assert(debit !== undefined && credit !== undefined, 'a pending transfer keeps its accounts');
  if (!authority.mayResolve(debit, credit)) return 'not_authorized';
  const posting = (t.flags & transferFlags.post_pending) !== 0;
  const amount = posting ? (t.amount ?? p.amount) : p.amount;
  if (posting) {
    if ((debit.flags & accountFlags.closed) !== 0) return 'debit_account_already_closed';
    if ((credit.flags & accountFlags.closed) !== 0) return 'credit_account_already_closed';
    if (debit.debitsPosted + amount > amountMax) return 'overflows_debits_posted';
    if (credit.creditsPosted + amount > amountMax) return 'overflows_credits_posted';
  }
  // Posting part releases the rest: the whole pending amount leaves the pending totals.
  releasePending(debit, credit, p);
  if (posting) {
    debit.debitsPosted += amount;
    credit.creditsPosted += amount;
  }
  if (p.expirySlot !== null) dequeueExpiry(store, p.expirySlot);
  store.putTransferStatus({ ...p, state: posting ? 'posted' : 'voided', expirySlot: null });
  store.putAccount(debit);
  store.putAccount(credit);
  const transfer = newTransferRecord(ctx, { ...t, currency: p.currency }, debit, credit, amount);
  store.addTransfer(transfer);
  emitTransferCreated(ctx, transfer);
  return 'ok';
}

/** Takes pending transfer `p` out of both accounts' pending totals (post, void and expiry alike). */
function releasePending(debit: Account, credit: Account, p: Transfer): void {
  assert(
    debit.debitsPending >= p.amount && credit.creditsPending >= p.amount,
    'pending totals hold p',
  );
  debit.debitsPending -= p.amount;
  credit.creditsPending -= p.amount;
  debit.pendingCount -= 1;
}

/** Releases a pending transfer whose timeout has passed (called by the endBlock sweep). */
export function expireTransfer(ctx: BlockContext, store: BankStore, p: Transfer): void {
  assert(
    p.state === 'pending' && p.expirySlot === null,
    'the sweep took the transfer off the queue',
  );
  const debit = store.account(p.debitAccountId);
  const credit = store.account(p.creditAccountId);
  assert(debit !== undefined && credit !== undefined, 'a pending transfer keeps its accounts');
  releasePending(debit, credit, p);
  const expired: Transfer = { ...p, state: 'expired' };
  store.putAccount(debit);
  store.putAccount(credit);
  store.putTransferStatus(expired);
  emitTransferExpired(ctx, expired);
}
