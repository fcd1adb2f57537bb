// Exponential backoff and abortable sleeps for polling and reconnecting: the delay doubles from
// `initialMs` up to `maxMs`, so a client that keeps failing settles at one attempt per `maxMs`.
import { TallyError } from '../util/errors.ts';

export type BackoffOptions = { readonly initialMs: number; readonly maxMs: number };

export const backoffFactor = 2;

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 0)
    throw new RangeError('attempt: expected an integer >= 0');
  const delay = options.initialMs * backoffFactor ** Math.min(attempt, 30);
  return Math.min(delay, options.maxMs);
}

export function abortError(signal: AbortSignal): TallyError {
  return new TallyError('aborted', 'the operation was aborted', { cause: signal.reason });
}

/** Resolves after `ms`, or rejects with TallyError 'aborted' as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
