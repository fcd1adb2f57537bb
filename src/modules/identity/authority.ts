// The bank's authority for a consortium: a signer acts for its own key and for the organisation its
// key is registered to, so accounts owned by orgOwner(org) are operated by any of that org's keys.
import type { TxContext } from '../../execution/index.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { Account, Currency, TransferAuthority } from '../bank/index.ts';
import { type Directory, orgOwner } from './directory.ts';

export function orgAuthority(directory: Directory): (ctx: TxContext) => TransferAuthority {
  return (ctx) => {
    const key = ctx.signer.publicKey;
    const org = directory.orgOfKey(key);
    const tag = org === undefined ? undefined : orgOwner(org.id);
    const owns = ownedBy(key, tag);
    return {
      mayDebit: (account: Account) => owns(account.owner),
      mayResolve: (debit: Account, credit: Account) => owns(debit.owner) || owns(credit.owner),
      isIssuer: (currency: Currency) => owns(currency.issuer),
    };
  };
}

function ownedBy(key: Uint8Array, tag: Uint8Array | undefined): (owner: Uint8Array) => boolean {
  return (owner) => bytesEqual(owner, key) || (tag !== undefined && bytesEqual(owner, tag));
}
