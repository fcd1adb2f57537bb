// Who may sign what (DESIGN decision 6). A transaction's signer must be a key the genesis registers
// to a member organisation with the 'submit' role; some methods also need a role of the organisation
// itself (only an issuer registers a currency or issues money). The mempool checks this at admission
// and every validator checks it again before voting, so a leader cannot slip a stranger's
// transaction into a block.
import type { Transaction } from '../ledger/tx.ts';
import type { PermissionResult } from '../mempool/results.ts';
import { toHex } from '../util/bytes.ts';
import type { Genesis, OrgRole, RegisteredKey } from './genesis.ts';

/** Organisation roles a module method requires; a method not listed needs none beyond membership. */
const methodOrgRoles: Readonly<Record<string, readonly OrgRole[]>> = {
  'bank.register_currency': ['issuer'],
  'bank.issue': ['issuer'],
  'bank.redeem': ['issuer'],
};

export type KeyRegistry = {
  /** The registered key with this public key (hex), if any. */
  key(publicKeyHex: string): RegisteredKey | undefined;
  orgRoles(orgId: string): readonly OrgRole[];
  checkTransaction(tx: Transaction): PermissionResult;
};

export function createKeyRegistry(genesis: Genesis): KeyRegistry {
  const keys = new Map(genesis.keys.map((k) => [toHex(k.publicKey), k]));
  const roles = new Map(genesis.organizations.map((o) => [o.id, o.roles]));
  return {
    key: (hex) => keys.get(hex),
    orgRoles: (orgId) => roles.get(orgId) ?? [],
    checkTransaction(tx) {
      const key = keys.get(toHex(tx.signer));
      if (key === undefined)
        return {
          ok: false,
          code: 'signer_unknown',
          message: 'the signing key is not registered to any member organisation',
        };
      if (!key.roles.includes('submit'))
        return {
          ok: false,
          code: 'signer_not_permitted',
          message: `key ${key.name} of ${key.orgId} does not have the submit role`,
        };
      const needed = methodOrgRoles[`${tx.module}.${tx.method}`] ?? [];
      const have = roles.get(key.orgId) ?? [];
      const missing = needed.filter((r) => !have.includes(r));
      if (missing.length > 0)
        return {
          ok: false,
          code: 'org_not_permitted',
          message: `${tx.module}.${tx.method} needs an organisation with role ${missing.join(', ')}; ${key.orgId} has ${have.join(', ') || 'none'}`,
        };
      return { ok: true };
    },
  };
}
