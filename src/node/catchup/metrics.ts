// Catch-up's Prometheus metrics, added to the node's registry (names end in their unit).
import { Counter, Gauge, type Registry } from 'prom-client';

export type CatchupMetrics = {
  readonly fetched: Counter;
  readonly syncing: Gauge;
  readonly pruned: Counter;
};

/** `syncing` is read when the registry is scraped. */
export function createCatchupMetrics(registry: Registry, syncing: () => boolean): CatchupMetrics {
  const registers = [registry];
  // A registry may already hold them (a node rebuilt on the same registry): reuse, never register twice.
  const counter = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, registers });
  registry.removeSingleMetric('tally_syncing');
  return {
    fetched: counter(
      'tally_sync_blocks_fetched_total',
      'Blocks fetched from peers by block sync and checked against their certificates',
    ),
    syncing: new Gauge({
      name: 'tally_syncing',
      help: '1 while the node catches up with its peers, else 0',
      registers,
      collect() {
        this.set(syncing() ? 1 : 0);
      },
    }),
    pruned: counter('tally_pruned_blocks_total', 'Blocks removed by pruning'),
  };
}
