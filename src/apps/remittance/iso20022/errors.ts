// The one error the ISO 20022 readers and builders throw: a stable code and the XML path at fault.
// Codes are pinned in tests; callers at the API edge turn them into their own result codes.
import { TallyError } from '../../../util/errors.ts';

export type Iso20022ErrorCode =
  | 'malformed_xml'
  | 'wrong_message'
  | 'missing_field'
  | 'invalid_field'
  | 'unsupported';

export class Iso20022Error extends TallyError {
  override name = 'Iso20022Error';
  override readonly code: Iso20022ErrorCode;
  /** The element or attribute at fault, as a slash path from the root (`/Document/.../UETR`). */
  readonly path: string;

  constructor(code: Iso20022ErrorCode, path: string, message: string) {
    super(code, `${path}: ${message}`, { details: { path } });
    this.code = code;
    this.path = path;
  }
}
