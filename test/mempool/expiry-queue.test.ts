// The expiry heap pops in (expiresAtMs, seq) order after any mix of pushes, pops and rebuilds.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { type ExpiryEntry, ExpiryQueue } from '../../src/mempool/expiry-queue.ts';

const byExpiry = (a: ExpiryEntry, b: ExpiryEntry) => a.expiresAtMs - b.expiresAtMs || a.seq - b.seq;

it('pops entries in expiry order, ties in arrival order, across pushes, pops and rebuilds', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.nat(50), fc.constant('pop' as const), fc.constant('rebuild' as const)), {
        maxLength: 200,
      }),
      (ops) => {
        const queue = new ExpiryQueue();
        let model: ExpiryEntry[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op === 'pop') {
            model.sort(byExpiry);
            assert.deepEqual(queue.pop(), model.shift());
          } else if (op === 'rebuild') {
            // Keep every other entry, as a compaction keeps the live ones.
            model = model.filter((e) => e.seq % 2 === 0);
            queue.rebuild([...model]);
          } else {
            const entry = { expiresAtMs: op, seq: seq++, key: `k${seq}` };
            queue.push(entry);
            model.push(entry);
          }
          assert.equal(queue.length, model.length);
          assert.deepEqual(queue.peek(), [...model].sort(byExpiry)[0]);
        }
      },
    ),
    { numRuns: 200 },
  );
});

it('pops nothing from an empty queue', () => {
  const queue = new ExpiryQueue();
  assert.equal(queue.pop(), undefined);
  assert.equal(queue.peek(), undefined);
});
