// Signatures a node has already checked off the critical path, for deterministic execution to find.
// A transaction may carry signatures besides its own (a quote its FX provider signed); the mempool
// checks them in parallel with the transaction's, on the signature workers, when the transaction
// arrives, and remembers the ones that verify. Execution, which must check them on every node and
// would do so one at a time on the block's critical path, asks here first and verifies itself only
// what it does not find. Only successes are remembered, and a signature check is a pure function of
// its inputs, so the answer is the same either way (DESIGN decision 3: verify once, in parallel).
import { toHex } from '../util/bytes.ts';
import { LruCache } from '../util/lru-cache.ts';
import { sha256 } from './sha256.ts';
import type { SignatureCheck } from './suite.ts';
import { getSuite, isSuiteId } from './suites.ts';

/**
 * Checks held at once. A send's check waits here from its arrival to its block's execution, a second
 * or two: this is many seconds of carried signatures at the highest rates measured, in about 3 MB.
 */
export const verifiedSignaturesMax = 8_192;

export type VerifiedSignaturesOptions = {
  readonly sizeMax?: number;
  /** Told of each check execution asks for: whether it was found made already (for metrics). */
  readonly onCheck?: (found: boolean) => void;
};

export class VerifiedSignatures {
  readonly #held: LruCache<string, true>;
  readonly #onCheck: ((found: boolean) => void) | undefined;

  constructor(options: VerifiedSignaturesOptions = {}) {
    this.#held = new LruCache(options.sizeMax ?? verifiedSignaturesMax);
    this.#onCheck = options.onCheck;
  }

  get size(): number {
    return this.#held.size;
  }

  /** Records a check that verified. */
  remember(item: SignatureCheck): void {
    this.#held.set(checkKey(item), true);
  }

  /**
   * Whether the check verifies: a remembered success (used up, since each carried signature is
   * checked by one execution), or the suite's synchronous verify. False for an unknown suite.
   */
  verify(item: SignatureCheck): boolean {
    const key = checkKey(item);
    const found = this.#held.get(key) !== undefined;
    this.#onCheck?.(found);
    if (!found) return verifyNow(item);
    this.#held.delete(key);
    return true;
  }
}

/** The check done synchronously: what execution falls back to, and all it does without a memo. */
export function verifyNow(item: SignatureCheck): boolean {
  if (!isSuiteId(item.suite)) return false;
  return getSuite(item.suite).verify(item.message, item.signature, item.publicKey);
}

/** Every input of the check (the message by its hash), so that a hit is the same check. */
function checkKey(item: SignatureCheck): string {
  return `${item.suite}:${toHex(item.publicKey)}:${toHex(item.signature)}:${toHex(sha256(item.message))}`;
}
