// The benches' reading of a node's execute time: from the exposition text prom-client writes for the
// node's own metrics, summed over label sets, and turned into microseconds per transaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeTotalsOf, executeUsPerTx } from '../../bench/lib/network-client.ts';
import { createNodeMetrics } from '../../src/node/metrics.ts';

describe('bench: execute totals from /metrics', () => {
  it('sums execute seconds and committed transactions of every result class', async () => {
    const metrics = createNodeMetrics({ nodeId: 'n0', orgId: 'org' });
    metrics.executeSeconds.observe(0.25);
    metrics.executeSeconds.observe(0.5);
    metrics.txs.inc({ result: 'ok' }, 40);
    metrics.txs.inc({ result: 'error' }, 10);
    const totals = executeTotalsOf(await metrics.registry.metrics());
    assert.equal(totals.txs, 50);
    assert.ok(Math.abs(totals.seconds - 0.75) < 1e-9, `seconds ${totals.seconds}`);
  });

  it('gives microseconds per transaction over all nodes between two readings', () => {
    const before = [
      { seconds: 1, txs: 100 },
      { seconds: 2, txs: 100 },
    ];
    const after = [
      { seconds: 1.5, txs: 600 },
      { seconds: 2.5, txs: 600 },
    ];
    assert.equal(executeUsPerTx(before, after), 1000);
    assert.ok(Number.isNaN(executeUsPerTx(before, before)), 'no transaction: not a number');
  });
});
