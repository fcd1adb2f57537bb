// Bank transfers executed per second through the deterministic runtime (executeBlock), in blocks of
// 1,000 transactions over an in-memory committed state: execution alone, no state tree, no disk.

import {
  createMemoryState,
  createRegistry,
  executeBlock,
  type MemoryState,
  type Registry,
  type TxCall,
} from '../../src/execution/index.ts';
import { createBankModule } from '../../src/modules/bank/index.ts';
import type { Report } from '../lib/report.ts';

const blockTxs = 1000;
const accounts = 10_000;
const warmUpBlocks = 3;
const measuredBlocks = 20;
const batchSize = 100;

function id(n: number): Uint8Array {
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(12, n);
  out[0] = 1; // never zero
  return out;
}

function owner(n: number): Uint8Array {
  const out = new Uint8Array(32);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** A fixed sequence (xorshift32) so every run moves the same transfers. */
function createPrng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** The median block: on a shared machine a block now and then loses the CPU, and a sum would count it. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

type Chain = {
  registry: Registry;
  state: MemoryState;
  height: number;
  timeMs: number;
  txs: number;
};

function runBlock(chain: Chain, calls: Array<Omit<TxCall, 'txId' | 'suite'>>): number {
  chain.height += 1;
  chain.timeMs += 1000;
  const txs = calls.map((c) => ({ ...c, txId: id(++chain.txs), suite: 'ed25519' }));
  const started = performance.now();
  const out = executeBlock(
    chain.registry,
    chain.state,
    { height: chain.height, timeMs: chain.timeMs, seed: new Uint8Array(32) },
    txs,
  );
  const elapsedMs = performance.now() - started;
  // createTransfers reports failed transfers in its message: the figures count moved money only.
  for (const r of out.results) {
    if (r.code !== 'ok' || r.message !== undefined) {
      throw new Error(`bench: ${r.code} ${r.message ?? ''}`);
    }
  }
  chain.state.apply(out.changes);
  return elapsedMs;
}

function setUp(): Chain {
  const chain: Chain = {
    registry: createRegistry([createBankModule()]),
    state: createMemoryState(),
    height: 0,
    timeMs: 1_700_000_000_000,
    txs: 0,
  };
  const issuer = owner(0);
  runBlock(chain, [
    {
      signer: issuer,
      module: 'bank',
      method: 'register_currency',
      args: { code: 'HKD', decimals: 2, issuerAccountId: id(0xffffff) },
    },
  ]);
  for (let start = 0; start < accounts; start += blockTxs) {
    const calls = [];
    for (let n = start; n < start + blockTxs; n++) {
      calls.push({
        signer: owner(n),
        module: 'bank',
        method: 'create_account',
        args: { id: id(n), currency: 'HKD', flags: ['debits_must_not_exceed_credits'] },
      });
      calls.push({
        signer: issuer,
        module: 'bank',
        method: 'issue',
        args: { id: id(0x800000 + n), accountId: id(n), amount: 1_000_000_000n, currency: 'HKD' },
      });
    }
    runBlock(chain, calls);
  }
  return chain;
}

function transferArgs(random: () => number, transferId: number, fromGiven?: number) {
  const from = fromGiven ?? Math.floor(random() * accounts);
  const to = (from + 1 + Math.floor(random() * (accounts - 1))) % accounts;
  const args = {
    id: id(0x1000000 + transferId),
    debitAccountId: id(from),
    creditAccountId: id(to),
    amount: BigInt(1 + Math.floor(random() * 1000)),
    currency: 'HKD',
  };
  return { from, args };
}

/** One createTransfer transaction per transfer, 1,000 a block. */
function measureSingle(chain: Chain, random: () => number, next: () => number): number {
  const blockMs: number[] = [];
  for (let b = 0; b < warmUpBlocks + measuredBlocks; b++) {
    const calls = [];
    for (let i = 0; i < blockTxs; i++) {
      const { from, args } = transferArgs(random, next());
      calls.push({ signer: owner(from), module: 'bank', method: 'create_transfer', args });
    }
    const elapsed = runBlock(chain, calls);
    if (b >= warmUpBlocks) blockMs.push(elapsed);
  }
  return blockTxs / (median(blockMs) / 1000);
}

/** create_transfers of 100 transfers from one account, 1,000 transfers a block. */
function measureBatched(chain: Chain, random: () => number, next: () => number): number {
  const blockMs: number[] = [];
  for (let b = 0; b < warmUpBlocks + measuredBlocks; b++) {
    const calls = [];
    for (let i = 0; i < blockTxs / batchSize; i++) {
      const from = Math.floor(random() * accounts);
      const transfers = [];
      for (let j = 0; j < batchSize; j++) transfers.push(transferArgs(random, next(), from).args);
      calls.push({
        signer: owner(from),
        module: 'bank',
        method: 'create_transfers',
        args: { transfers },
      });
    }
    const elapsed = runBlock(chain, calls);
    if (b >= warmUpBlocks) blockMs.push(elapsed);
  }
  return blockTxs / (median(blockMs) / 1000);
}

export async function benchBankExecution(report: Report): Promise<void> {
  const chain = setUp();
  const random = createPrng(42);
  let transferId = 0;
  const next = () => ++transferId;
  report(
    'bank transfers executed (1 per tx, blocks of 1,000, in-memory state)',
    measureSingle(chain, random, next),
    'transfers/s',
  );
  report(
    'bank transfers executed (create_transfers of 100, in-memory state)',
    measureBatched(chain, random, next),
    'transfers/s',
  );
}

if (
  process.argv[1] !== undefined &&
  import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))
) {
  await benchBankExecution((name, value, unit) =>
    console.log(`${name}: ${Math.round(value)} ${unit}`),
  );
}
