// Read-only access to one module's committed state, for the API's query helpers (no block needed).
import type { CborValue } from '../codec/index.ts';
import { decodeStored, moduleKey, moduleRecordKey } from './context.ts';
import type { RecordReader, StateReader } from './types.ts';

export type ModuleStateReader = {
  get(key: Uint8Array): CborValue | undefined;
  has(key: Uint8Array): boolean;
  readonly records: RecordReader;
};

export function readModuleState(reader: StateReader, module: string): ModuleStateReader {
  const read = (stateKey: Uint8Array): CborValue | undefined => {
    const bytes = reader.get(stateKey);
    return bytes === undefined ? undefined : decodeStored(bytes, module);
  };
  return {
    get: (key) => read(moduleKey(module, key)),
    has: (key) => reader.get(moduleKey(module, key)) !== undefined,
    records: {
      get: (key) => read(moduleRecordKey(module, key)),
      has: (key) => reader.get(moduleRecordKey(module, key)) !== undefined,
    },
  };
}
