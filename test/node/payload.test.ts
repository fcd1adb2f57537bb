// What a leader proposes, from a real mempool holding the bank workload's signed transactions:
// pending transactions not in flight, an empty block under execution backlog, and the newest state
// this node executed, never below the parent's.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import type { Action } from '../../src/consensus/index.ts';
import { merkleRoot } from '../../src/crypto/merkle.ts';
import type { BlockHeader } from '../../src/ledger/block.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { createMempool, type Mempool } from '../../src/mempool/index.ts';
import type { ExecutedRoots } from '../../src/node/block-check.ts';
import {
  blockTxsMin,
  ExecutionCost,
  executionCostHorizonTxs,
  InFlightTxs,
  PayloadBuilder,
  type PayloadOptions,
} from '../../src/node/payload.ts';
import { toHex } from '../../src/util/bytes.ts';
import { genesisHeader } from '../ledger/fixtures.ts';

const chainId = 'tally-unit';
const t0Ms = 1_767_225_600_000;
const workload = new BankWorkload({ chainId, accounts: 4, users: 2, expiresAtMs: t0Ms + 60_000 });
/** Eight account openings, each signed by its owner. */
const opens = workload.setupPhases()[1]!;

const options: PayloadOptions = {
  blockTxsMax: 3,
  emptyBlockDelayMs: 0,
  executionWaitMs: 2000,
  executionBacklogMax: 1,
};

/** What the node would say about its execution; tests set it. */
type Execution = {
  executed: number;
  /** What the node's ExecutionCost would say; undefined before any block was measured. */
  msPerTx?: number | undefined;
  backlog: number;
  nowMs: number;
  waits: number[];
  /** The backlog after the builder's wait for execution (what the executor got through meanwhile). */
  backlogAfterWait: number | undefined;
  backlogWaits: number;
};

let mempool: Mempool;
let execution: Execution;

function rootsOf(height: number): ExecutedRoots {
  return {
    stateRoot: new Uint8Array(32).fill(height),
    resultsRoot: new Uint8Array(32).fill(100 + height),
  };
}

function builder(overrides: Partial<PayloadOptions> = {}): PayloadBuilder {
  return new PayloadBuilder(
    { ...options, ...overrides },
    {
      mempool,
      executedHeight: () => execution.executed,
      rootsAt: (height) => (height <= execution.executed ? rootsOf(height) : undefined),
      waitExecuted: (height) => {
        execution.waits.push(height);
        return Promise.resolve(execution.executed >= height);
      },
      executionBacklog: () => execution.backlog,
      waitBacklog: (blocksMax) => {
        execution.backlogWaits++;
        if (execution.backlogAfterWait !== undefined)
          execution.backlog = execution.backlogAfterWait;
        return Promise.resolve(execution.backlog <= blocksMax);
      },
      executionMsPerTx: () => execution.msPerTx,
      now: () => execution.nowMs,
    },
  );
}

function parentAt(height: number, stateHeight: number): BlockHeader {
  return {
    ...genesisHeader(),
    chainId,
    height,
    round: height,
    timeMs: t0Ms,
    stateHeight,
    ...rootsOf(stateHeight),
  };
}

type PayloadRequest = Extract<Action, { type: 'request-payload' }>;

function request(
  height: number,
  parent = parentAt(height - 1, Math.max(0, height - 4)),
): PayloadRequest {
  return { type: 'request-payload', epoch: 1, round: height + 2, height, parent };
}

function ids(txs: readonly Transaction[]): string[] {
  return txs.map((t) => toHex(t.id));
}

function payloadIds(txBytes: readonly Uint8Array[]): string[] {
  return txBytes.map((bytes) => toHex(opens.find((t) => toHex(t.bytes) === toHex(bytes))!.id));
}

beforeEach(async () => {
  mempool = createMempool(
    { chainId },
    {
      now: () => t0Ms,
      isCommitted: () => false,
      // Who may sign is the block checker's and permissions' business, tested there.
      checkPermission: () => ({ ok: true }),
    },
  );
  execution = {
    executed: 20,
    backlog: 0,
    nowMs: t0Ms + 1000,
    waits: [],
    backlogAfterWait: undefined,
    backlogWaits: 0,
  };
});

