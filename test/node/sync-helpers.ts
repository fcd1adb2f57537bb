// Shared by the sync tests: a real single-validator chain (LocalChain on LMDB, real signed QCs) with
// transactions in some blocks, and the trust a syncing node checks it against.
import { getSuite } from '../../src/crypto/suites.ts';
import type { VerifyFn } from '../../src/ledger/certificate.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import type { SyncTrust } from '../../src/node/sync/check.ts';
import { chainId, noopTx, openChain, tempDir } from '../execution/ledger-helpers.ts';

export { noopTx };

export const verify: VerifyFn = (suite, message, signature, publicKey) =>
  getSuite(suite).verify(message, signature, publicKey);

/** A chain of `heights` blocks; block h carries h % 3 transactions, and the bank's setup writes state. */
export async function buildChain(heights: number) {
  const path = tempDir();
  const { store, chain } = openChain(path);
  const txs: Transaction[][] = [];
  for (let h = 0; h < heights; h++) {
    const list = Array.from({ length: h % 3 }, () => noopTx());
    txs.push(list);
    await chain.commitBlock(list);
  }
  const trust: SyncTrust = { chainId, validatorSet: chain.validatorSet, verify };
  return { path, store, chain, txs, trust };
}
