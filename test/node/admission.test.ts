// The admission limit clients are held to: the commit rate over the last ten seconds times four
// seconds, never below the floor (an idle or starting node) nor above the pool's cap; blocks older
// than the window stop counting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AdmissionLimit,
  admissionBacklogSeconds,
  admissionRateWindowMs,
} from '../../src/node/admission.ts';

const t0 = 1_767_225_600_000;

describe('AdmissionLimit', () => {
  it('is the floor until blocks commit, then follows the commit rate', () => {
    const limit = new AdmissionLimit({ floorTxs: 4000, ceilingTxs: 20_000 });
    assert.equal(limit.limit(t0), 4000);
    // 1,500 transactions a second for ten seconds: 15,000 in the window.
    for (let s = 1; s <= 10; s++) limit.observe(1500, t0 + s * 1000);
    assert.equal(limit.rate(t0 + 10_000), 1500);
    assert.equal(limit.limit(t0 + 10_000), 1500 * admissionBacklogSeconds);
  });

  it('never goes above the ceiling', () => {
    const limit = new AdmissionLimit({ floorTxs: 100, ceilingTxs: 5000 });
    for (let s = 1; s <= 10; s++) limit.observe(10_000, t0 + s * 1000);
    assert.equal(limit.limit(t0 + 10_000), 5000);
  });

  it('forgets blocks older than the window: a node that stopped committing falls to the floor', () => {
    const limit = new AdmissionLimit({ floorTxs: 2000, ceilingTxs: 20_000 });
    for (let s = 1; s <= 10; s++) limit.observe(1000, t0 + s * 1000);
    assert.equal(limit.limit(t0 + 10_000), 4000);
    assert.equal(limit.rate(t0 + 10_000 + admissionRateWindowMs / 2), 500);
    assert.equal(limit.limit(t0 + 10_000 + admissionRateWindowMs), 2000);
    assert.equal(limit.rate(t0 + 10_000 + admissionRateWindowMs), 0);
  });

  it('error: a floor that is not a positive integer, or a ceiling below it', () => {
    assert.throws(() => new AdmissionLimit({ floorTxs: 0, ceilingTxs: 10 }), /floorTxs/);
    assert.throws(() => new AdmissionLimit({ floorTxs: 10, ceilingTxs: 5 }), /ceiling/);
  });
});