async function admitAll(txs: readonly Transaction[]): Promise<void> {
  const results = await mempool.admit(txs.map((t) => t.bytes));
  assert.ok(results.every((r) => r.status === 'admitted'));
}

describe('PayloadBuilder', () => {
  it('reaps pending transactions in arrival order, up to blockTxsMax', async () => {
    await admitAll(opens);
    const input = await builder().build(request(10));
    assert.equal(input.type, 'payload');
    assert.equal(input.epoch, 1);
    assert.equal(input.round, 12);
    const p = input.payload;
    assert.deepEqual(payloadIds(p.txs), ids(opens.slice(0, 3)));
    assert.equal(p.txCount, 3);
    assert.deepEqual(p.txRoot, merkleRoot(opens.slice(0, 3).map((t) => t.id)));
    assert.equal(p.timeMs, t0Ms + 1000);
    assert.equal(mempool.size(), opens.length, 'reaping leaves them pending');
  });

  it('leaves out transactions already in flight', async () => {
    await admitAll(opens);
    const b = builder();
    const first = await b.build(request(10));
    const second = await b.build(request(11));
    const third = await b.build(request(12));
    assert.deepEqual(payloadIds(first.payload.txs), ids(opens.slice(0, 3)));
    assert.deepEqual(payloadIds(second.payload.txs), ids(opens.slice(3, 6)));
    assert.deepEqual(payloadIds(third.payload.txs), ids(opens.slice(6, 8)));
    assert.equal(b.inFlight.size, 8);
    const fourth = await b.build(request(13));
    assert.equal(fourth.payload.txCount, 0);
  });

  it('proposes again what a settled height carried but did not commit', async () => {
    await admitAll(opens);
    const b = builder();
    await b.build(request(10));
    await b.build(request(11));
    // Height 10 committed without these (another leader's block won): they are pending again.
    b.inFlight.settle(10);
    assert.equal(b.inFlight.size, 3);
    const next = await b.build(request(12));
    assert.deepEqual(payloadIds(next.payload.txs), ids(opens.slice(0, 3)));
  });

  it('waits for execution when backlogged, then fills the block once it caught up', async () => {
    await admitAll(opens);
    const b = builder();
    execution.backlog = 3;
    execution.backlogAfterWait = 1;
    const input = await b.build(request(10));
    assert.equal(execution.backlogWaits, 1);
    assert.equal(input.payload.txCount, 3);
  });

  it('proposes an empty block when execution is still behind after the wait', async () => {
    await admitAll(opens);
    const b = builder();
    execution.backlog = 2;
    const input = await b.build(request(10));
    assert.equal(execution.backlogWaits, 1);
    assert.equal(input.payload.txCount, 0);
    assert.deepEqual(input.payload.txs, []);
    assert.deepEqual(input.payload.txRoot, merkleRoot([]));
    assert.equal(b.inFlight.size, 0);
    execution.backlog = 1;
    assert.equal((await b.build(request(11))).payload.txCount, 3, 'at the maximum it still fills');
  });

  it('proposes an empty block when nothing arrives within emptyBlockDelayMs', async () => {
    const input = await builder().build(request(10));
    assert.equal(input.payload.txCount, 0);
  });

  it('an empty mempool proposes as soon as a transaction is admitted', {
    timeout: 60_000,
  }, async () => {
    const pending = builder({ emptyBlockDelayMs: 600_000 }).build(request(10));
    await admitAll(opens.slice(0, 1));
    const input = await pending;
    assert.deepEqual(payloadIds(input.payload.txs), ids(opens.slice(0, 1)));
  });

  it('waits out the block interval for company, and proposes once a full block is pending', {
    timeout: 60_000,
  }, async () => {
    // The parent is this instant's: a long interval is all ahead.
    const parent = { ...parentAt(9, 6), timeMs: execution.nowMs };
    let built = false;
    const pending = builder({ blockIntervalMinMs: 600_000 })
      .build(request(10, parent))
      .then((input) => {
        built = true;
        return input;
      });
    await admitAll(opens.slice(0, 2));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(built, false, 'two of three is not a full block: the leader still waits');
    await admitAll(opens.slice(2, 3));
    const input = await pending;
    assert.deepEqual(payloadIds(input.payload.txs), ids(opens.slice(0, 3)));
  });

  it('does not wait when the parent is older than the interval', { timeout: 60_000 }, async () => {
    await admitAll(opens.slice(0, 1));
    const parent = { ...parentAt(9, 6), timeMs: execution.nowMs - 700_000 };
    const input = await builder({ blockIntervalMinMs: 600_000 }).build(request(10, parent));
    assert.deepEqual(payloadIds(input.payload.txs), ids(opens.slice(0, 1)));
  });

  it('waits no longer than the interval behind a parent from a clock running ahead', {
    timeout: 60_000,
  }, async () => {
    await admitAll(opens.slice(0, 1));
    // The parent's proposer is ten minutes ahead of this one; the wait stays at 20 ms.
    const parent = { ...parentAt(9, 6), timeMs: execution.nowMs + 600_000 };
    const input = await builder({ blockIntervalMinMs: 20 }).build(request(10, parent));
    assert.deepEqual(payloadIds(input.payload.txs), ids(opens.slice(0, 1)));
    assert.equal(input.payload.timeMs, parent.timeMs, 'and its block does not go back in time');
  });

  it('never goes back in time', async () => {
    execution.nowMs = t0Ms - 5000;
    const input = await builder().build(request(10));
    assert.equal(input.payload.timeMs, t0Ms);
  });

  it('certifies the state three below the block, with rootsAt of that height', async () => {
    execution.executed = 9;
    const input = await builder().build(request(10, parentAt(9, 5)));
    assert.equal(input.payload.stateHeight, 7);
    assert.deepEqual(input.payload.stateRoot, rootsOf(7).stateRoot);
    assert.deepEqual(input.payload.resultsRoot, rootsOf(7).resultsRoot);
    assert.deepEqual(execution.waits, []);
  });

  it('certifies the newest executed state when execution is behind the target', async () => {
    execution.executed = 6;
    const input = await builder().build(request(10, parentAt(9, 5)));
    assert.equal(input.payload.stateHeight, 6);
    assert.deepEqual(input.payload.stateRoot, rootsOf(6).stateRoot);
  });

  it("never moves stateHeight below the parent's, even when execution lags", async () => {
    execution.executed = 4;
    const parent = parentAt(9, 6);
    const input = await builder().build(request(10, parent));
    assert.deepEqual(execution.waits, [6], 'waited for execution to reach the parent state');
    assert.equal(input.payload.stateHeight, 6);
    assert.deepEqual(input.payload.stateRoot, parent.stateRoot);
    assert.deepEqual(input.payload.resultsRoot, parent.resultsRoot);
  });

  it('certifies state 0 for the first blocks', async () => {
    execution.executed = 0;
    const input = await builder().build(request(1, parentAt(0, 0)));
    assert.equal(input.payload.stateHeight, 0);
    assert.deepEqual(input.payload.stateRoot, rootsOf(0).stateRoot);
    execution.executed = 1;
    assert.equal((await builder().build(request(3, parentAt(2, 0)))).payload.stateHeight, 0);
    assert.equal((await builder().build(request(4, parentAt(3, 0)))).payload.stateHeight, 1);
  });
});

