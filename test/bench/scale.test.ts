// The scale benchmark's own parts: reading TALLY_BENCH_SCALE, naming sizes, and the bulk build,
// which must leave bank records that real signed transfers can move money between (a real LocalChain
// on LMDB), with the currency's supply matching what the accounts hold.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatScaleSize, parseScaleSizes } from '../../bench/scale/index.ts';
import { buildAccounts, createSeeder } from '../../bench/scale/seed.ts';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { readModuleState } from '../../src/execution/index.ts';
import { BankReader, bankModuleName, createBankModule } from '../../src/modules/bank/index.ts';
import { openStore } from '../../src/storage/index.ts';
import { TallyError } from '../../src/util/errors.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('scale sizes', () => {
  it('reads k and M suffixes and plain numbers', () => {
    assert.deepEqual(parseScaleSizes('10k,1M,10M'), [10_000, 1_000_000, 10_000_000]);
    assert.deepEqual(parseScaleSizes(' 2.5m , 250000 '), [2_500_000, 250_000]);
  });

  it('names a size the way results are compared', () => {
    assert.deepEqual(
      [10_000, 1_000_000, 10_000_000, 2_500_000, 250_000, 1_234].map(formatScaleSize),
      ['10k', '1M', '10M', '2.5M', '250k', '1234'],
    );
  });

  it('error: a size that is not a number of accounts', () => {
    for (const text of ['ten', '1G', '1', '', '0.5k5']) {
      assert.throws(
        () => parseScaleSizes(text),
        (error: unknown) => error instanceof TallyError && error.code === 'bench_scale_invalid',
        text,
      );
    }
    assert.throws(
      () => parseScaleSizes('10k,lots'),
      /^TallyError: TALLY_BENCH_SCALE: 'lots' is not a number of accounts from 2 to 100,000,000 \(write e\.g\. 10k,1M,10M\)$/,
    );
  });
});

describe('scale build', () => {
  it('builds funded accounts that signed transfers move money between', async () => {
    const path = mkdtempSync(join(tmpdir(), 'tally-test-scale-'));
    dirs.push(path);
    const store = openStore({ path });
    try {
      const chainId = 'tally-test-scale';
      const currencies = [{ code: 'HKD', decimals: 2 }];
      const accounts = 300;
      const fundingEach = 1_000_000n; // transfers move up to 10,000
      const workload = new BankWorkload({ chainId, accounts, users: 8, currencies, fundingEach });
      const seeder = createSeeder({ workload, currency: 'HKD', fundingEach });
      const chain = new LocalChain(
        {
          chainId,
          validator: getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(7)),
          modules: [createBankModule(), seeder.module],
          genesisTimeMs: 1_767_225_600_000,
        },
        { store },
      );
      const [registers] = new BankWorkload({
        chainId,
        accounts: 1,
        users: 1,
        currencies,
      }).setupPhases();
      await chain.commitBlock(registers!);
      const progress: number[] = [];
      await buildAccounts(chain, seeder, accounts, (done) => progress.push(done));
      assert.deepEqual(progress, [accounts]);
      // Only the latest version is kept: the build's history is pruned as it goes.
      assert.equal(chain.executor.state.oldestHeight, chain.executor.state.latestHeight);

      const committed = await chain.commitBlock(workload.transfers(200));
      assert.deepEqual(
        committed.receipts.filter((r) => r.code !== 'ok').map((r) => r.code),
        [],
      );
      const bank = new BankReader(
        readModuleState(
          { get: (key) => chain.executor.state.get(key) ?? undefined },
          bankModuleName,
        ),
      );
      const currency = bank.currency('HKD')!;
      assert.equal(currency.supply, BigInt(accounts) * fundingEach);
      let held = 0n;
      for (let i = 0; i < accounts; i++) {
        const account = bank.account(workload.accountId(0, i))!;
        assert.deepEqual(account.owner, workload.ownerOf(i).publicKey);
        held += account.creditsPosted - account.debitsPosted;
      }
      assert.equal(held, currency.supply);
      const issuer = bank.account(currency.issuerAccountId)!;
      assert.equal(issuer.creditsPosted - issuer.debitsPosted, -currency.supply);
    } finally {
      await store.close();
    }
  });
});
