// The bank's authority for a consortium: a signer acts for its own key and for the organisation its
// key is registered to, so accounts owned by orgOwner(org) are operated by any of that org's keys.
import type { TxContext } from '../../execution/index.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { Account, Currency, TransferAuthority } from '../bank/index.ts';
import { type Directory, orgOwner } from './directory.ts';
import { identityModuleName } from './keys.ts';
import { LiveKeys } from './live.ts';

export type OrgAuthorityOptions = {
  /**
   * Whether keys added on chain act for their organisation too. Needs the identity module in the
   * chain (it reads its state); without it only the genesis keys do.
   */
  readonly liveKeys?: boolean;
};

/**
 * The organisation the transaction's signer acts for: its key's record in the identity module's
 * state (keys added on chain), else the genesis directory. Execution has already refused a signer
 * that is not live (identity's checkSigner), so a revoked key never gets this far.
 */
export function signerOrgId(ctx: TxContext, directory: Directory): string | undefined {
  const keys = new LiveKeys(ctx.forModule(identityModuleName).state, directory);
  return keys.lookup(ctx.signer.publicKey)?.orgId;
}

export function orgAuthority(
  directory: Directory,
  options: OrgAuthorityOptions = {},
): (ctx: TxContext) => TransferAuthority {
  // Owner tags of the directory's organisations, made once rather than for every transaction.
  const tags = new Map(directory.orgs().map((org) => [org.id, orgOwner(org.id)]));
  return (ctx) => {
    const key = ctx.signer.publicKey;
    const orgId =
      options.liveKeys === true ? signerOrgId(ctx, directory) : directory.orgOfKey(key)?.id;
    const tag = orgId === undefined ? undefined : (tags.get(orgId) ?? orgOwner(orgId));
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
