// Read helpers over committed state for the node and the API: an organisation's keys with their
// status, and one key's record. Pure: no block needed.
import { readModuleState, type StateReader } from '../../execution/index.ts';
import type { Directory } from './directory.ts';
import { identityModuleName, type KeyRecord } from './keys.ts';
import { LiveKeys } from './live.ts';

function liveKeys(reader: StateReader, directory: Directory): LiveKeys {
  return new LiveKeys(readModuleState(reader, identityModuleName), directory);
}

/** Every key the organisation ever had (live and revoked), genesis keys first. */
export function getOrgKeys(reader: StateReader, directory: Directory, orgId: string): KeyRecord[] {
  return liveKeys(reader, directory).orgKeys(orgId);
}

/** The key's record, live or revoked; undefined if it was never registered. */
export function getKeyRecord(
  reader: StateReader,
  directory: Directory,
  publicKey: Uint8Array,
): KeyRecord | undefined {
  return liveKeys(reader, directory).lookup(publicKey);
}
