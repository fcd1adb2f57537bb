// What the node:crypto suites add to SignatureSuite: a verify split into a synchronous, never-throwing
// preparation (length checks, cached key import, signature re-encoding) and the crypto.verify call, so
// that the same preparation serves the synchronous verify and the thread-pool batch verify.

import { type KeyObject, type VerifyKeyObjectInput, verify } from 'node:crypto';
import type { SignatureSuite } from './suite.ts';

/** The arguments of one `crypto.verify(algorithm, data, key, signature)` call. */
export type PreparedVerify = {
  readonly algorithm: string | null;
  readonly data: Uint8Array;
  readonly key: KeyObject | VerifyKeyObjectInput;
  readonly signature: Uint8Array;
};

export interface NodeSignatureSuite extends SignatureSuite {
  /** Undefined when the inputs are malformed, so the answer is false without calling OpenSSL. */
  prepareVerify(
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
  ): PreparedVerify | undefined;
  /**
   * Whether `verify` on the calling thread costs less than a prepared verify on libuv's thread pool,
   * so that small batches are verified in place (verify-batch.ts).
   */
  readonly verifiesInline: boolean;
}

/** Cached public keys per suite: enough for every account active in a busy window. */
export const publicKeyCacheEntriesMax = 4096;
/** Cached private keys per suite: a node signs with a handful of its own keys, but a load generator or a test workload signs for many users (importing a key costs as much as ten signatures). */
export const secretKeyCacheEntriesMax = 256;

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** Boundary check for caller-supplied bytes; throws a TypeError naming the field. */
export function assertBytes(
  value: unknown,
  length: number | undefined,
  field: string,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${field}: expected a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${field}: expected ${length} bytes, got ${value.length}`);
  }
}

/** Runs a prepared verify synchronously; false for malformed input or any OpenSSL error. */
export function verifyPrepared(prepared: PreparedVerify | undefined): boolean {
  if (prepared === undefined) return false;
  try {
    return verify(prepared.algorithm, prepared.data, prepared.key, prepared.signature);
  } catch {
    return false;
  }
}
