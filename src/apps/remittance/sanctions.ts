// The sanctions list on chain and screening against it. Entries are public names that the module
// turns into phonetic keys itself (screening.ts); senders submit only the keys of their parties'
// names, never the names. An index from key to entries keeps screening to point reads: a name can
// only match an entry it shares a key with (screening.ts's matchesEntry needs all keys but one at most).
import { CodecError } from '../../codec/index.ts';
import { assert } from '../../util/assert.ts';
import { toHex } from '../../util/bytes.ts';
import type { ScreeningKeys } from './args.ts';
import { sanctionsEntriesMax } from './constants.ts';
import type { SanctionsEntry } from './records.ts';
import { matchesEntry, nameKeys } from './screening.ts';
import type { RemittanceReader, RemittanceStore } from './store.ts';

/** The list's entries for a load, each with its keys; throws CodecError for a name with no key. */
export function entriesOf(names: readonly string[], field: string): SanctionsEntry[] {
  return names.map((name, i) => {
    const keys = nameKeys(name);
    // An entry with no key would match every name.
    if (keys.length === 0)
      throw new CodecError('out_of_range', `${field}[${i}]`, 'has no name tokens to screen');
    return { name, keys };
  });
}

function clearList(store: RemittanceStore, count: number): void {
  for (let i = 0; i < count; i++) {
    const entry = store.sanctionsEntry(i);
    for (const key of entry.keys) store.putSanctionsIndex(key, []);
    store.putSanctionsEntry(i, null);
  }
}

/**
 * Loads names into the list (replacing it or appending). Returns false when the list would grow past
 * sanctionsEntriesMax. The list records the loading org and a version that counts every load.
 */
export function loadSanctions(
  store: RemittanceStore,
  entries: readonly SanctionsEntry[],
  replace: boolean,
  loadedBy: string,
  height: number,
): boolean {
  const meta = store.sanctionsMeta() ?? { version: 0, count: 0, loadedBy, height };
  const start = replace ? 0 : meta.count;
  if (start + entries.length > sanctionsEntriesMax) return false;
  if (replace) clearList(store, meta.count);
  const added = new Map<string, { key: Uint8Array; indices: number[] }>();
  entries.forEach((entry, i) => {
    const index = start + i;
    store.putSanctionsEntry(index, entry);
    for (const key of entry.keys) {
      const hex = toHex(key);
      let row = added.get(hex);
      if (row === undefined) {
        row = { key, indices: store.sanctionsIndex(key) };
        added.set(hex, row);
      }
      if (row.indices.at(-1) !== index) row.indices.push(index);
    }
  });
  for (const row of added.values()) store.putSanctionsIndex(row.key, row.indices);
  store.putSanctionsMeta({
    version: meta.version + 1,
    count: start + entries.length,
    loadedBy,
    height,
  });
  return true;
}

/** The first entry either party matches, as 'originator: NAME' or 'beneficiary: NAME'. */
export function screenParties(
  reader: RemittanceReader,
  screening: ScreeningKeys,
): string | undefined {
  for (const party of ['originator', 'beneficiary'] as const) {
    const entry = findMatch(reader, screening[party]);
    if (entry !== undefined) return `${party}: ${entry.name}`;
  }
  return undefined;
}

function findMatch(
  reader: RemittanceReader,
  keys: readonly Uint8Array[],
): SanctionsEntry | undefined {
  if (keys.length === 0) return undefined;
  const seen = new Set<number>();
  for (const key of keys) {
    for (const index of reader.sanctionsIndex(key)) {
      if (seen.has(index)) continue;
      seen.add(index);
      const entry = reader.sanctionsEntry(index);
      assert(entry.keys.length > 0, 'an entry has keys');
      if (matchesEntry(keys, entry.keys)) return entry;
    }
  }
  return undefined;
}

/** The list's names in order, for the read side. */
export function listNames(reader: RemittanceReader): { version: number; names: string[] } {
  const meta = reader.sanctionsMeta();
  if (meta === undefined) return { version: 0, names: [] };
  const names: string[] = [];
  for (let i = 0; i < meta.count; i++) names.push(reader.sanctionsEntry(i).name);
  return { version: meta.version, names };
}
