// The admission limit clients are held to: the commit rate over the last ten seconds times four
// seconds, never below two blocks as the leader fills them now (an idle or starting node) nor above
// the pool's cap; blocks older than the window stop counting.
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
    const limit = new AdmissionLimit({ blockTxs: () => 2000, ceilingTxs: 20_000 });
    assert.equal(limit.limit(t0), 4000);
    // 1,500 transactions a second for ten seconds: 15,000 in the window.
    for (let s = 1; s <= 10; s++) limit.observe(1500, t0 + s * 1000);
    assert.equal(limit.rate(t0 + 10_000), 1500);
    assert.equal(limit.limit(t0 + 10_000), 1500 * admissionBacklogSeconds);
  });

  it('never goes above the ceiling', () => {
    const limit = new AdmissionLimit({ blockTxs: () => 50, ceilingTxs: 5000 });
    for (let s = 1; s <= 10; s++) limit.observe(10_000, t0 + s * 1000);
    assert.equal(limit.limit(t0 + 10_000), 5000);
  });

  it('forgets blocks older than the window: a node that stopped committing falls to the floor', () => {
    const limit = new AdmissionLimit({ blockTxs: () => 1000, ceilingTxs: 20_000 });
    for (let s = 1; s <= 10; s++) limit.observe(1000, t0 + s * 1000);
    assert.equal(limit.limit(t0 + 10_000), 4000);
    assert.equal(limit.rate(t0 + 10_000 + admissionRateWindowMs / 2), 500);
    assert.equal(limit.limit(t0 + 10_000 + admissionRateWindowMs), 2000);
    assert.equal(limit.rate(t0 + 10_000 + admissionRateWindowMs), 0);
  });

  it('follows the block size: costlier transactions in smaller blocks lower the floor', () => {
    let blockTxs = 2000;
    const limit = new AdmissionLimit({ blockTxs: () => blockTxs, ceilingTxs: 20_000 });
    assert.equal(limit.limit(t0), 2 * 2000);
    // Remittances: the leader now packs 60 a block; 50 a second commit.
    blockTxs = 60;
    for (let s = 1; s <= 10; s++) limit.observe(50, t0 + s * 1000);
    assert.equal(limit.floor(), 120);
    assert.equal(limit.limit(t0 + 10_000), 50 * admissionBacklogSeconds);
  });

  it('never sets the floor above the ceiling', () => {
    const limit = new AdmissionLimit({ blockTxs: () => 2000, ceilingTxs: 3000 });
    assert.equal(limit.limit(t0), 3000);
  });

  it('error: a ceiling or a block size that is not a positive integer', () => {
    assert.throws(() => new AdmissionLimit({ blockTxs: () => 10, ceilingTxs: 0 }), /ceilingTxs/);
    const limit = new AdmissionLimit({ blockTxs: () => 0, ceilingTxs: 10 });
    assert.throws(() => limit.limit(t0), /blockTxs/);
  });
});
