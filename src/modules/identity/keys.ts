// The API keys an organisation manages on chain: where the identity module keeps them in its key
// space, and their records. Genesis keys are the initial set and are written here only once revoked;
// added keys are written when added. One-letter prefixes keep keys short: k key, o organisation.
import {
  type CborValue,
  readArray,
  readBytes,
  readEnum,
  readRecord,
  readString,
  readUint,
} from '../../codec/index.ts';
import type { ModuleState, ModuleStateReader } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import { taggedKey, utf8 } from '../../util/bytes.ts';

export const identityModuleName = 'identity';

/** What a key may do: sign transactions, read private data over the API, operate (manage keys). */
export const keyRoleNames = ['submit', 'read', 'operator'] as const;
export type KeyRoleName = (typeof keyRoleNames)[number];

/** A key name: what operators see in lists and logs; unique among an organisation's keys. */
export const keyNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Keys an organisation may add or revoke over the life of the chain (its record list is bounded). */
export const keyChangesPerOrgMax = 256;
/** The longest public key any suite has (ledger/keys.ts: 33 bytes for p256 and sm2). */
export const publicKeyBytesMax = 33;

export type KeyRecord = {
  readonly orgId: string;
  readonly name: string;
  readonly suite: string;
  readonly publicKey: Uint8Array;
  readonly roles: readonly KeyRoleName[];
  /** The height of the block that added it; 0 for a genesis key. */
  readonly addedHeight: number;
  /** The height of the block that revoked it, if it was. */
  readonly revokedHeight?: number | undefined;
};

export const identityKeys = {
  key: (publicKey: Uint8Array) => {
    assert(publicKey.length <= publicKeyBytesMax, 'a public key is short');
    return taggedKey('k', publicKey);
  },
  org: (orgId: string) => taggedKey('o', utf8(orgId)),
};

export function encodeKeyRecord(r: KeyRecord): CborValue {
  assert(r.roles.length > 0, 'a key holds at least one role');
  assert(r.revokedHeight === undefined || r.revokedHeight >= r.addedHeight, 'revoked after added');
  return {
    orgId: r.orgId,
    name: r.name,
    suite: r.suite,
    publicKey: r.publicKey,
    roles: [...r.roles],
    addedHeight: r.addedHeight,
    ...(r.revokedHeight === undefined ? {} : { revokedHeight: r.revokedHeight }),
  };
}

export function decodeKeyRecord(value: CborValue): KeyRecord {
  const r = readRecord(
    value,
    'key',
    ['orgId', 'name', 'suite', 'publicKey', 'roles', 'addedHeight'],
    ['revokedHeight'],
  );
  return Object.freeze({
    orgId: readString(r.orgId, 'key.orgId', 64),
    name: readString(r.name, 'key.name', 64),
    suite: readString(r.suite, 'key.suite', 16),
    publicKey: readBytes(r.publicKey, 'key.publicKey'),
    roles: Object.freeze(
      readArray(r.roles, 'key.roles', keyRoleNames.length).map((v, i) =>
        readEnum(v, `key.roles[${i}]`, keyRoleNames),
      ),
    ),
    addedHeight: readUint(r.addedHeight, 'key.addedHeight'),
    revokedHeight:
      r.revokedHeight === undefined ? undefined : readUint(r.revokedHeight, 'key.revokedHeight'),
  });
}

/** Typed reads of the identity module's keys: the same over a block's state or committed state. */
export class KeyReader {
  constructor(protected readonly state: ModuleStateReader) {}

  /** The stored record of a key: added on chain, or a revoked genesis key. */
  record(publicKey: Uint8Array): KeyRecord | undefined {
    if (publicKey.length > publicKeyBytesMax) return undefined;
    const value = this.state.get(identityKeys.key(publicKey));
    return value === undefined ? undefined : decodeKeyRecord(value);
  }

  /** Public keys of an organisation's stored records, oldest first. */
  changedKeys(orgId: string): readonly Uint8Array[] {
    const value = this.state.get(identityKeys.org(orgId));
    if (value === undefined) return [];
    return readArray(value, 'org.keys', keyChangesPerOrgMax).map((v, i) =>
      readBytes(v, `org.keys[${i}]`),
    );
  }
}

export class KeyStore extends KeyReader {
  constructor(private readonly writable: ModuleState) {
    super(writable);
  }

  /** Saves a record; a key new to the store joins its organisation's list. */
  save(record: KeyRecord): void {
    const key = identityKeys.key(record.publicKey);
    if (!this.writable.has(key)) {
      const list = [...this.changedKeys(record.orgId), record.publicKey];
      assert(list.length <= keyChangesPerOrgMax, 'an organisation keeps a bounded key list');
      this.writable.set(identityKeys.org(record.orgId), list);
    }
    this.writable.set(key, encodeKeyRecord(record));
    assert(this.writable.has(key), 'a saved key reads back');
  }
}
