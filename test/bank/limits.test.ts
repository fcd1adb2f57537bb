// The relations between the bank's limits and the runtime's: each must leave room for the other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eventsPerHookMax,
  eventsPerTxMax,
  resultMessageLengthMax,
} from '../../src/execution/index.ts';
import {
  amountMax,
  expirySweepStepsPerBlockMax,
  pendingTimeoutSecMax,
  transferCodes,
  transfersPerCallMax,
} from '../../src/modules/bank/index.ts';
import { alice, setUpHkd, TestChain } from './harness.ts';

describe('bank limits', () => {
  it('a full batch emits at most one event per transfer, within the events a transaction may emit', () => {
    assert.ok(transfersPerCallMax <= eventsPerTxMax);
  });

  it('a sweep emits at most one event per step, within the events a hook may emit', () => {
    assert.ok(expirySweepStepsPerBlockMax <= eventsPerHookMax);
  });

  it('the longest timeout from any block time this century still fits a safe integer of milliseconds', () => {
    const year2100Ms = Date.UTC(2100, 0, 1);
    assert.ok(year2100Ms + pendingTimeoutSecMax * 1000 <= Number.MAX_SAFE_INTEGER);
  });

  it('amounts are unsigned 64-bit, the largest integer canonical CBOR carries', () => {
    assert.equal(amountMax, 2n ** 64n - 1n);
  });

  it('every result code is snake_case and shorter than a receipt message', () => {
    for (const code of transferCodes) {
      assert.match(code, /^[a-z][a-z0-9_]*$/);
      assert.ok(code.length < resultMessageLengthMax);
    }
  });

  it('a quiet block changes no state, even with an expiry queue', () => {
    const c = new TestChain();
    setUpHkd(c);
    c.run(alice, 'create_transfer', {
      id: new Uint8Array(16).fill(7),
      debitAccountId: new Uint8Array([...new Uint8Array(15), 1]),
      creditAccountId: new Uint8Array([...new Uint8Array(15), 2]),
      amount: 5,
      currency: 'HKD',
      flags: ['pending'],
      timeoutSec: 1,
    });
    assert.equal(c.block([]).events.length, 1, 'it expires');
    assert.deepEqual(c.block([]).changes, []);
    assert.deepEqual(c.block([], 10 * 24 * 3600 * 1000).changes, []);
  });
});
