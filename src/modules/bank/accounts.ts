// Currencies and accounts: registering a currency with its issuer account, opening and closing
// accounts. Codes follow TigerBeetle's create_accounts results where the case exists there.
import type { TxContext } from '../../execution/index.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { AccountInput, CurrencyInput } from './args.ts';
import type { TransferAuthority } from './authority.ts';
import { isMaxId, isZeroId } from './checks.ts';
import type { AccountCode, CurrencyCode } from './codes.ts';
import { accountFlags } from './constants.ts';
import { emitAccountClosed, emitAccountCreated, emitCurrencyRegistered } from './events.ts';
import type { Account } from './records.ts';
import type { BankStore } from './store.ts';

function newAccount(
  ctx: TxContext,
  id: Uint8Array,
  currency: string,
  owner: Uint8Array,
  flags: number,
): Account {
  return {
    id,
    currency,
    owner,
    flags,
    debitsPending: 0n,
    debitsPosted: 0n,
    creditsPending: 0n,
    creditsPosted: 0n,
    pendingCount: 0,
    createdHeight: ctx.block.height,
  };
}

/**
 * Registers a currency issued by the signer, with its issuer account: the one account allowed to go
 * negative by what has been issued, so that each currency's balances add up to zero.
 */
export function registerCurrency(
  ctx: TxContext,
  store: BankStore,
  input: CurrencyInput,
): CurrencyCode {
  if (isZeroId(input.issuerAccountId)) return 'id_must_not_be_zero';
  if (isMaxId(input.issuerAccountId)) return 'id_must_not_be_int_max';
  const issuer = ctx.signer.publicKey;
  const existing = store.currency(input.code);
  if (existing !== undefined) {
    const same =
      existing.decimals === input.decimals &&
      bytesEqual(existing.issuer, issuer) &&
      bytesEqual(existing.issuerAccountId, input.issuerAccountId);
    return same ? 'exists' : 'currency_already_registered';
  }
  if (store.hasAccount(input.issuerAccountId)) return 'issuer_account_id_taken';
  const currency = { ...input, issuer, supply: 0n };
  const account = newAccount(ctx, input.issuerAccountId, input.code, issuer, 0);
  store.putCurrency(currency);
  store.putAccount(account);
  emitCurrencyRegistered(ctx, currency);
  emitAccountCreated(ctx, account);
  return 'ok';
}

const creationFlags =
  accountFlags.debits_must_not_exceed_credits | accountFlags.credits_must_not_exceed_debits;

/** Opens an account; only the currency's issuer may open one allowed to overdraw. */
export function createAccount(
  ctx: TxContext,
  store: BankStore,
  input: AccountInput,
  authority: TransferAuthority,
): AccountCode {
  if (isZeroId(input.id)) return 'id_must_not_be_zero';
  if (isMaxId(input.id)) return 'id_must_not_be_int_max';
  if ((input.flags & creationFlags) === creationFlags) return 'flags_are_mutually_exclusive';
  const owner = input.owner ?? ctx.signer.publicKey;
  const existing = store.account(input.id);
  if (existing !== undefined) {
    if ((existing.flags & creationFlags) !== input.flags) return 'exists_with_different_flags';
    if (existing.currency !== input.currency) return 'exists_with_different_ledger';
    if (!bytesEqual(existing.owner, owner)) return 'exists_with_different_owner';
    return 'exists';
  }
  const currency = store.currency(input.currency);
  if (currency === undefined) return 'currency_not_found';
  // An account that may overdraw creates money out of nothing: only the issuer may open one.
  if (
    (input.flags & accountFlags.debits_must_not_exceed_credits) === 0 &&
    !authority.isIssuer(currency)
  ) {
    return 'debits_must_not_exceed_credits_required';
  }
  const account = newAccount(ctx, input.id, input.currency, owner, input.flags);
  store.putAccount(account);
  emitAccountCreated(ctx, account);
  return 'ok';
}

/** Closes an account for good: it takes no new transfer and no post; voids and expiries still run. */
export function closeAccount(
  ctx: TxContext,
  store: BankStore,
  id: Uint8Array,
  authority: TransferAuthority,
): AccountCode {
  const account = store.account(id);
  if (account === undefined) return 'account_not_found';
  const currency = store.currency(account.currency);
  if (currency !== undefined && bytesEqual(currency.issuerAccountId, id))
    return 'issuer_account_reserved';
  if (!authority.mayDebit(account)) return 'not_authorized';
  if ((account.flags & accountFlags.closed) !== 0) return 'account_already_closed';
  const closed = { ...account, flags: account.flags | accountFlags.closed };
  store.putAccount(closed);
  emitAccountClosed(ctx, closed);
  return 'ok';
}
