// Shared by the ledger end-to-end tests: a local chain on a real LMDB store with the bank module.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { moduleKey } from '../../src/execution/context.ts';
import { signTransaction, type Transaction } from '../../src/ledger/tx.ts';
import { createBankModule, getAccount, getCurrency } from '../../src/modules/bank/index.ts';
import { bankKeys } from '../../src/modules/bank/store.ts';
import { openStore, type Store } from '../../src/storage/index.ts';

export const chainId = 'tally-ledger-test';
export const genesisTimeMs = 1_767_225_600_000;
export const validator = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(42));

let noopNonce = 0n;

/** A transaction the validator signs that no module handles (its receipt says so): its id and expiry are what count. */
export function noopTx(expiresAtMs = genesisTimeMs + 3_600_000): Transaction {
  return signTransaction(
    {
      chainId,
      suite: 'ed25519',
      signer: validator.publicKey,
      nonce: ++noopNonce,
      expiresAtMs,
      module: 'bank',
      method: 'noop',
      args: null,
    },
    getSuite('ed25519'),
    validator.secretKey,
  );
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tally-ledger-'));
}

export function openChain(
  path: string,
  options: { treeWorker?: boolean } = {},
): { store: Store; chain: LocalChain } {
  const store = openStore({ path });
  const chain = new LocalChain(
    { chainId, validator, modules: [createBankModule()], genesisTimeMs, ...options },
    { store },
  );
  return { store, chain };
}

export function workload(accounts = 12, seed = 7): BankWorkload {
  return new BankWorkload({
    chainId,
    accounts,
    users: 4,
    seed,
    expiresAtMs: genesisTimeMs + 3_600_000,
  });
}

/** The state key of a bank account, as the tree stores it. */
export function accountStateKey(id: Uint8Array): Uint8Array {
  return moduleKey('bank', bankKeys.account(id));
}

/** Sum of posted balances of the workload's accounts per currency, and each currency's supply. */
export function ledgerTotals(
  chain: LocalChain,
  w: BankWorkload,
  accounts: number,
  codes = ['HKD', 'PHP'],
) {
  const reader = { get: (k: Uint8Array) => chain.executor.state.get(k) ?? undefined };
  return codes.map((code, c) => {
    let held = 0n;
    for (let i = 0; i < accounts; i++) {
      const account = getAccount(reader, w.accountId(c, i))!;
      held += account.creditsPosted - account.debitsPosted;
    }
    return { code, held, supply: getCurrency(reader, code)!.supply };
  });
}
