// Builders for the bank module's calls (src/modules/bank/args.ts decodes what these encode): each
// returns { module, method, args } to spread into buildTransaction. Checked here so a mistake fails
// in the caller's code, not as 'invalid_args' in a receipt. The limits mirror the bank's; a test pins them.
import type { CborValue } from '../codec/index.ts';
import { fromHex, toHex } from '../util/bytes.ts';
import type { BytesLike } from './types.ts';

export const bankModule = 'bank';
export const bankIdBytes = 16;
export const bankAmountMax = (1n << 64n) - 1n;
export const bankDecimalsMax = 18;
export const bankUserDataBytesMax = 32;
export const bankOwnerBytesMax = 96;
export const bankTransfersPerCallMax = 256;
export const bankPendingTimeoutSecMax = 2 ** 32 - 1;

export type AccountFlag = 'debits_must_not_exceed_credits' | 'credits_must_not_exceed_debits';
export type TransferFlag = 'linked' | 'pending' | 'post_pending' | 'void_pending';
const accountFlagNames: readonly AccountFlag[] = [
  'debits_must_not_exceed_credits',
  'credits_must_not_exceed_debits',
];
const transferFlagNames: readonly TransferFlag[] = [
  'linked',
  'pending',
  'post_pending',
  'void_pending',
];

export type BankCall = {
  readonly module: 'bank';
  readonly method: string;
  readonly args: CborValue;
};

/** A fresh random 128-bit id for an account or a transfer (client-chosen ids make retries safe). */
export function createBankId(): Uint8Array {
  const id = new Uint8Array(bankIdBytes);
  globalThis.crypto.getRandomValues(id);
  return id;
}

function readBytesLike(value: BytesLike, field: string): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (typeof value === 'string') return fromHex(value, field);
  throw new TypeError(`${field}: expected bytes or a hex string`);
}

function idArg(value: BytesLike, field: string): Uint8Array {
  const id = readBytesLike(value, field);
  if (id.length !== bankIdBytes) throw new RangeError(`${field}: expected ${bankIdBytes} bytes`);
  return id;
}

function bytesArg(value: BytesLike, field: string, bytesMax: number): Uint8Array {
  const bytes = readBytesLike(value, field);
  if (bytes.length > bytesMax) throw new RangeError(`${field}: at most ${bytesMax} bytes`);
  return bytes;
}

function amountArg(value: bigint, field: string): bigint {
  if (typeof value !== 'bigint') throw new TypeError(`${field}: expected a bigint (minor units)`);
  if (value < 0n || value > bankAmountMax) throw new RangeError(`${field}: outside 0 to 2^64 - 1`);
  return value;
}

function currencyArg(value: string, field: string): string {
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value))
    throw new TypeError(`${field}: expected three capital letters (ISO 4217)`);
  return value;
}

function uintArg(value: number, field: string, max: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new RangeError(`${field}: expected an integer from 0 to ${max}`);
  return value;
}

function flagsArg<T extends string>(value: readonly T[], field: string, names: readonly T[]): T[] {
  if (!Array.isArray(value)) throw new TypeError(`${field}: expected an array of flag names`);
  const seen = new Set<T>();
  value.forEach((flag, i) => {
    if (!names.includes(flag))
      throw new TypeError(`${field}[${i}]: expected one of ${names.join(', ')}`);
    if (seen.has(flag)) throw new TypeError(`${field}[${i}]: ${flag} appears twice`);
    seen.add(flag);
  });
  return [...value];
}

function call(method: string, args: CborValue): BankCall {
  return Object.freeze({ module: bankModule, method, args });
}

export type RegisterCurrencyParameters = {
  code: string;
  decimals: number;
  issuerAccountId: BytesLike;
};

/**
 * register_currency: the signer becomes the issuer; its issuer account is created with it.
 *
 * @example
 * buildTransaction({ chainId, ...registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId }) });
 */
export function registerCurrency(params: RegisterCurrencyParameters): BankCall {
  return call('register_currency', {
    code: currencyArg(params.code, 'code'),
    decimals: uintArg(params.decimals, 'decimals', bankDecimalsMax),
    issuerAccountId: idArg(params.issuerAccountId, 'issuerAccountId'),
  });
}

export type CreateAccountParameters = {
  id: BytesLike;
  currency: string;
  flags?: readonly AccountFlag[];
  /** Who may debit it, when not the signer (up to 96 bytes). */
  owner?: BytesLike;
};

/**
 * create_account: an account in one currency, owned by the signer unless `owner` is given.
 *
 * @example
 * buildTransaction({ chainId, ...createAccount({ id: createBankId(), currency: 'HKD',
 *   flags: ['debits_must_not_exceed_credits'] }) });
 */
