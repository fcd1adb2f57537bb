// Reconnection delays: exponential backoff with "equal jitter" (half fixed, half random), so peers
// that lost each other at once do not redial in lockstep. Randomness is injected, never Math.random.
import { assert } from '../util/assert.ts';
import { backoffMsBase, backoffMsMax } from './limits.ts';

export type BackoffOptions = { readonly baseMs?: number; readonly maxMs?: number };

/** Delay before retry number `attempt` (0 for the first retry); `random` returns [0, 1). */
export function backoffDelayMs(
  attempt: number,
  random: () => number,
  options: BackoffOptions = {},
): number {
  const baseMs = options.baseMs ?? backoffMsBase;
  const maxMs = options.maxMs ?? backoffMsMax;
  assert(Number.isInteger(attempt) && attempt >= 0, 'attempt is a non-negative integer');
  assert(baseMs > 0 && baseMs <= maxMs, 'backoff base in (0, max]');
  const r = random();
  assert(r >= 0 && r < 1, 'random source returns a number in [0, 1)');
  // 2 ** 30 already exceeds any sane ceiling; capping the exponent keeps the product finite.
  const ceilingMs = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  const delayMs = ceilingMs / 2 + (ceilingMs / 2) * r;
  assert(delayMs >= ceilingMs / 2 && delayMs <= ceilingMs, 'delay within [ceiling/2, ceiling]');
  return Math.round(delayMs);
}
