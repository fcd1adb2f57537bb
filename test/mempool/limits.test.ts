// The mempool's limits fit each other and the ledger's: a full block can always be reaped.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as ledger from '../../src/ledger/limits.ts';
import * as mempool from '../../src/mempool/limits.ts';

it('holds at least one full block, by count and by bytes', () => {
  assert.ok(mempool.mempoolTxsMax >= ledger.blockTxsMax);
  assert.ok(mempool.mempoolBytesMax >= ledger.blockBytesMax);
  assert.ok(mempool.mempoolBytesMax >= ledger.txBytesMax);
});

it('keeps one signer and one batch below the whole pool', () => {
  assert.ok(mempool.mempoolSignerTxsMax < mempool.mempoolTxsMax);
  assert.ok(mempool.admitBatchTxsMax <= mempool.mempoolTxsMax);
});

it('tells a refused client to retry well within a transaction lifetime', () => {
  assert.ok(mempool.mempoolRetryAfterMs > 0);
  assert.ok(mempool.mempoolRetryAfterMs * 10 <= ledger.txExpiryWindowMs);
  assert.ok(mempool.expiryQueueSlackEntries > 0 && mempool.mempoolListenersMax > 0);
});