export function createAccount(params: CreateAccountParameters): BankCall {
  const args: Record<string, CborValue> = {
    id: idArg(params.id, 'id'),
    currency: currencyArg(params.currency, 'currency'),
  };
  if (params.flags !== undefined && params.flags.length > 0)
    args.flags = flagsArg(params.flags, 'flags', accountFlagNames);
  if (params.owner !== undefined) args.owner = bytesArg(params.owner, 'owner', bankOwnerBytesMax);
  return call('create_account', args);
}

/** One transfer; fields left out of a post or void are taken from the pending transfer. */
export type TransferParameters = {
  id: BytesLike;
  debitAccountId?: BytesLike;
  creditAccountId?: BytesLike;
  amount?: bigint;
  currency?: string;
  pendingId?: BytesLike;
  timeoutSec?: number;
  flags?: readonly TransferFlag[];
  userData?: BytesLike;
};

function transferArgs(t: TransferParameters, field: string): Record<string, CborValue> {
  const args: Record<string, CborValue> = { id: idArg(t.id, `${field}id`) };
  if (t.debitAccountId !== undefined)
    args.debitAccountId = idArg(t.debitAccountId, `${field}debitAccountId`);
  if (t.creditAccountId !== undefined)
    args.creditAccountId = idArg(t.creditAccountId, `${field}creditAccountId`);
  if (t.amount !== undefined) args.amount = amountArg(t.amount, `${field}amount`);
  if (t.currency !== undefined) args.currency = currencyArg(t.currency, `${field}currency`);
  if (t.pendingId !== undefined) args.pendingId = idArg(t.pendingId, `${field}pendingId`);
  if (t.timeoutSec !== undefined)
    args.timeoutSec = uintArg(t.timeoutSec, `${field}timeoutSec`, bankPendingTimeoutSecMax);
  if (t.flags !== undefined && t.flags.length > 0)
    args.flags = flagsArg(t.flags, `${field}flags`, transferFlagNames);
  if (t.userData !== undefined)
    args.userData = bytesArg(t.userData, `${field}userData`, bankUserDataBytesMax);
  return args;
}

/**
 * create_transfer: one transfer, whose result code is the transaction's.
 *
 * @example
 * buildTransaction({ chainId, ...createTransfer({ id: createBankId(), debitAccountId, creditAccountId,
 *   amount: 1250n, currency: 'HKD' }) });
 */
export function createTransfer(params: TransferParameters): BankCall {
  return call('create_transfer', transferArgs(params, ''));
}

export type CreateTransfersParameters = { transfers: readonly TransferParameters[] };

/**
 * create_transfers: up to 256 transfers; each outcome is an event (linked ones commit together).
 *
 * @example
 * buildTransaction({ chainId, ...createTransfers({ transfers: [first, second] }) });
 */
export function createTransfers(params: CreateTransfersParameters): BankCall {
  const { transfers } = params;
  if (
    !Array.isArray(transfers) ||
    transfers.length === 0 ||
    transfers.length > bankTransfersPerCallMax
  )
    throw new RangeError(`transfers: expected 1 to ${bankTransfersPerCallMax} transfers`);
  return call('create_transfers', {
    transfers: transfers.map((t, i) => transferArgs(t, `transfers[${i}].`)),
  });
}

export type SupplyParameters = {
  id: BytesLike;
  accountId: BytesLike;
  amount: bigint;
  currency: string;
  userData?: BytesLike;
};

function supplyArgs(params: SupplyParameters): Record<string, CborValue> {
  const args: Record<string, CborValue> = {
    id: idArg(params.id, 'id'),
    accountId: idArg(params.accountId, 'accountId'),
    amount: amountArg(params.amount, 'amount'),
    currency: currencyArg(params.currency, 'currency'),
  };
  if (params.userData !== undefined)
    args.userData = bytesArg(params.userData, 'userData', bankUserDataBytesMax);
  return args;
}

/**
 * issue: the currency's issuer credits `accountId` with new money (debiting its issuer account).
 *
 * @example
 * buildTransaction({ chainId, ...issue({ id: createBankId(), accountId, amount: 100_000n, currency: 'HKD' }) });
 */
export function issue(params: SupplyParameters): BankCall {
  return call('issue', supplyArgs(params));
}

/**
 * redeem: the issuer moves money from an account it owns back into its issuer account.
 *
 * @example
 * buildTransaction({ chainId, ...redeem({ id: createBankId(), accountId, amount: 500n, currency: 'HKD' }) });
 */
export function redeem(params: SupplyParameters): BankCall {
  return call('redeem', supplyArgs(params));
}

/**
 * close_account: the account takes no new transfers afterwards.
 *
 * @example
 * buildTransaction({ chainId, ...closeAccount({ id: accountId }) });
 */
export function closeAccount(params: { id: BytesLike }): BankCall {
  return call('close_account', { id: idArg(params.id, 'id') });
}

/** Lower-case hex of a bank id given as bytes or hex, for the API's paths. */
export function bankIdHex(id: BytesLike): string {
  return toHex(idArg(id, 'id'));
}
