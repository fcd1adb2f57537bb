// `tally start` (what `npm start` runs). Until the multi-validator node lands, it runs the ledger end
// to end in this process: a single-validator chain on LMDB under the data directory, demo currencies
// and accounts, blocks of signed transfers through the bank module, and a state proof checked against
// the committed root. Running it again resumes from what was committed before.
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { getSuite } from '../crypto/suites.ts';
import { moduleKey } from '../execution/context.ts';
import { verifyStateProof } from '../ledger/state/index.ts';
import { createBankModule, getAccount } from '../modules/bank/index.ts';
import { bankKeys } from '../modules/bank/store.ts';
import { openStore } from '../storage/index.ts';
import { toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import { BankWorkload } from './demo/bank-workload.ts';
import { LocalChain } from './demo/local-chain.ts';

type StartOptions = { dataDir: string; blocks: string; txsPerBlock: string };

const demoChainId = 'tally-local-demo';
const demoAccounts = 1000;

function parseCount(value: string, name: string, max: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw new TallyError('bad_option', `--${name} must be a whole number from 1 to ${max}.`);
  return n;
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run the ledger demo: a local chain with demo accounts and signed transfers, resumable',
    )
    .option('--data-dir <dir>', 'where the chain is stored', '.tally')
    .option('--blocks <n>', 'blocks of transfers to commit in this run', '20')
    .option('--txs-per-block <n>', 'signed transfers per block', '500')
    .action(async (options: StartOptions) => runStart(options));
}

async function runStart(options: StartOptions): Promise<void> {
  const blocks = parseCount(options.blocks, 'blocks', 100_000);
  const txsPerBlock = parseCount(options.txsPerBlock, 'txs-per-block', 10_000);
  const path = join(options.dataDir, 'demo');
  const store = openStore({ path });
  try {
    const validator = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(7));
    const chain = new LocalChain(
      { chainId: demoChainId, validator, modules: [createBankModule()], genesisTimeMs: Date.now() },
      { store },
    );
    // A resumed run starts a new transfer sequence whose ids carry the height it resumed at: no repeats.
    const workload = new BankWorkload({
      chainId: demoChainId,
      accounts: demoAccounts,
      users: 16,
      seed: (chain.height ?? 0) + 1,
      runId: chain.height ?? 0,
    });
    console.log(`Tally ledger demo: chain ${demoChainId}, data in ${path}`);
    if (chain.height === undefined) await setUp(chain, workload);
    else console.log(`resuming at height ${chain.height}`);
    const started = performance.now();
    const refused = new Map<string, number>();
    const bar = new SingleBar({
      format: 'committing [{bar}] {value}/{total} blocks | height {height} | {rate} transfers/s',
      stream: process.stdout,
    });
    bar.start(blocks, 0, { height: chain.height, rate: 0 });
    for (let i = 0; i < blocks; i++) {
      const committed = await chain.commitBlock(
        workload.transfers(txsPerBlock),
        Math.max(Date.now(), chain.nextTimeMs()),
      );
      for (const r of committed.receipts)
        if (r.code !== 'ok') refused.set(r.code, (refused.get(r.code) ?? 0) + 1);
      const rate = Math.round(((i + 1) * txsPerBlock) / ((performance.now() - started) / 1000));
      bar.update(i + 1, { height: committed.height, rate });
    }
    bar.stop();
    const refusedText =
      [...refused].map(([code, n]) => `${n} ${code}`).join(', ') || 'none refused';
    console.log(
      `committed  ${blocks * txsPerBlock} signed transfers in ${blocks} blocks (${refusedText})`,
    );
    report(chain, workload);
  } finally {
    await store.close();
  }
}

async function setUp(chain: LocalChain, workload: BankWorkload): Promise<void> {
  const setup = workload.setupBlocks(2000);
  console.log(
    `genesis: registering HKD and PHP, opening and funding ${demoAccounts} accounts in each (${setup.length} blocks)`,
  );
  for (const txs of setup) await chain.commitBlock(txs, Math.max(Date.now(), chain.nextTimeMs()));
}

function report(chain: LocalChain, workload: BankWorkload): void {
  const state = chain.executor.state;
  const accountId = workload.accountId(0, 0);
  const key = moduleKey('bank', bankKeys.account(accountId));
  const value = state.get(key);
  const root = state.root();
  const verified = value !== null && verifyStateProof(root, key, value, state.prove(key));
  const account = getAccount({ get: (k) => state.get(k) ?? undefined }, accountId);
  const balance =
    account === undefined
      ? 'missing'
      : `${(account.creditsPosted - account.debitsPosted).toString()} HKD minor units`;
  console.log(`height     ${chain.height}`);
  console.log(`state root ${toHex(root)}`);
  console.log(`account    ${toHex(accountId)} holds ${balance}`);
  console.log(`proof      ${verified ? 'verified against the state root' : 'FAILED'}`);
  console.log(
    'Run again to resume; the multi-validator consortium and console come with the node (see README).',
  );
}
