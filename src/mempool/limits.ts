// Bounds on the mempool (CONVENTIONS rule 7). Relations between them and the ledger's limits are
// tested in test/mempool/limits.test.ts.

/** Pending transactions held at most: about ten seconds of the 4,000 transfers/s target, five blocks. */
export const mempoolTxsMax = 50_000;
/** Bytes of pending transactions held at most; at least one full block, so reap is never starved. */
export const mempoolBytesMax = 64 * 1024 * 1024;
/**
 * Pending transactions from one signer at most. Institutions sign for their customers, so one key may
 * carry a lot of traffic; a fifth of the pool keeps one busy (or faulty) signer from filling it.
 */
export const mempoolSignerTxsMax = 10_000;
/** Transactions in one admit call at most: one API request or one gossip frame. */
export const admitBatchTxsMax = 5_000;
/** What a refused client is told to wait: about one block, when space usually frees up. */
export const mempoolRetryAfterMs = 1_000;
/**
 * The expiry heap keeps removed entries until they surface (lazy deletion); it is rebuilt from the
 * live entries when it holds more than twice as many entries as the pool plus this slack.
 */
export const expiryQueueSlackEntries = 1_024;
/** Admission listeners at most (gossip, metrics, the API's event stream). */
export const mempoolListenersMax = 16;

/** Carried signatures checked per transaction at most: a transaction cannot buy more work here. */
export const carriedSignaturesPerTxMax = 4;
