// Storage layer: LMDB-backed tables with atomic, durable batches (see store.ts for the settings).
export {
  type CommitOptions,
  checkKey,
  checkValue,
  keyBytesMax,
  type SettledCallback,
  type StoreOp,
  valueBytesMax,
  WriteBatch,
} from './batch.ts';
export {
  describeWriteFailure,
  diskFullCode,
  diskReserveBytesDefault,
  isStorageFailure,
  storageWriteFailedCode,
} from './failure.ts';
export {
  decodeUintKey,
  encodePrefixedUintKey,
  encodeUintKey,
  prefixEnd,
  writeUint64,
} from './keys.ts';
export {
  openStore,
  Store,
  type StoreOptions,
  tableNameLengthMax,
  tablesMaxDefault,
} from './store.ts';
export { type Entry, type RangeOptions, Table, type TableStats } from './table.ts';
