// Canonical bytes: deterministic CBOR and the typed readers built on it.
export { allocateBytes } from './allocate.ts';
export {
  type CborValue,
  canEncode,
  cborBytesMax,
  cborDepthMax,
  type DecodeOptions,
  decode,
  decodeTrusted,
  encode,
} from './cbor.ts';
export { CodecError, type CodecErrorCode } from './errors.ts';
export * from './fields.ts';
