// The node's Prometheus metrics (prom-client), one registry per node; names end in their unit
// (CONVENTIONS rule 20). The API adds its own request metrics to the same registry.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../storage/index.ts';

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;

export function createNodeMetrics(labels: { nodeId: string; orgId: string }) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: labels.nodeId, org: labels.orgId });
  collectDefaultMetrics({ register: registry, prefix: 'tally_process_' });
  const registers = [registry];
  return {
    registry,
    height: new Gauge({ name: 'tally_height', help: 'Highest executed (final) block', registers }),
    round: new Gauge({ name: 'tally_consensus_round', help: 'Current consensus round', registers }),
    epoch: new Gauge({
      name: 'tally_consensus_epoch',
      help: 'Current consensus epoch (it grows by one with each validator-set change)',
      registers,
    }),
    validators: new Gauge({
      name: 'tally_validators',
      help: 'Validators in the current epoch',
      registers,
    }),
    blocks: new Counter({
      name: 'tally_blocks_committed_total',
      help: 'Blocks executed',
      registers,
    }),
    txs: new Counter({
      name: 'tally_txs_committed_total',
      help: 'Transactions in executed blocks, by result code class',
      labelNames: ['result'],
      registers,
    }),
    executeSeconds: new Histogram({
      name: 'tally_block_execute_seconds',
      help: 'Time to execute a committed block and make it durable',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    carriedChecks: new Counter({
      name: 'tally_carried_signature_checks_total',
      help: 'Signatures that transactions carry (a send quote) checked in execution, by outcome: pre_verified (checked in parallel on arrival) or verified_now',
      labelNames: ['outcome'],
      registers,
    }),
    blockTxs: new Histogram({
      name: 'tally_block_txs',
      help: 'Transactions per committed block',
      buckets: [0, 1, 10, 100, 500, 1000, 2500, 5000, 10000],
      registers,
    }),
    mempoolTxs: new Gauge({ name: 'tally_mempool_txs', help: 'Pending transactions', registers }),
    mempoolBytes: new Gauge({
      name: 'tally_mempool_bytes',
      help: 'Pending transaction bytes',
      registers,
    }),
    peers: new Gauge({ name: 'tally_peers', help: 'Connected peers', registers }),
    badFrames: new Counter({
      name: 'tally_p2p_bad_frames_total',
      help: 'Malformed frames received from peers',
      registers,
    }),
    roundTimeouts: new Counter({
      name: 'tally_consensus_round_timeouts_total',
      help: 'Rounds whose timer fired on this node before a certified block moved it on',
      registers,
    }),
    evidence: new Counter({
      name: 'tally_consensus_evidence_total',
      help: 'Double proposals or votes detected',
      registers,
    }),
    commitQueue: new Gauge({
      name: 'tally_commit_queue_blocks',
      help: 'Committed blocks waiting for execution',
      registers,
    }),
  };
}

/**
 * The data folder's disk, read at each scrape: an operator alerts on free bytes nearing the reserve,
 * where the node stops with exit code 75 (README, "When a node stops by itself").
 */
export function addStorageMetrics(
  metrics: NodeMetrics,
  store: Pick<Store, 'reserveBytes' | 'freeBytes' | 'dataBytes'>,
): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'tally_storage_free_bytes',
    help: 'Bytes free on the filesystem of the data folder',
    registers,
    collect() {
      const free = store.freeBytes();
      if (free !== undefined) this.set(free);
    },
  });
  new Gauge({
    name: 'tally_storage_reserve_bytes',
    help: 'Free bytes the node keeps (storage.reserveBytes): a write that would leave less stops it',
    registers,
  }).set(store.reserveBytes);
  new Gauge({
    name: 'tally_storage_data_bytes',
    help: "Size of the ledger store's data file",
    registers,
    collect() {
      this.set(store.dataBytes());
    },
  });
}
