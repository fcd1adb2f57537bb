// A reproducible bank workload of signed transactions: currencies with their issuers, funded user
// accounts, then transfers between users. Used by the ledger demo (`npm start`), the benchmarks and
// the end-to-end ledger tests, so all three move money the same way a client would.
import type { CborValue } from '../../codec/index.ts';
import type { KeyPair } from '../../crypto/suite.ts';
import { getSuite } from '../../crypto/suites.ts';
import { signTransaction, type Transaction } from '../../ledger/tx.ts';

export type BankWorkloadOptions = {
  chainId: string;
  /** User accounts per currency. */
  accounts: number;
  /** Distinct signing users; accounts are spread over them. */
  users: number;
  currencies?: readonly { code: string; decimals: number }[];
  /** Minor units issued to each account. */
  fundingEach?: bigint;
  /** Seed of the deterministic sequence of transfers. */
  seed?: number;
  /** Written into every transfer id, so that runs resuming one chain never reuse an id. */
  runId?: number;
  expiresAtMs?: number;
};

const defaultCurrencies = [
  { code: 'HKD', decimals: 2 },
  { code: 'PHP', decimals: 2 },
];

/** A 16-byte id: kind byte, then a counter (never zero, never all ones). */
export function workloadId(kind: number, n: number): Uint8Array {
  const out = new Uint8Array(16);
  out[0] = kind;
  new DataView(out.buffer).setUint32(12, n);
  return out;
}

function fixedKey(n: number): KeyPair {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, n + 1);
  seed[31] = 0x5a;
  return getSuite('ed25519').keyPairFromSecret(seed);
}

export class BankWorkload {
  readonly issuer: KeyPair;
  readonly users: readonly KeyPair[];
  readonly #options: Required<BankWorkloadOptions>;
  #nonce = 0n;
  #transfers = 0;
  #random: number;

  constructor(options: BankWorkloadOptions) {
    this.#options = {
      currencies: defaultCurrencies,
      fundingEach: 1_000_000_00n,
      seed: 1,
      runId: 0,
      expiresAtMs: 4_102_444_800_000, // 2100-01-01: the demo's blocks use real time
      ...options,
    };
    this.#random = this.#options.seed >>> 0 || 1;
    this.issuer = fixedKey(0);
    this.users = Array.from({ length: options.users }, (_, i) => fixedKey(i + 1));
  }

  /** Account `i` of currency index `c`. */
  accountId(c: number, i: number): Uint8Array {
    return workloadId(0x10 + c, i + 1);
  }

  ownerOf(i: number): KeyPair {
    return this.users[i % this.users.length]!;
  }

  /**
   * The setup in three phases, each depending on the one before: register the currencies, open
   * every account, fund every account.
   */
  setupPhases(): Transaction[][] {
    const { currencies, accounts, fundingEach } = this.#options;
    const registers = currencies.map((cur, c) =>
      this.#sign(this.issuer, 'register_currency', {
        code: cur.code,
        decimals: cur.decimals,
        issuerAccountId: workloadId(0x01, c + 1),
      }),
    );
    const opens: Transaction[] = [];
    const funds: Transaction[] = [];
    currencies.forEach((cur, c) => {
      for (let i = 0; i < accounts; i++) {
        opens.push(
          this.#sign(this.ownerOf(i), 'create_account', {
            id: this.accountId(c, i),
            currency: cur.code,
            flags: ['debits_must_not_exceed_credits'],
          }),
        );
      }
    });
    currencies.forEach((cur, c) => {
      for (let i = 0; i < accounts; i++) {
        funds.push(
          this.#sign(this.issuer, 'issue', {
            id: workloadId(0x02, c * accounts + i + 1),
            accountId: this.accountId(c, i),
            amount: fundingEach,
            currency: cur.code,
          }),
        );
      }
    });
    return [registers, opens, funds];
  }

  /** Blocks that register the currencies, open every account and fund it. */
  setupBlocks(txsPerBlock: number): Transaction[][] {
    const txs = this.setupPhases().flat();
    const blocks: Transaction[][] = [];
    for (let i = 0; i < txs.length; i += txsPerBlock) blocks.push(txs.slice(i, i + txsPerBlock));
    return blocks;
  }

  /** `count` signed transfers between random accounts of one currency, each signed by the debit's owner. */
  transfers(count: number): Transaction[] {
    const { currencies, accounts } = this.#options;
    const out: Transaction[] = [];
    for (let k = 0; k < count; k++) {
      const c = this.#next() % currencies.length;
      const from = this.#next() % accounts;
      const to = (from + 1 + (this.#next() % (accounts - 1))) % accounts;
      const amount = BigInt(1 + (this.#next() % 10_000));
      const args = {
        id: this.#transferId(++this.#transfers),
        debitAccountId: this.accountId(c, from),
        creditAccountId: this.accountId(c, to),
        amount,
        currency: currencies[c]!.code,
      };
      out.push(this.#sign(this.ownerOf(from), 'create_transfer', args));
    }
    return out;
  }

  /**
   * `count` signed create_transfers transactions of `perTx` transfers each, every one from a single
   * random account (signed by its owner) to random accounts of its currency: how a wallet or a
   * bank that settles in batches submits, as TigerBeetle's clients do.
   */
  transferBatches(count: number, perTx: number): Transaction[] {
    const { currencies, accounts } = this.#options;
    const out: Transaction[] = [];
    for (let k = 0; k < count; k++) {
      const c = this.#next() % currencies.length;
      const from = this.#next() % accounts;
      const transfers: CborValue[] = [];
      for (let j = 0; j < perTx; j++) {
        const to = (from + 1 + (this.#next() % (accounts - 1))) % accounts;
        transfers.push({
          id: this.#transferId(++this.#transfers),
          debitAccountId: this.accountId(c, from),
          creditAccountId: this.accountId(c, to),
          amount: BigInt(1 + (this.#next() % 10_000)),
          currency: currencies[c]!.code,
        });
      }
      out.push(this.#sign(this.ownerOf(from), 'create_transfers', { transfers }));
    }
    return out;
  }

  #sign(key: KeyPair, method: string, args: CborValue): Transaction {
    const body = {
      chainId: this.#options.chainId,
      suite: key.suite,
      signer: key.publicKey,
      nonce: ++this.#nonce,
      expiresAtMs: this.#options.expiresAtMs,
      module: 'bank',
      method,
      args,
    };
    return signTransaction(body, getSuite(key.suite), key.secretKey);
  }

  #transferId(n: number): Uint8Array {
    const id = workloadId(0x03, n);
    new DataView(id.buffer).setUint32(4, this.#options.runId);
    return id;
  }

  /** xorshift32: the same seed gives the same transfers on every run. */
  #next(): number {
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#random = x >>> 0;
    return this.#random;
  }
}
