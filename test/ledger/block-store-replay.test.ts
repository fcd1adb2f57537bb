// hasTxExpiringAt, the replay check before execution, against hasTx on a real chain in LMDB: it
// agrees for transactions this store committed, for ones it did not, for ones committed before the
// store was reopened, and for ones written under a restored base, whichever the filter or LMDB
// answers.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { txExpiryWindowMs } from '../../src/ledger/limits.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { genesisTimeMs, noopTx, openChain, tempDir } from '../execution/ledger-helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const minuteMs = 60_000;

/** Transactions a block at `timeMs` may carry: expiring within the window after it. */
function validTxs(timeMs: number, count: number): Transaction[] {
  return Array.from({ length: count }, (_, i) => noopTx(timeMs + txExpiryWindowMs - i * 1000));
}

describe('block store replay check', () => {
  it('agrees with hasTx for committed and uncommitted transactions, across a reopen', async () => {
    const path = tempDir();
    dirs.push(path);
    let { store, chain } = openChain(path);
    const before: Transaction[] = [];
    for (let b = 1; b <= 5; b++) {
      const timeMs = genesisTimeMs + b * minuteMs;
      const txs = validTxs(timeMs, 20);
      await chain.commitBlock(txs, timeMs);
      before.push(...txs);
    }
    const never = validTxs(genesisTimeMs + 5 * minuteMs, 50);
    const agree = (txs: readonly Transaction[], expected: boolean, what: string) => {
      for (const tx of txs) {
        assert.equal(chain.executor.blocks.hasTx(tx.id), expected, `hasTx: ${what}`);
        assert.equal(
          chain.executor.blocks.hasTxExpiringAt(tx.id, tx.expiresAtMs),
          expected,
          `hasTxExpiringAt: ${what}`,
        );
      }
    };
    agree(before, true, 'committed by this store');
    agree(never, false, 'never committed');
    await chain.executor.close();
    await store.close();

    // Reopened: the ids from before are in LMDB only, and a new block starts the filter over.
    ({ store, chain } = openChain(path));
    agree(before, true, 'committed before the reopen, no block since');
    const afterTime = genesisTimeMs + 6 * minuteMs;
    const afterTxs = validTxs(afterTime, 20);
    await chain.commitBlock(afterTxs, afterTime);
    agree(before, true, 'committed before the reopen, a block since');
    agree(afterTxs, true, 'committed after the reopen');
    agree(never, false, 'never committed, after the reopen');
    // A replay is still refused by execution, which asks hasTx itself.
    const replay = await chain.commitBlock([before[0]!, afterTxs[0]!], afterTime + 1000);
    assert.deepEqual(
      replay.receipts.slice(0, 2).map((r) => r.code),
      ['tx_replayed', 'tx_replayed'],
    );
    await chain.executor.close();
    await store.close();
  });
});
