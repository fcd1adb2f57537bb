// Mempool admission throughput: pre-signed Ed25519 transfers admitted in batches of 500, which
// includes decoding, the replay and capacity checks and all-core signature verification (verifyBatch).
// The bare verifyBatch rate on the same signatures is reported beside it, as the ceiling.
import { getSuite } from '../src/crypto/suites.ts';
import { verifyBatch } from '../src/crypto/verify-batch.ts';
import { signTransaction, type Transaction } from '../src/ledger/tx.ts';
import { createMempool, type Mempool } from '../src/mempool/index.ts';
import { medianMicros, type Report } from './lib/report.ts';

const chainId = 'tally-bench';
const nowMs = 1_800_000_000_000;
const signersCount = 64;
const txsPerRound = 10_000;
const batchTxs = 500;
const rounds = 3;

function signedTransfers(count: number): Transaction[] {
  const suite = getSuite('ed25519');
  const keys = Array.from({ length: signersCount }, () => suite.generateKeyPair());
  return Array.from({ length: count }, (_, i) => {
    const key = keys[i % signersCount]!;
    const id = new Uint8Array(16);
    new DataView(id.buffer).setUint32(0, i);
    return signTransaction(
      {
        chainId,
        suite: 'ed25519',
        signer: key.publicKey,
        nonce: BigInt(i),
        expiresAtMs: nowMs + 300_000,
        module: 'bank',
        method: 'transfer',
        args: {
          id,
          debit: new Uint8Array(16).fill(1),
          credit: new Uint8Array(16).fill(2),
          amount: 12_345n,
          currency: 'HKD',
        },
      },
      suite,
      key.secretKey,
    );
  });
}

function freshMempool(): Mempool {
  return createMempool(
    { chainId, txsMax: txsPerRound },
    { now: () => nowMs, isCommitted: () => false, checkPermission: () => ({ ok: true }) },
  );
}

/** Admits all batches with up to `inFlight` admit calls outstanding; returns txs/s. */
async function admitRate(batches: readonly Uint8Array[][], inFlight: number): Promise<number> {
  let admitted = 0;
  let seconds = 0;
  for (let round = 0; round < rounds; round++) {
    const mempool = freshMempool();
    const started = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < batches.length) {
        const results = await mempool.admit(batches[next++]!);
        for (const r of results) if (r.status !== 'admitted') throw new Error(`bench: ${r.code}`);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    seconds += (performance.now() - started) / 1000;
    admitted += mempool.size();
  }
  return admitted / seconds;
}

export async function benchMempool(report: Report): Promise<void> {
  const txs = signedTransfers(txsPerRound);
  const batches: Uint8Array[][] = [];
  for (let at = 0; at < txs.length; at += batchTxs)
    batches.push(txs.slice(at, at + batchTxs).map((tx) => tx.bytes));
  const items = txs.map((tx) => ({
    suite: tx.suite,
    message: tx.id,
    signature: tx.signature,
    publicKey: tx.signer,
  }));
  await verifyBatch(items); // warm the key cache, as a running node's would be
  const started = performance.now();
  for (let round = 0; round < rounds; round++) await verifyBatch(items);
  const verifySeconds = (performance.now() - started) / 1000;
  report(
    'verifyBatch alone (ed25519, ceiling)',
    (rounds * items.length) / verifySeconds,
    'verifies/s',
  );
  report(`admit, batches of ${batchTxs}, one at a time`, await admitRate(batches, 1), 'txs/s');
  report(`admit, batches of ${batchTxs}, two in flight`, await admitRate(batches, 2), 'txs/s');

  const full = freshMempool();
  for (const batch of batches) await full.admit(batch);
  report(
    `reap 10,000 of ${full.size()} pending`,
    medianMicros(() => full.reap(10_000, 16 * 1024 * 1024), 20),
    'µs',
  );
  const ids = txs.map((tx) => tx.id);
  const removeStarted = performance.now();
  full.removeCommitted(ids);
  report('removeCommitted', ids.length / ((performance.now() - removeStarted) / 1000), 'txs/s');
}
