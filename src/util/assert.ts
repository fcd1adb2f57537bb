// Invariant checks that stay on in production: a failed assert is a bug, never a domain outcome.
// Domain failures are result codes (see CONVENTIONS.md rule 9); these crash on purpose.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
