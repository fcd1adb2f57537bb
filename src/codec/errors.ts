// Why a byte string or value was refused by the canonical codec, with the field it concerns.

export type CodecErrorCode =
  | 'malformed' // not well-formed CBOR
  | 'non_canonical' // well-formed, but not the one deterministic encoding (RFC 8949 section 4.2)
  | 'unsupported' // a CBOR feature Tally never uses: floats, tags, undefined, indefinite lengths
  | 'too_large' // over the caller's size limit
  | 'wrong_type' // a field holds the wrong kind of value
  | 'out_of_range' // a number or length outside its bounds
  | 'missing_field'
  | 'unknown_field';

export class CodecError extends Error {
  override name = 'CodecError';
  readonly code: CodecErrorCode;
  readonly field: string;

  constructor(code: CodecErrorCode, field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.code = code;
    this.field = field;
  }
}
