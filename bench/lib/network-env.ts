// The network bench's settings from the environment: what each validator is configured with, and
// how the load generator packs its transfers.

/**
 * TALLY_BENCH_PRUNE_KEEP_BLOCKS and TALLY_BENCH_PRUNE_KEEP_STATES set every validator's
 * prune.keepBlocks and prune.keepStates. The default, 0, keeps everything, as a node does unless
 * told otherwise: stale state-tree versions then grow LMDB's file by about 2.2 KB per transfer, and
 * RssFile with it.
 */
export function pruneWindowFromEnv(name: string): number {
  const text = process.env[name];
  if (text === undefined || text === '') return 0;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || (n > 0 && n < 100))
    throw new RangeError(`${name}: expected 0 (keep everything) or at least 100 (got ${text})`);
  return n;
}

/**
 * TALLY_BENCH_TRANSFERS_PER_TX: transfers a transaction carries (create_transfers), 1 by default
 * (create_transfer). Rates, final/s and CPU per final stay in transfers; latency is per transaction.
 */
export function transfersPerTxFromEnv(): number {
  const text = process.env.TALLY_BENCH_TRANSFERS_PER_TX;
  if (text === undefined || text === '') return 1;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1000)
    throw new RangeError(`TALLY_BENCH_TRANSFERS_PER_TX: expected 1 to 1000 (got ${text})`);
  return n;
}

/** TALLY_BENCH_TREE_WORKER sets every validator's execution.treeWorker (default: the node's). */
export function treeWorkerFromEnv(): { execution: { treeWorker: boolean | 'auto' } } | undefined {
  const text = process.env.TALLY_BENCH_TREE_WORKER;
  if (text === undefined || text === '') return undefined;
  if (text === 'true' || text === 'false') return { execution: { treeWorker: text === 'true' } };
  if (text === 'auto') return { execution: { treeWorker: 'auto' } };
  throw new RangeError(`TALLY_BENCH_TREE_WORKER: expected true, false or auto (got ${text})`);
}
