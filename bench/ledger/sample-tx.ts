// A realistic transfer transaction for benchmarks: Ed25519 signer, bank.transfer with a 16-byte id.

import { getSuite } from '../../src/crypto/suites.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';

export function sampleTransferTx(nonce = 1n): Transaction {
  const suite = getSuite('ed25519');
  const keys = suite.generateKeyPair();
  return signTransaction(
    {
      chainId: 'tally-bench',
      suite: 'ed25519',
      signer: keys.publicKey,
      nonce,
      expiresAtMs: 1_800_000_000_000,
      module: 'bank',
      method: 'transfer',
      args: {
        id: new Uint8Array(16).fill(7),
        debit: new Uint8Array(16).fill(1),
        credit: new Uint8Array(16).fill(2),
        amount: 12_345n,
        currency: 'HKD',
      },
    },
    suite,
    keys.secretKey,
  );
}