describe('block size from execution cost', () => {
  it('fills a block to blockTxsMax until a cost is measured, then to what fits the budget', () => {
    const b = builder({ blockTxsMax: 2000, executionBudgetMs: 1000 });
    assert.equal(b.txLimit(), 2000, 'no measurement yet');
    execution.msPerTx = 6; // a remittance: 1,000 ms of budget fits 166
    assert.equal(b.txLimit(), 166);
    execution.msPerTx = 0.4; // a transfer: 2,500 would fit, blockTxsMax caps it
    assert.equal(b.txLimit(), 2000);
  });

  it('never goes above blockTxsMax, however cheap', () => {
    execution.msPerTx = 0.001;
    assert.equal(builder({ blockTxsMax: 3, executionBudgetMs: 1000 }).txLimit(), 3);
  });

  it('never goes below blockTxsMin when blockTxsMax allows it', () => {
    execution.msPerTx = 500;
    assert.equal(builder({ blockTxsMax: 2000, executionBudgetMs: 1000 }).txLimit(), blockTxsMin);
  });
});

describe('ExecutionCost', () => {
  it('is total time over total transactions, each transaction weighing the same', () => {
    const cost = new ExecutionCost();
    assert.equal(cost.msPerTx, undefined);
    cost.observe(0, 0);
    assert.equal(cost.msPerTx, undefined, 'empty blocks say nothing');
    cost.observe(100, 100); // 1 ms a transaction
    assert.equal(cost.msPerTx, 1);
    cost.observe(60, 10); // 6 ms each, 10 of them
    const keep = executionCostHorizonTxs / (executionCostHorizonTxs + 10);
    assert.ok(Math.abs(cost.msPerTx! - (100 * keep + 60) / (100 * keep + 10)) < 1e-9);
  });

  it('forgets old transactions: after a horizon of new ones the old cost counts little', () => {
    const cost = new ExecutionCost();
    cost.observe(6000, 1000); // 6 ms each
    for (let i = 0; i < 10; i++) cost.observe(100, 1000); // then 0.1 ms each
    assert.ok(cost.msPerTx! < 0.11, `still ${cost.msPerTx} ms`);
  });

  it('a cold first block of one slow transaction does not hold the cost up', () => {
    const cost = new ExecutionCost();
    cost.observe(20, 1); // 20 ms: a cold start
    assert.equal(cost.msPerTx, 20);
    cost.observe(100, 1000); // 0.1 ms each
    assert.ok(cost.msPerTx! < 0.12, `${cost.msPerTx} ms a transaction after one full block`);
  });
});

