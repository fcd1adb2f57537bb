// Who may move money: the signer of the transaction by default. An app module that runs its own
// rules (a remittance leg debiting a bank's account under a signed quote) passes its own authority.
import type { TxContext } from '../../execution/index.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { Account, Currency } from './records.ts';

export type TransferAuthority = {
  /** May the caller move money out of this account? */
  mayDebit(account: Account): boolean;
  /** May the caller post or void a pending transfer between these accounts? */
  mayResolve(debit: Account, credit: Account): boolean;
  /** Is the caller this currency's issuer (issue, redeem, accounts allowed to overdraw)? */
  isIssuer(currency: Currency): boolean;
};

/**
 * The signer's authority: it debits the accounts it owns, and either party of a pending transfer
 * may post it (the debit side authorised the amount when it reserved it) or void it.
 */
export function signerAuthority(ctx: TxContext): TransferAuthority {
  const key = ctx.signer.publicKey;
  const owns = ownedBy(key);
  return { mayDebit: owns, mayResolve: eitherOwned(owns), isIssuer: issuedBy(key) };
}

// The closures come from these makers rather than being written inline: this object is made for
// every transaction, and tsx (esbuild's keepNames) wraps each inline named closure in a
// defineProperty call that cost more than the checks themselves.
function ownedBy(key: Uint8Array): (account: Account) => boolean {
  return (account) => bytesEqual(account.owner, key);
}

function eitherOwned(owns: (account: Account) => boolean): TransferAuthority['mayResolve'] {
  return (debit, credit) => owns(debit) || owns(credit);
}

function issuedBy(key: Uint8Array): (currency: Currency) => boolean {
  return (currency) => bytesEqual(currency.issuer, key);
}
