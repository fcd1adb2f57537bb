// Issuance and redemption, by the currency's issuer only. Issue moves money out of the issuer
// account into any account; redeem moves it from an account the issuer owns back into the issuer
// account. Supply (issued minus redeemed) is therefore minus the issuer account's balance.
import type { TxContext } from '../../execution/index.ts';
import type { SupplyInput } from './args.ts';
import type { TransferAuthority } from './authority.ts';
import { toTransferRequest } from './batch.ts';
import type { TransferCode } from './codes.ts';
import { transferFlags } from './constants.ts';
import type { BankStore } from './store.ts';
import { executeTransfer } from './transfer.ts';

/** Issue credits a holder from the issuer account; redeem returns money to it. Issuer only. */
export function issue(
  ctx: TxContext,
  store: BankStore,
  input: SupplyInput,
  authority: TransferAuthority,
): TransferCode {
  return moveSupply(ctx, store, input, authority, 'issue');
}

export function redeem(
  ctx: TxContext,
  store: BankStore,
  input: SupplyInput,
  authority: TransferAuthority,
): TransferCode {
  return moveSupply(ctx, store, input, authority, 'redeem');
}

function moveSupply(
  ctx: TxContext,
  store: BankStore,
  input: SupplyInput,
  authority: TransferAuthority,
  direction: 'issue' | 'redeem',
): TransferCode {
  const currency = store.currency(input.currency);
  if (currency === undefined) return 'currency_not_found';
  if (!authority.isIssuer(currency)) return 'not_issuer';
  const issuing = direction === 'issue';
  const request = toTransferRequest({
    id: input.id,
    debitAccountId: issuing ? currency.issuerAccountId : input.accountId,
    creditAccountId: issuing ? input.accountId : currency.issuerAccountId,
    amount: input.amount,
    currency: input.currency,
    flags: transferFlags[direction],
    userData: input.userData,
  });
  return executeTransfer(ctx, store, request, authority);
}