describe('InFlightTxs', () => {
  it('forgets heights at or below the committed height on settle()', () => {
    const inFlight = new InFlightTxs();
    inFlight.add(opens.slice(0, 2), 3);
    inFlight.add(opens.slice(2, 4), 4);
    inFlight.add(opens.slice(4, 5), 5);
    assert.equal(inFlight.size, 5);
    inFlight.settle(2);
    assert.equal(inFlight.size, 5);
    inFlight.settle(4);
    assert.equal(inFlight.size, 1);
    assert.equal(inFlight.has(opens[4]!.id), true);
    assert.equal(inFlight.has(opens[0]!.id), false);
    assert.equal(inFlight.has(opens[3]!.id), false);
    inFlight.settle(5);
    assert.equal(inFlight.size, 0);
  });

  it('keeps a transaction proposed again at a higher height until that height settles', () => {
    const inFlight = new InFlightTxs();
    inFlight.add(opens.slice(0, 1), 3);
    inFlight.add(opens.slice(0, 1), 6);
    inFlight.settle(5);
    assert.equal(inFlight.has(opens[0]!.id), true);
    inFlight.settle(6);
    assert.equal(inFlight.has(opens[0]!.id), false);
  });

  it('holds a transaction back only from blocks above the one carrying it', () => {
    const inFlight = new InFlightTxs();
    inFlight.add(opens.slice(0, 1), 7);
    // A child of the block at 7 must not repeat it; a rival at 7 (or a block after a rival) may.
    assert.equal(inFlight.holdsBack(opens[0]!, 8), true);
    assert.equal(inFlight.holdsBack(opens[0]!, 7), false);
    assert.equal(inFlight.holdsBack(opens[0]!, 6), false);
    assert.equal(inFlight.holdsBack(opens[1]!, 8), false);
  });
});
