// The consortium's directory: organisations, their roles and the keys the genesis registers to act
// for them, built once from the genesis. Keys added or revoked later live in the identity module's
// state (keys.ts); the directory is the initial set they change.
import { assert } from '../../util/assert.ts';
import { bytesEqual, toHex, utf8 } from '../../util/bytes.ts';

export type DirectoryOrg = {
  id: string;
  name: string;
  roles: readonly string[];
  /** Raw X25519 public key the organisation receives encrypted payloads (Travel-Rule data) under. */
  encryptionKey?: Uint8Array | undefined;
  /** ISO 3166 alpha-2. */
  country?: string | undefined;
  bic?: string | undefined;
};

export type DirectoryKey = {
  publicKey: Uint8Array;
  orgId: string;
  roles: readonly string[];
  /** The key's name and signature suite, as the genesis lists them. */
  name?: string | undefined;
  suite?: string | undefined;
};

export type Directory = {
  org(id: string): DirectoryOrg | undefined;
  orgOfKey(publicKey: Uint8Array): DirectoryOrg | undefined;
  /** The genesis key with this public key (revoked or not: revocations are state). */
  key(publicKey: Uint8Array): DirectoryKey | undefined;
  /** The genesis keys of an organisation, in genesis order. */
  keysOf(orgId: string): readonly DirectoryKey[];
  orgs(): readonly DirectoryOrg[];
  hasRole(orgId: string, role: string): boolean;
};

/** Organisation ids go into state keys and account owners, so they are short and plain. */
export const orgIdPattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const rolePattern = /^[a-z][a-z0-9-]{0,31}$/;
export const orgsMax = 1024;
export const keysMax = 16 * 1024;
export const orgNameLengthMax = 140;

const ownerTag = 'org:';

/** The owner of the accounts an organisation operates: utf8('org:' + orgId). */
export function orgOwner(orgId: string): Uint8Array {
  assert(orgIdPattern.test(orgId), `org id ${JSON.stringify(orgId)} is not valid`);
  return utf8(ownerTag + orgId);
}

/** The organisation whose owner tag `owner` is, or undefined for a key-owned account. */
export function ownerOrgId(owner: Uint8Array | undefined): string | undefined {
  if (owner === undefined || owner.length <= ownerTag.length) return undefined;
  for (let i = 0; i < ownerTag.length; i++) {
    if (owner[i] !== ownerTag.charCodeAt(i)) return undefined;
  }
  let id = '';
  for (let i = ownerTag.length; i < owner.length; i++) {
    const c = owner[i]!;
    if (c > 0x7f) return undefined; // an org id is ASCII; anything else is not an owner tag
    id += String.fromCharCode(c);
  }
  return orgIdPattern.test(id) ? id : undefined;
}

function checkOrg(org: DirectoryOrg): DirectoryOrg {
  if (!orgIdPattern.test(org.id))
    throw new TypeError(`directory: org id ${JSON.stringify(org.id)} is not valid`);
  if (org.name.length === 0 || org.name.length > orgNameLengthMax) {
    throw new RangeError(
      `directory: org ${org.id}: name must be 1 to ${orgNameLengthMax} characters`,
    );
  }
  for (const role of org.roles) {
    if (!rolePattern.test(role))
      throw new TypeError(`directory: org ${org.id}: role ${JSON.stringify(role)} is not valid`);
  }
  if (org.encryptionKey !== undefined && org.encryptionKey.length !== 32) {
    throw new RangeError(`directory: org ${org.id}: encryptionKey must be 32 bytes`);
  }
  return Object.freeze({
    ...org,
    roles: Object.freeze([...new Set(org.roles)]),
    ...(org.encryptionKey === undefined
      ? {}
      : { encryptionKey: new Uint8Array(org.encryptionKey) }),
  });
}

/** Builds a frozen directory; throws TypeError/RangeError naming the entry that is not valid. */
export function createDirectory(input: {
  orgs: readonly DirectoryOrg[];
  keys: readonly DirectoryKey[];
}): Directory {
  if (input.orgs.length > orgsMax) throw new RangeError(`directory: more than ${orgsMax} orgs`);
  if (input.keys.length > keysMax) throw new RangeError(`directory: more than ${keysMax} keys`);
  const byId = new Map<string, DirectoryOrg>();
  for (const org of input.orgs) {
    if (byId.has(org.id)) throw new TypeError(`directory: org ${org.id} is listed twice`);
    byId.set(org.id, checkOrg(org));
  }
  const byKey = new Map<string, DirectoryOrg>();
  const keys = new Map<string, DirectoryKey>();
  const keysByOrg = new Map<string, DirectoryKey[]>();
  for (const [i, key] of input.keys.entries()) {
    const org = byId.get(key.orgId);
    if (org === undefined)
      throw new TypeError(`directory: keys[${i}] names unknown org ${key.orgId}`);
    const hex = toHex(key.publicKey);
    const other = byKey.get(hex);
    // One key acts for one organisation: otherwise a signer's organisation would be ambiguous.
    if (other !== undefined && other.id !== org.id) {
      throw new TypeError(`directory: keys[${i}] is registered to ${other.id} and ${org.id}`);
    }
    byKey.set(hex, org);
    if (keys.has(hex)) continue;
    const frozen = Object.freeze({
      ...key,
      publicKey: new Uint8Array(key.publicKey),
      roles: Object.freeze([...key.roles]),
    });
    keys.set(hex, frozen);
    const list = keysByOrg.get(org.id);
    if (list === undefined) keysByOrg.set(org.id, [frozen]);
    else list.push(frozen);
  }
  const orgs = Object.freeze([...byId.values()]);
  return Object.freeze({
    org: (id: string) => byId.get(id),
    orgOfKey(publicKey: Uint8Array) {
      const org = byKey.get(toHex(publicKey));
      assert(org === undefined || byId.get(org.id) === org, 'a key maps to a listed org');
      return org;
    },
    key: (publicKey: Uint8Array) => keys.get(toHex(publicKey)),
    keysOf: (orgId: string) => keysByOrg.get(orgId) ?? [],
    orgs: () => orgs,
    hasRole: (orgId: string, role: string) => byId.get(orgId)?.roles.includes(role) ?? false,
  });
}

/** Whether `owner` is the owner tag of `orgId`. */
export function isOrgOwner(owner: Uint8Array, orgId: string): boolean {
  return bytesEqual(owner, orgOwner(orgId));
}
