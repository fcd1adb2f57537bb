// Reconnection delays: doubling up to a ceiling, jittered between half and all of it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffDelayMs } from '../../src/p2p/backoff.ts';
import { backoffMsBase, backoffMsMax } from '../../src/p2p/limits.ts';

describe('p2p backoff', () => {
  it('doubles the ceiling per attempt up to the maximum', () => {
    const top = () => 1 - Number.EPSILON;
    assert.deepEqual(
      [0, 1, 2, 3].map((a) => backoffDelayMs(a, top, { baseMs: 100, maxMs: 500 })),
      [100, 200, 400, 500],
    );
    assert.equal(backoffDelayMs(1000, top), backoffMsMax);
    assert.equal(
      backoffDelayMs(0, () => 0),
      backoffMsBase / 2,
    );
  });

  it('stays within [ceiling / 2, ceiling] for any random draw', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const ceiling = Math.min(backoffMsMax, backoffMsBase * 2 ** attempt);
          const delay = backoffDelayMs(attempt, () => r);
          assert.ok(delay >= Math.floor(ceiling / 2) && delay <= ceiling);
        },
      ),
    );
  });

  it('error: a random source outside [0, 1) is a bug', () => {
    assert.throws(() => backoffDelayMs(0, () => 1), /random source/);
  });
});
