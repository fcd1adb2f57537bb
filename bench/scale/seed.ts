// Bulk account creation for the scale benchmark: signing and executing 2 transactions per account
// (open, fund) would take hours at 10M, so a bench-only module writes funded bank records straight
// into state from its endBlock hook. The blocks still go through the real block executor, state tree
// and LMDB, so the state they leave is what transfers would find on a node.
import type { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import type { LocalChain } from '../../src/cli/demo/local-chain.ts';
import type { BlockContext, Module } from '../../src/execution/index.ts';
import { accountFlags, BankStore, bankModuleName } from '../../src/modules/bank/index.ts';
import { assert } from '../../src/util/assert.ts';

/** State changes per build block: large enough to build 10M accounts in 100 blocks. */
export const buildAccountsPerBlock = 100_000;

export type SeedOptions = {
  workload: BankWorkload;
  currency: string;
  fundingEach: bigint;
};

/** Accounts [start, end) for the next block's endBlock hook to write. */
type SeedRange = { start: number; end: number };

export type Seeder = {
  readonly module: Module;
  /** Has the next block write accounts [start, end); the hook consumes the range. */
  queue(start: number, end: number): void;
};

export function createSeeder(options: SeedOptions): Seeder {
  let pending: SeedRange | undefined;
  const module: Module = {
    name: 'scale-seed',
    methods: {},
    endBlock(ctx) {
      if (pending === undefined) return;
      const range = pending;
      pending = undefined;
      seedAccounts(ctx, options, range);
    },
  };
  return {
    module,
    queue(start, end) {
      assert(pending === undefined, 'seed: the last range was not consumed');
      assert(Number.isSafeInteger(start) && start >= 0 && end > start, 'seed: a non-empty range');
      pending = { start, end };
    },
  };
}

/** Writes funded accounts and moves what they hold out of the issuer account, as `issue` would. */
function seedAccounts(ctx: BlockContext, options: SeedOptions, range: SeedRange): void {
  const { workload, currency: code, fundingEach } = options;
  const bank = new BankStore(ctx.forModule(bankModuleName).state);
  const currency = bank.currency(code);
  assert(currency !== undefined, `seed: currency ${code} is registered first`);
  const issuer = bank.account(currency.issuerAccountId);
  assert(issuer !== undefined, 'seed: the issuer account exists');
  for (let i = range.start; i < range.end; i++) {
    bank.putAccount({
      id: workload.accountId(0, i),
      currency: code,
      owner: workload.ownerOf(i).publicKey,
      flags: accountFlags.debits_must_not_exceed_credits,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: fundingEach,
      pendingCount: 0,
      createdHeight: ctx.block.height,
    });
  }
  const issued = BigInt(range.end - range.start) * fundingEach;
  bank.putAccount({ ...issuer, debitsPosted: issuer.debitsPosted + issued });
  bank.putCurrency({ ...currency, supply: currency.supply + issued });
}

export type BuildProgress = (accountsDone: number) => void;

/**
 * Creates `accounts` funded accounts in blocks of buildAccountsPerBlock, each durable before the
 * next, keeping only the latest state version (as a pruning node would), so the tree on disk is the
 * accounts' and not the build's history. Returns the build's wall time in seconds.
 */
export async function buildAccounts(
  chain: LocalChain,
  seeder: Seeder,
  accounts: number,
  onBlock: BuildProgress,
): Promise<number> {
  const started = performance.now();
  for (let start = 0; start < accounts; start += buildAccountsPerBlock) {
    const end = Math.min(accounts, start + buildAccountsPerBlock);
    seeder.queue(start, end);
    const committed = await chain.commitBlock([]);
    const blockEvents = committed.receipts.at(-1)!.events;
    if (blockEvents.some((e) => e.type === 'internal_error'))
      throw new Error(`scale: the seed hook failed at height ${committed.height}`);
    await chain.executor.state.prune(committed.height);
    onBlock(end);
  }
  return (performance.now() - started) / 1000;
}
