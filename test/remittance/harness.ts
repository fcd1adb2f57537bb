// A small consortium for the remittance tests: the real runtime (executeBlock) over a Map state with
// the bank (authority = orgAuthority(directory)) and the remittance module; organisations hk-wallet,
// ph-wallet, settlement-bank and two regulators; a real Ed25519 quote key and real HPKE envelopes.
// checkInvariants() is what every test runs at its end: money conserved, no leg half-moved.
import assert from 'node:assert/strict';
import {
  type CorridorInput,
  corridorArgs,
  getRemittance,
  type Remittance,
  remittanceModuleName,
  type SendInput,
  sendArgs,
} from '../../src/apps/remittance/index.ts';
import { nameKeys } from '../../src/apps/remittance/screening.ts';
import type { CborValue } from '../../src/codec/index.ts';
import {
  type EncryptionKeyPair,
  generateEncryptionKeyPair,
  sealEnvelope,
} from '../../src/crypto/envelope.ts';
import { sha256Node } from '../../src/crypto/hash-node.ts';
import type { SignatureCheck } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import {
  type BlockOutput,
  createMemoryState,
  createRegistry,
  executeBlock,
  type MemoryState,
  type TxCall,
  type TxResult,
} from '../../src/execution/index.ts';
import { type Account, bankModuleName, getAccount } from '../../src/modules/bank/index.ts';
import {
  convert,
  parseDecimal,
  type Quote,
  type SignedQuote,
  signQuote,
} from '../../src/modules/fx/index.ts';
import { createDirectory, type Directory, orgOwner } from '../../src/modules/identity/index.ts';
import { chainModules } from '../../src/node/chain-modules.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { id } from '../bank/harness.ts';

/** A 16-byte id from a small number (the bank tests' helper). */
export { id };

/** A UUID v4 from a small number: version and variant bits set, as a UETR has them. */
export function uetr(n: number): Uint8Array {
  const out = id(n + 1);
  out[6] = 0x40;
  out[8] = 0x80;
  return out;
}

