// The error that crosses the API and SDK edge: a stable code, a short message, details and a cause.
// Modelled on viem's BaseError; codes are snake_case and pinned in tests.

export type TallyErrorOptions = {
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class TallyError extends Error {
  override name = 'TallyError';
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: TallyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}
