// Shared by the state tests: a temp directory of LMDB stores, and a plain Map model of the state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/storage/index.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';

/** `open` makes a new store; `reopen` opens the last one again. */
export type TempStores = { open(): Store; reopen(): Store; remove(): void };

export function tempStores(prefix: string): TempStores {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let count = 0;
  let last = '';
  return {
    open() {
      last = join(dir, `store-${count++}`);
      return openStore({ path: last });
    },
    reopen: () => openStore({ path: last }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Key i of a small universe, so blocks overwrite and delete keys that exist. */
export function keyOf(i: number): Uint8Array {
  return utf8(`key/${i}`);
}

/** The model: the state as a Map from hex key to value. */
export type Model = Map<string, Uint8Array>;

export function applyToModel(
  model: Model,
  changes: readonly { key: Uint8Array; value: Uint8Array | null }[],
): Model {
  const next = new Map(model);
  for (const { key, value } of changes) {
    if (value === null) next.delete(toHex(key));
    else next.set(toHex(key), value);
  }
  return next;
}