/** A fake 32-byte signer key: the runtime trusts the signer it is given. */
export function key(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

export const orgs = {
  hk: 'hk-wallet',
  ph: 'ph-wallet',
  bank: 'settlement-bank',
  regHk: 'regulator-hk',
  regPh: 'regulator-ph',
} as const;
export const signers = {
  hk: key(11),
  ph: key(12),
  bank: key(13),
  regHk: key(14),
  regPh: key(15),
  outsider: key(16),
} as const;

/** Account numbers (ids via id(n)). */
export const acct = {
  alice: 1, // HKD, hk-wallet customer
  maria: 2, // PHP, ph-wallet customer
  bob: 3, // HKD, hk-wallet customer
  juan: 4, // PHP, ph-wallet customer
  hkSettlement: 10, // HKD, hk-wallet's settlement account at the bank
  phSettlement: 11, // PHP, ph-wallet's settlement account at the bank
  fxHkd: 20, // HKD, the bank's FX account
  fxPhp: 21, // PHP, the bank's FX account
  hkdIssuer: 900,
  phpIssuer: 901,
} as const;

export const hkdToPhp = 'HKD-PHP';
export const phpToHkd = 'PHP-HKD';
export const rates: Record<string, string> = { [hkdToPhp]: '7.2512', [phpToHkd]: '0.1371' };
export const acceptWindowSec = 600;

const quoteKeys = getSuite('ed25519').generateKeyPair();
const rogueKeys = getSuite('ed25519').generateKeyPair();

export function createTestDirectory(encryption: Map<string, EncryptionKeyPair>): Directory {
  const org = (id: string, name: string, roles: string[]) => ({
    id,
    name,
    roles,
    encryptionKey: encryption.get(id)?.publicKey,
  });
  return createDirectory({
    orgs: [
      org(orgs.hk, 'HK Wallet', ['wallet']),
      org(orgs.ph, 'PH Wallet', ['wallet']),
      org(orgs.bank, 'Settlement Bank', ['bank', 'fx-provider', 'issuer']),
      org(orgs.regHk, 'HK Regulator', ['regulator', 'observer']),
      org(orgs.regPh, 'PH Regulator', ['regulator', 'observer']),
    ],
    keys: [
      { publicKey: signers.hk, orgId: orgs.hk, roles: [] },
      { publicKey: signers.ph, orgId: orgs.ph, roles: ['operator'] },
      { publicKey: signers.bank, orgId: orgs.bank, roles: [] },
      { publicKey: quoteKeys.publicKey, orgId: orgs.bank, roles: ['fx-quote'] },
      { publicKey: signers.regHk, orgId: orgs.regHk, roles: [] },
      { publicKey: signers.regPh, orgId: orgs.regPh, roles: [] },
    ],
  });
}

let encryptionKeys: Promise<Map<string, EncryptionKeyPair>> | undefined;

/** One X25519 key pair per organisation, made once per test file. */
export function orgEncryptionKeys(): Promise<Map<string, EncryptionKeyPair>> {
  encryptionKeys ??= (async () => {
    const map = new Map<string, EncryptionKeyPair>();
    for (const org of Object.values(orgs)) map.set(org, await generateEncryptionKeyPair());
    return map;
  })();
  return encryptionKeys;
}

export type Call = { signer: Uint8Array; method: string; args: CborValue; module?: string };

export type SendOptions = {
  n: number;
  corridor?: string;
  sendAmount?: bigint;
  sender?: number;
  beneficiary?: number;
  originator?: string;
  beneficiaryName?: string;
  /** Organisations the Travel-Rule envelope is sealed to; all five by default. */
  recipients?: string[];
  quote?: Partial<Quote>;
  /** Change the quote after signing. */
  tamper?: (q: Quote) => Quote;
  signWith?: Uint8Array;
  signer?: Uint8Array;
  endToEndId?: string;
};

export class RemitChain {
  readonly state: MemoryState = createMemoryState();
  height = 0;
  timeMs = Date.UTC(2026, 0, 15, 12, 0, 0);
  readonly directory: Directory;
  private txCounter = 0;
  private quoteCounter = 0;
  private readonly registry;
  /** What execution checks carried signatures with (a node's VerifiedSignatures); default: now. */
  verifySignature: ((check: SignatureCheck) => boolean) | undefined;

  constructor(readonly encryption: Map<string, EncryptionKeyPair>) {
    this.directory = createTestDirectory(encryption);
    // The node's own module set: remittance reads the identity module's keys.
    this.registry = createRegistry(chainModules(this.directory));
  }

  block(calls: readonly Call[], advanceMs = 1000): BlockOutput {
    this.height += 1;
    this.timeMs += advanceMs;
    const txs: TxCall[] = calls.map((c) => ({
      txId: id(++this.txCounter),
      suite: 'ed25519',
      signer: c.signer,
      module: c.module ?? remittanceModuleName,
      method: c.method,
      args: c.args,
    }));
    const out = executeBlock(
      this.registry,
      this.state,
      {
        height: this.height,
        timeMs: this.timeMs,
        seed: new Uint8Array(32).fill(this.height % 256),
      },
      txs,
      {
        onInternalError: (error) => console.error(error),
        ...(this.verifySignature === undefined ? {} : { verifySignature: this.verifySignature }),
      },
    );
    this.state.apply(out.changes);
    return out;
  }

  /** One remittance-module call in its own block. */
  call(signer: Uint8Array, method: string, args: CborValue, advanceMs = 1000): TxResult {
    return this.block([{ signer, method, args }], advanceMs).results[0]!;
  }

  bank(signer: Uint8Array, method: string, args: CborValue): TxResult {
    return this.block([{ signer, method, args, module: bankModuleName }]).results[0]!;
  }

  account(n: number): Account {
    const account = getAccount(this.state, id(n));
    assert.ok(account !== undefined, `no account ${n}`);
    return account;
  }

  /** creditsPosted - debitsPosted. */
  balance(n: number): bigint {
    const a = this.account(n);
    return a.creditsPosted - a.debitsPosted;
  }

  /** What the owner can still spend: balance less pending debits. */
  available(n: number): bigint {
    return this.balance(n) - this.account(n).debitsPending;
  }

  remittance(n: number): Remittance {
    const r = getRemittance(this.state, uetr(n));
    assert.ok(r !== undefined, `no remittance ${n}`);
    return r;
  }

  /** A quote from the settlement bank for `sendAmount` on a corridor, signed with the real key. */
  quote(
    corridor: string,
    sendAmount: bigint,
    over: Partial<Quote> = {},
    signWith = quoteKeys.secretKey,
  ): SignedQuote {
    const [sendCurrency, receiveCurrency] = corridor.split('-') as [string, string];
    const rate = over.rate ?? rates[corridor] ?? rates[hkdToPhp]!;
    const fee = over.fee ?? 500n;
    const q: Quote = {
      id: id(7000 + ++this.quoteCounter),
      provider: orgs.bank,
      sendCurrency,
      receiveCurrency,
      rate,
      sendAmount,
      fee,
      totalDebit: sendAmount + fee,
      receiveAmount: convert(
        sendAmount,
        parseDecimal(rate, 'rate', { fractionDigitsMax: 10, totalDigitsMax: 11 }),
        2,
        2,
      ),
      issuedAtMs: this.timeMs,
      expiresAtMs: this.timeMs + 60_000,
      ...over,
    };
    return signQuote(q, 'ed25519', signWith);
  }

  /** The send call of remittance `o.n` with real quote, envelope and screening keys. */
  async sendCall(o: SendOptions): Promise<Call> {
    const corridor = o.corridor ?? hkdToPhp;
    const forward = corridor.startsWith('HKD');
    const signed = this.quote(corridor, o.sendAmount ?? 100_000n, o.quote, o.signWith);
    const quote = o.tamper === undefined ? signed : { ...signed, quote: o.tamper(signed.quote) };
    const rid = uetr(o.n);
    const originator = o.originator ?? (forward ? 'Alice Chan' : 'Juan Santos');
    const beneficiaryName = o.beneficiaryName ?? (forward ? 'Maria Santos' : 'Bob Lee');
    const plaintext = utf8(JSON.stringify({ originator, beneficiary: beneficiaryName }));
    const recipients = (o.recipients ?? Object.values(orgs)).map((org) => ({
      id: org,
      publicKey: this.encryption.get(org)!.publicKey,
    }));
    const travelRule = await sealEnvelope(plaintext, recipients, rid);
    const input: SendInput = {
      id: rid,
      corridor,
      quote,
      senderAccountId: id(o.sender ?? (forward ? acct.alice : acct.juan)),
      beneficiaryAccountId: id(o.beneficiary ?? (forward ? acct.maria : acct.bob)),
      travelRule,
      travelRuleHash: sha256Node(travelRule),
      screening: { originator: nameKeys(originator), beneficiary: nameKeys(beneficiaryName) },
      endToEndId: o.endToEndId,
    };
    return {
      signer: o.signer ?? (forward ? signers.hk : signers.ph),
      method: 'send',
      args: sendArgs(input),
    };
  }

  /** Sends remittance `o.n` in its own block; returns the result. */
  async send(o: SendOptions, advanceMs = 1000): Promise<TxResult> {
    return this.block([await this.sendCall(o)], advanceMs).results[0]!;
  }

  /** Runs empty blocks until block time has moved `ms` forward (one block). */
  advance(ms: number): BlockOutput {
    return this.block([], ms);
  }
}

export const rogueQuoteKey = rogueKeys.secretKey;

export function corridorInput(corridor: string, over: Partial<CorridorInput> = {}): CorridorInput {
  const forward = corridor.startsWith('HKD');
  return {
    id: corridor,
    sendCurrency: forward ? 'HKD' : 'PHP',
    receiveCurrency: forward ? 'PHP' : 'HKD',
    sendingOrg: forward ? orgs.hk : orgs.ph,
    receivingOrg: forward ? orgs.ph : orgs.hk,
    fxOrg: orgs.bank,
    regulators: [orgs.regHk, orgs.regPh],
    accounts: forward
      ? {
          sendingSettlement: id(acct.hkSettlement),
          fxSend: id(acct.fxHkd),
          fxReceive: id(acct.fxPhp),
          receivingSettlement: id(acct.phSettlement),
        }
      : {
          sendingSettlement: id(acct.phSettlement),
          fxSend: id(acct.fxPhp),
          fxReceive: id(acct.fxHkd),
          receivingSettlement: id(acct.hkSettlement),
        },
    acceptWindowSec,
    kycTiers: [
      { level: 0, perTxMax: 50_000n, dailyMax: 100_000n, monthlyMax: 300_000n },
      { level: 1, perTxMax: 500_000n, dailyMax: 1_000_000n, monthlyMax: 2_000_000n },
    ],
    ...over,
  };
}

function ok(results: readonly TxResult[], what: string): void {
  for (const r of results) assert.equal(r.code, 'ok', `${what}: ${r.code} ${r.message ?? ''}`);
}

/** Funding per account, minor units. */
export const funding: Record<number, bigint> = {
  [acct.alice]: 2_000_000n,
  [acct.bob]: 2_000_000n,
  [acct.juan]: 20_000_000n,
  [acct.hkSettlement]: 50_000_000n,
  [acct.phSettlement]: 500_000_000n,
  [acct.fxHkd]: 50_000_000n,
  [acct.fxPhp]: 500_000_000n,
};

/** A chain with currencies, accounts, funding, both corridors and KYC level 1 for alice and juan. */
export async function createRemitChain(): Promise<RemitChain> {
  const chain = new RemitChain(await orgEncryptionKeys());
  const owners: Array<[number, string, string]> = [
    [acct.alice, 'HKD', orgs.hk],
    [acct.bob, 'HKD', orgs.hk],
    [acct.maria, 'PHP', orgs.ph],
    [acct.juan, 'PHP', orgs.ph],
    [acct.hkSettlement, 'HKD', orgs.hk],
    [acct.phSettlement, 'PHP', orgs.ph],
    [acct.fxHkd, 'HKD', orgs.bank],
    [acct.fxPhp, 'PHP', orgs.bank],
  ];
  const bankCall = (method: string, args: CborValue): Call => ({
    signer: signers.bank,
    method,
    args,
    module: bankModuleName,
  });
  const setup = chain.block([
    bankCall('register_currency', {
      code: 'HKD',
      decimals: 2,
      issuerAccountId: id(acct.hkdIssuer),
    }),
    bankCall('register_currency', {
      code: 'PHP',
      decimals: 2,
      issuerAccountId: id(acct.phpIssuer),
    }),
    ...owners.map(([n, currency, org]) =>
      bankCall('create_account', {
        id: id(n),
        currency,
        owner: orgOwner(org),
        flags: ['debits_must_not_exceed_credits'],
      }),
    ),
    ...Object.entries(funding).map(([n, amount], i) => {
      const currency = owners.find(([m]) => m === Number(n))![1];
      return bankCall('issue', { id: id(500 + i), accountId: id(Number(n)), amount, currency });
    }),
  ]);
  ok(setup.results, 'bank setup');
  const corridors = chain.block([
    {
      signer: signers.bank,
      method: 'register_corridor',
      args: corridorArgs(corridorInput(hkdToPhp)),
    },
    {
      signer: signers.bank,
      method: 'register_corridor',
      args: corridorArgs(corridorInput(phpToHkd)),
    },
    { signer: signers.hk, method: 'set_kyc', args: { accountId: id(acct.alice), level: 1 } },
    { signer: signers.ph, method: 'set_kyc', args: { accountId: id(acct.juan), level: 1 } },
  ]);
  ok(corridors.results, 'corridor setup');
  return chain;
}

export { allAccounts, allRemittances, checkInvariants } from './invariants.ts';
export { quoteKeys };
