// Read-only access to one module's committed state, for the API's query helpers (no block needed).
import type { CborValue } from '../codec/index.ts';
import { decodeStored, moduleKey } from './context.ts';
import type { StateReader } from './types.ts';

export type ModuleStateReader = {
  get(key: Uint8Array): CborValue | undefined;
  has(key: Uint8Array): boolean;
};

export function readModuleState(reader: StateReader, module: string): ModuleStateReader {
  return {
    get(key) {
      const bytes = reader.get(moduleKey(module, key));
      return bytes === undefined ? undefined : decodeStored(bytes, module);
    },
    has: (key) => reader.get(moduleKey(module, key)) !== undefined,
  };
}
