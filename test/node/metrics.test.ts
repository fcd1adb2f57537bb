// docs/api.md lists the metrics a node reports: the list and the registry a node builds must agree,
// so an operator's dashboard is written against what /metrics really serves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApiMetrics } from '../../src/api/metrics.ts';
import { addStorageMetrics, createNodeMetrics } from '../../src/node/metrics.ts';

const apiDoc = join(import.meta.dirname, '../../docs/api.md');

function documentedNames(): string[] {
  const text = readFileSync(apiDoc, 'utf8');
  const start = text.indexOf('## Metrics');
  assert.ok(start >= 0, 'docs/api.md has a Metrics section');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const rows = section.split('\n').filter((line) => line.startsWith('| `tally_'));
  return rows.flatMap((row) =>
    [...row.split('|')[1]!.matchAll(/`(tally_[a-z0-9_]+)`/g)].map((m) => m[1]!),
  );
}

describe('node metrics', () => {
  it('are the ones docs/api.md lists, no more and no fewer', async () => {
    const metrics = createNodeMetrics({ nodeId: 'n1', orgId: 'o1' });
    addStorageMetrics(metrics, { reserveBytes: 0, freeBytes: () => 0, dataBytes: () => 0 });
    createApiMetrics(metrics.registry);
    const registered = (await metrics.registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((name) => !name.startsWith('tally_process_'));
    assert.ok(registered.includes('tally_consensus_round_timeouts_total'));
    assert.deepEqual([...documentedNames()].sort(), [...registered].sort());
  });
});
