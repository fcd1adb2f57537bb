// Who may sign what (DESIGN decision 6), as this node knows it: the genesis keys, plus the keys the
// identity module added, minus those it revoked, as of the last block this node executed. The
// mempool checks it at admission, the block check before a vote and the API on every signed request.
// Some methods also need a role of the organisation itself (only an issuer issues money).
//
// Execution is what decides (the identity module's checkSigner reads state at each transaction);
// this registry follows it block by block. Between a block's commit and its execution here, a node
// may still refuse a key that block added, or admit a transaction of a key that block revoked (it
// then fails at execution with signer_revoked): the window is one block's execution on this node.
// On restart the registry is rebuilt from state.
import type { StateReader } from '../execution/types.ts';
import type { Receipt } from '../ledger/receipt.ts';
import type { Transaction } from '../ledger/tx.ts';
import type { PermissionResult } from '../mempool/results.ts';
import {
  createDirectory,
  type Directory,
  genesisRecord,
  getKeyRecord,
  getOrgKeys,
  identityModuleName,
  type KeyRecord,
} from '../modules/identity/index.ts';
import { assert } from '../util/assert.ts';
import { toHex } from '../util/bytes.ts';
import type { Genesis, KeyRole, OrgRole, RegisteredKey } from './genesis.ts';

/** Organisation roles a module method requires; a method not listed needs none beyond membership. */
const methodOrgRoles: Readonly<Record<string, readonly OrgRole[]>> = {
  'bank.register_currency': ['issuer'],
  'bank.issue': ['issuer'],
  'bank.redeem': ['issuer'],
};

export type KeyStatus = 'live' | 'revoked';

/** A key of an organisation as GET /v1/orgs/:orgId/keys lists it. */
export type OrgKeyView = RegisteredKey & {
  readonly status: KeyStatus;
  readonly addedHeight: number;
  readonly revokedHeight?: number | undefined;
};

export type KeyRegistry = {
  /** The live registered key with this public key (hex), if any. */
  key(publicKeyHex: string): RegisteredKey | undefined;
  orgRoles(orgId: string): readonly OrgRole[];
  /** Every key of an organisation, live and revoked; undefined for an organisation not in the genesis. */
  orgKeys(orgId: string): readonly OrgKeyView[] | undefined;
  /** Admission (mempool): the signer must be live now, with the submit role. */
  checkTransaction(tx: Transaction): PermissionResult;
  /**
   * Before a vote: as admission, except that a revoked signer passes. Execution refuses it
   * (signer_revoked), and a node that has executed the revocation must not refuse a block that a
   * leader one block behind built, or a pending transaction of that key would stall every round
   * that leader leads.
   */
  checkProposed(tx: Transaction): PermissionResult;
  /** Follows an executed block: re-reads the keys its identity events name from `state`. */
  applyExecuted(receipts: readonly Receipt[], state: StateReader): void;
};

/** The genesis organisations and keys as the identity module reads them. */
export function keyDirectory(genesis: Genesis): Directory {
  return createDirectory({
    orgs: genesis.organizations.map((o) => ({ id: o.id, name: o.name, roles: o.roles })),
    keys: genesis.keys.map((k) => ({
      publicKey: k.publicKey,
      orgId: k.orgId,
      roles: k.roles,
      name: k.name,
      suite: k.suite,
    })),
  });
}

function toView(record: KeyRecord): OrgKeyView {
  return Object.freeze({
    orgId: record.orgId,
    name: record.name,
    suite: record.suite as RegisteredKey['suite'],
    publicKey: record.publicKey,
    roles: record.roles as readonly KeyRole[],
    status: record.revokedHeight === undefined ? 'live' : 'revoked',
    addedHeight: record.addedHeight,
    ...(record.revokedHeight === undefined ? {} : { revokedHeight: record.revokedHeight }),
  });
}

const unknownMessage = 'the signing key is not registered to any member organisation';

export function createKeyRegistry(
  genesis: Genesis,
  deps: { readonly state?: StateReader; readonly directory?: Directory } = {},
): KeyRegistry {
  const directory = deps.directory ?? keyDirectory(genesis);
  const roles = new Map(genesis.organizations.map((o) => [o.id, o.roles]));
  /** Every key ever registered, by hex; an organisation's list keeps genesis order, then additions. */
  const keys = new Map<string, OrgKeyView>();
  const byOrg = new Map<string, string[]>(genesis.organizations.map((o) => [o.id, []]));
  const upsert = (record: KeyRecord) => {
    const hex = toHex(record.publicKey);
    if (!keys.has(hex)) byOrg.get(record.orgId)?.push(hex);
    keys.set(hex, toView(record));
  };
  for (const org of genesis.organizations) {
    const records =
      deps.state === undefined
        ? directory.keysOf(org.id).map(genesisRecord)
        : getOrgKeys(deps.state, directory, org.id);
    records.forEach(upsert);
  }
  assert(keys.size >= genesis.keys.length, 'the registry holds every genesis key');

  const check = (tx: Transaction, revokedPasses: boolean): PermissionResult => {
    const key = keys.get(toHex(tx.signer));
    if (key === undefined || key.suite !== tx.suite)
      return { ok: false, code: 'signer_unknown', message: unknownMessage };
    if (key.status === 'revoked' && !revokedPasses)
      return {
        ok: false,
        code: 'signer_revoked',
        message: `key ${key.name} of ${key.orgId} was revoked at height ${key.revokedHeight}`,
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
  };

  return {
    key(hex) {
      const key = keys.get(hex);
      return key === undefined || key.status !== 'live' ? undefined : key;
    },
    orgRoles: (orgId) => roles.get(orgId) ?? [],
    orgKeys(orgId) {
      const list = byOrg.get(orgId);
      return list?.map((hex) => keys.get(hex)!);
    },
    checkTransaction: (tx) => check(tx, false),
    checkProposed: (tx) => check(tx, true),
    applyExecuted(receipts, state) {
      for (const receipt of receipts) {
        if (receipt.code !== 'ok') continue;
        for (const event of receipt.events) {
          if (event.module !== identityModuleName) continue;
          const publicKey = event.attributes.publicKey;
          assert(publicKey instanceof Uint8Array, 'an identity event names its key');
          const record = getKeyRecord(state, directory, publicKey);
          assert(record !== undefined, 'a key an executed block changed is in state');
          upsert(record);
        }
      }
    },
  };
}
