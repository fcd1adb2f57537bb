// The keys in force: the genesis keys (the directory) changed by what the identity module stored
// since (additions, revocations). Every node reads the same state, so every node agrees on them.
import type { ModuleStateReader } from '../../execution/index.ts';
import { bytesEqual, toHex } from '../../util/bytes.ts';
import type { Directory, DirectoryKey } from './directory.ts';
import { KeyReader, type KeyRecord, type KeyRoleName, keyRoleNames } from './keys.ts';

/**
 * Records of genesis keys, made once per key: execution asks for the signer's record for every
 * transaction (the signer check and the bank's authority), and most signers are genesis keys.
 */
const genesisRecords = new WeakMap<DirectoryKey, KeyRecord>();

/** A genesis key seen as a record: added at height 0. */
export function genesisRecord(key: DirectoryKey): KeyRecord {
  let record = genesisRecords.get(key);
  if (record === undefined) {
    record = makeGenesisRecord(key);
    // Only a frozen key (as the directory holds them) cannot change under its record.
    if (Object.isFrozen(key)) genesisRecords.set(key, record);
  }
  return record;
}

function makeGenesisRecord(key: DirectoryKey): KeyRecord {
  return Object.freeze({
    orgId: key.orgId,
    name: key.name ?? `genesis-${toHex(key.publicKey).slice(0, 8)}`,
    suite: key.suite ?? '',
    publicKey: key.publicKey,
    roles: Object.freeze(
      key.roles.filter((r): r is KeyRoleName => (keyRoleNames as readonly string[]).includes(r)),
    ),
    addedHeight: 0,
  });
}

export class LiveKeys {
  readonly #reader: KeyReader;

  constructor(
    state: ModuleStateReader,
    private readonly directory: Directory,
  ) {
    this.#reader = new KeyReader(state);
  }

  /** The key's current record, live or revoked; undefined if it was never registered. */
  lookup(publicKey: Uint8Array): KeyRecord | undefined {
    const stored = this.#reader.record(publicKey);
    if (stored !== undefined) return stored;
    const genesis = this.directory.key(publicKey);
    return genesis === undefined ? undefined : genesisRecord(genesis);
  }

  /** The key if it may act now: registered, not revoked, and (when the record says) of this suite. */
  live(publicKey: Uint8Array, suite: string): KeyRecord | undefined {
    const record = this.lookup(publicKey);
    if (record === undefined || record.revokedHeight !== undefined) return undefined;
    return record.suite === '' || record.suite === suite ? record : undefined;
  }

  /** Every key an organisation ever had: genesis keys first (in genesis order), then added ones. */
  orgKeys(orgId: string): KeyRecord[] {
    const changed = this.#reader.changedKeys(orgId);
    const out: KeyRecord[] = this.directory
      .keysOf(orgId)
      .map((k) => this.#reader.record(k.publicKey) ?? genesisRecord(k));
    for (const publicKey of changed) {
      if (this.directory.key(publicKey) !== undefined) continue; // listed above
      const record = this.#reader.record(publicKey);
      if (record !== undefined) out.push(record);
    }
    return out;
  }

  /** The organisation's live keys holding `role`. */
  liveWithRole(orgId: string, role: KeyRoleName): KeyRecord[] {
    return this.orgKeys(orgId).filter(
      (k) => k.revokedHeight === undefined && k.roles.includes(role),
    );
  }

  /** A live key of the organisation with this name, other than `except`. */
  liveNamed(orgId: string, name: string, except?: Uint8Array): KeyRecord | undefined {
    return this.orgKeys(orgId).find(
      (k) =>
        k.revokedHeight === undefined &&
        k.name === name &&
        (except === undefined || !bytesEqual(k.publicKey, except)),
    );
  }
}
