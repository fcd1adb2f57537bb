// A small chain for the bank's tests: the real runtime (executeBlock) over a Map-backed state, with
// the bank registered, users with fixed keys, and helpers that build transactions and read balances.
import type { CborValue } from '../../src/codec/index.ts';
import {
  type BlockOutput,
  createMemoryState,
  createRegistry,
  executeBlock,
  type MemoryState,
  type Module,
  type TxCall,
} from '../../src/execution/index.ts';
import {
  type Account,
  type BankOptions,
  createBankModule,
  getAccount,
  getCurrency,
  getTransfer,
} from '../../src/modules/bank/index.ts';

/** A 16-byte id from a small number: readable in tests, never zero. */
export function id(n: number): Uint8Array {
  const out = new Uint8Array(16);
  let rest = n;
  for (let i = 15; i >= 0 && rest > 0; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** A fake 32-byte public key: the runtime trusts the signer it is given (signatures are checked before). */
export function key(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

export type Call = { signer: Uint8Array; method: string; args: CborValue; module?: string };

export class TestChain {
  readonly state: MemoryState = createMemoryState();
  height = 0;
  timeMs = 1_700_000_000_000;
  private txCounter = 0;
  private readonly registry;

  constructor(options: BankOptions = {}, extra: readonly Module[] = []) {
    this.registry = createRegistry([createBankModule(options), ...extra]);
  }

  /** Runs one block `advanceMs` after the last one and applies its changes. */
  block(calls: readonly Call[], advanceMs = 1000): BlockOutput {
    this.height += 1;
    this.timeMs += advanceMs;
    const seed = new Uint8Array(32).fill(this.height % 256);
    const txs: TxCall[] = calls.map((c) => ({
      txId: id(++this.txCounter),
      suite: 'ed25519',
      signer: c.signer,
      module: c.module ?? 'bank',
      method: c.method,
      args: c.args,
    }));
    const out = executeBlock(
      this.registry,
      this.state,
      { height: this.height, timeMs: this.timeMs, seed },
      txs,
    );
    this.state.apply(out.changes);
    return out;
  }

  /** Runs one call in its own block and returns its result code. */
  run(signer: Uint8Array, method: string, args: CborValue, advanceMs = 1000): string {
    return this.block([{ signer, method, args }], advanceMs).results[0]!.code;
  }

  account(n: number): Account {
    const account = getAccount(this.state, id(n));
    if (account === undefined) throw new Error(`no account ${n}`);
    return account;
  }

  /** creditsPosted - debitsPosted. */
  balance(n: number): bigint {
    const a = this.account(n);
    return a.creditsPosted - a.debitsPosted;
  }

  currency(code: string) {
    return getCurrency(this.state, code);
  }

  transfer(n: number) {
    return getTransfer(this.state, id(n));
  }
}

export const issuerHK = key(1);
export const alice = key(2);
export const bob = key(3);
export const carol = key(4);

/** HKD issued by issuerHK (issuer account 1000), accounts 1 (alice), 2 (bob), 3 (carol), funded. */
export function setUpHkd(chain: TestChain, funding = 10_000n): void {
  const out = chain.block([
    {
      signer: issuerHK,
      method: 'register_currency',
      args: { code: 'HKD', decimals: 2, issuerAccountId: id(1000) },
    },
    ...[alice, bob, carol].map((signer, i) => ({
      signer,
      method: 'create_account',
      args: { id: id(i + 1), currency: 'HKD', flags: ['debits_must_not_exceed_credits'] },
    })),
    ...[1, 2, 3].map((n) => ({
      signer: issuerHK,
      method: 'issue',
      args: { id: id(100 + n), accountId: id(n), amount: funding, currency: 'HKD' },
    })),
  ]);
  for (const r of out.results)
    if (r.code !== 'ok') throw new Error(`setup failed: ${r.code} ${r.message}`);
}
