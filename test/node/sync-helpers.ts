// Shared by the sync tests: a real single-validator chain (LocalChain on LMDB, real signed QCs) with
// transactions in some blocks, and the trust a syncing node checks it against.
import { getSuite } from '../../src/crypto/suites.ts';
import type { VerifyFn } from '../../src/ledger/certificate.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import type { SyncTrust } from '../../src/node/sync/check.ts';
import {
  chainId,
  genesisTimeMs,
  openChain,
  tempDir,
  validator,
} from '../execution/ledger-helpers.ts';

export const verify: VerifyFn = (suite, message, signature, publicKey) =>
  getSuite(suite).verify(message, signature, publicKey);

let nonce = 0n;

/** A signed transaction that writes nothing (no module handles it): its id is what counts. */
export function noopTx(expiresAtMs = genesisTimeMs + 3_600_000): Transaction {
  return signTransaction(
    {
      chainId,
      suite: 'ed25519',
      signer: validator.publicKey,
      nonce: ++nonce,
      expiresAtMs,
      module: 'bank',
      method: 'noop',
      args: null,
    },
    getSuite('ed25519'),
    validator.secretKey,
  );
}

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
