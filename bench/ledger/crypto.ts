// Signature and hash throughput: single-thread rates per suite (Ed25519 through both of its
// libraries); all-core batch verification through verifyBatch (target: parallel efficiency >= 90%)
// and each of its two paths, worker threads and libuv's thread pool (async crypto.verify); SHA-256
// by @noble/hashes and by node:crypto's two paths.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { verifyWithOpenSsl } from '../../src/crypto/ed25519.ts';
import { sha256Node } from '../../src/crypto/hash-node.ts';
import { ed25519Backend } from '../../src/crypto/libsodium.ts';
import { sha256, sha256Noble } from '../../src/crypto/sha256.ts';
import type { SuiteId } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import {
  type VerifyItem,
  verifyBatch,
  verifyBatchOnThreadPool,
  verifyBatchOnWorkers,
  verifyPool,
} from '../../src/crypto/verify-batch.ts';
import { measureRate, median, type Report } from '../lib/report.ts';

const messageBytes = 200; // about a transfer transaction
const keysPerSuite = 64;
const batchItems = 2000;
const hashInputBytes = [32, 64, 200] as const;

/** Signed items over `keysPerSuite` keys, so verification sees a realistic spread of cached keys. */
export function signedItems(suite: SuiteId, count: number): VerifyItem[] {
  const signer = getSuite(suite);
  const keys = Array.from({ length: keysPerSuite }, () => signer.generateKeyPair());
  return Array.from({ length: count }, (_, i) => {
    const kp = keys[i % keysPerSuite]!;
    const message = new Uint8Array(randomBytes(messageBytes));
    return {
      suite,
      message,
      signature: signer.sign(message, kp.secretKey),
      publicKey: kp.publicKey,
    };
  });
}

type Rates = {
  single: number;
  /** Ed25519 only: one thread through node:crypto, which the libuv thread-pool path also uses. */
  singleOpenSsl: number;
  batch: number;
  workers: number;
  threadPool: number;
};

export async function batchRate(
  verify: (items: readonly VerifyItem[]) => Promise<boolean[]>,
  items: readonly VerifyItem[],
  durationMs: number,
): Promise<number> {
  return measureRate(
    async () => {
      const results = await verify(items);
      if (results.includes(false)) throw new Error('bench: bad signature in batch');
    },
    items.length,
    durationMs,
  );
}

const verifyRounds = 3;

/**
 * One thread, then verifyBatch as it chooses, then each parallel path on its own: `verifyRounds`
 * interleaved rounds, each figure the median of its rounds, so that a minute when the shared
 * machine is slower moves the single-thread rate and the all-core rates together rather than
 * skewing their ratio (a single pass once gave 55% on a slow day and 96% on a quiet one).
 */
async function verifyRates(items: readonly VerifyItem[], durationMs: number): Promise<Rates> {
  const suite = getSuite(items[0]!.suite);
  let at = 0;
  const chunk = 100;
  const samples: Record<keyof Rates, number[]> = {
    single: [],
    singleOpenSsl: [],
    batch: [],
    workers: [],
    threadPool: [],
  };
  const roundMs = durationMs / verifyRounds;
  const singleRate = (verify: typeof suite.verify) =>
    measureRate(
      () => {
        for (let i = 0; i < chunk; i++) {
          const item = items[at++ % items.length]!;
          if (!verify(item.message, item.signature, item.publicKey))
            throw new Error('bench: bad signature');
        }
      },
      chunk,
      roundMs,
    );
  for (let round = 0; round < verifyRounds; round++) {
    samples.single.push(await singleRate(suite.verify));
    if (suite.id === 'ed25519') samples.singleOpenSsl.push(await singleRate(verifyWithOpenSsl));
    samples.batch.push(await batchRate(verifyBatch, items, roundMs));
    samples.workers.push(
      await batchRate((list) => verifyBatchOnWorkers(list, verifyPool()), items, roundMs),
    );
    samples.threadPool.push(await batchRate(verifyBatchOnThreadPool, items, roundMs));
  }
  return {
    single: median(samples.single),
    singleOpenSsl: suite.id === 'ed25519' ? median(samples.singleOpenSsl) : median(samples.single),
    batch: median(samples.batch),
    workers: median(samples.workers),
    threadPool: median(samples.threadPool),
  };
}

export async function benchCrypto(report: Report): Promise<void> {
  const cores = availableParallelism();
  await verifyPool().warm(); // worker start-up (tsx in each thread) is not part of the rate
  const ed = signedItems('ed25519', batchItems);
  const edKey = getSuite('ed25519').generateKeyPair();
  const edMessage = ed[0]!.message;
  report(
    'ed25519 sign',
    await measureRate(
      () => {
        for (let i = 0; i < 100; i++) getSuite('ed25519').sign(edMessage, edKey.secretKey);
      },
      100,
      1500,
    ),
    'ops/s',
  );
  const edRates = await verifyRates(ed, 3000);
  report(`ed25519 verify, 1 thread (${ed25519Backend})`, edRates.single, 'verifies/s');
  report('ed25519 verify, 1 thread, node:crypto (OpenSSL)', edRates.singleOpenSsl, 'verifies/s');
  report('ed25519 verify, all cores (verifyBatch)', edRates.batch, 'verifies/s');
  report(
    'ed25519 parallel efficiency (verifyBatch)',
    (100 * edRates.batch) / (edRates.single * cores),
    '%',
  );
  report('ed25519 verify, all cores via worker threads', edRates.workers, 'verifies/s');
  report(
    'ed25519 parallel efficiency via worker threads',
    (100 * edRates.workers) / (edRates.single * cores),
    '%',
  );
  // The thread-pool path is async crypto.verify: node:crypto whatever the suite's backend.
  report(
    'ed25519 verify, all cores via libuv thread pool (node:crypto)',
    edRates.threadPool,
    'verifies/s',
  );
  report(
    'ed25519 parallel efficiency via libuv thread pool (node:crypto)',
    (100 * edRates.threadPool) / (edRates.singleOpenSsl * cores),
    '%',
  );
  report('cores', cores, 'cores');

  for (const suite of ['p256', 'sm2'] as const) {
    const rates = await verifyRates(signedItems(suite, suite === 'sm2' ? 600 : batchItems), 1000);
    report(`${suite} verify, 1 thread`, rates.single, 'verifies/s');
    report(`${suite} verify, all cores (verifyBatch)`, rates.batch, 'verifies/s');
    report(`${suite} verify, all cores via worker threads`, rates.workers, 'verifies/s');
    report(`${suite} verify, all cores via libuv thread pool`, rates.threadPool, 'verifies/s');
  }

  for (const bytes of hashInputBytes) {
    const input = new Uint8Array(randomBytes(bytes));
    // sha256.ts is what the ledger calls: under Node it is node:crypto's one-shot hash(), elsewhere
    // @noble/hashes, which is measured on its own; createHash is the older node:crypto path.
    for (const [name, hash] of [
      ['@noble/hashes', sha256Noble],
      ['node:crypto hash(), as sha256.ts', sha256],
      ['node:crypto createHash', sha256Node],
    ] as const) {
      const rate = await measureRate(
        () => {
          for (let i = 0; i < 1000; i++) hash(input);
        },
        1000,
        500,
      );
      report(`sha256 (${name}) ${bytes} B`, rate, 'hashes/s');
    }
  }
}
