// Where the bank keeps its records inside its key space, and typed access to them. One-letter key
// prefixes keep keys short: c currency, a account, p a pending transfer's status; q b m n e are the
// expiry queue. A transfer itself is a record (ModuleRecords), under t: it never changes once made.
import type { CborValue } from '../../codec/index.ts';
import type { ModuleStateReader } from '../../execution/read.ts';
import type { ModuleState } from '../../execution/types.ts';
import { assert } from '../../util/assert.ts';
import { taggedKey, utf8 } from '../../util/bytes.ts';
import { idBytes, transferFlags } from './constants.ts';
import {
  type Account,
  type Currency,
  decodeAccount,
  decodeCurrency,
  decodeTransfer,
  decodeTransferStatus,
  encodeAccount,
  encodeCurrency,
  encodeTransferRecord,
  encodeTransferStatus,
  type Transfer,
} from './records.ts';

/** Big-endian, so that byte order is numeric order. */
export function encodeUintBE(value: number, bytes: 4 | 8): Uint8Array {
  assert(Number.isSafeInteger(value) && value >= 0, 'a key number is an unsigned safe integer');
  const out = new Uint8Array(bytes);
  let rest = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  assert(rest === 0, 'a key number fits its width');
  return out;
}

export const bankKeys = {
  currency: (code: string) => taggedKey('c', utf8(code)),
  account: (id: Uint8Array) => taggedKey('a', checkId(id)),
  /** In the bank's records, not its state. */
  transfer: (id: Uint8Array) => taggedKey('t', checkId(id)),
  transferStatus: (id: Uint8Array) => taggedKey('p', checkId(id)),
  queue: () => taggedKey('q'),
  bucket: (sec: number) => taggedKey('b', encodeUintBE(sec, 8)),
  level1: (slot: number) => taggedKey('m', encodeUintBE(slot, 8)),
  level2: (slot: number) => taggedKey('n', encodeUintBE(slot, 8)),
  entry: (sec: number, index: number) =>
    taggedKey('e', encodeUintBE(sec, 8), encodeUintBE(index, 4)),
};

function checkId(id: Uint8Array): Uint8Array {
  assert(id.length === idBytes, `an id is ${idBytes} bytes`);
  return id;
}

/** Reads the bank's records from committed state or from a transaction's state. */
export class BankReader {
  constructor(protected readonly state: ModuleStateReader) {}

  currency(code: string): Currency | undefined {
    const value = this.state.get(bankKeys.currency(code));
    return value === undefined ? undefined : decodeCurrency(value);
  }

  account(id: Uint8Array): Account | undefined {
    const value = this.state.get(bankKeys.account(id));
    return value === undefined ? undefined : decodeAccount(value);
  }

  transfer(id: Uint8Array): Transfer | undefined {
    const value = this.state.records.get(bankKeys.transfer(id));
    if (value === undefined) return undefined;
    const transfer = decodeTransfer(value, undefined);
    if ((transfer.flags & transferFlags.pending) === 0) return transfer;
    const status = this.state.get(bankKeys.transferStatus(id));
    assert(status !== undefined, 'a pending transfer has a status');
    return { ...transfer, ...decodeTransferStatus(status) };
  }

  hasTransfer(id: Uint8Array): boolean {
    return this.state.records.has(bankKeys.transfer(id));
  }

  hasAccount(id: Uint8Array): boolean {
    return this.state.has(bankKeys.account(id));
  }

  raw(key: Uint8Array): CborValue | undefined {
    return this.state.get(key);
  }
}

/** Reads and writes the bank's records within a transaction or hook. */
export class BankStore extends BankReader {
  constructor(private readonly writable: ModuleState) {
    super(writable);
  }

  putCurrency(currency: Currency): void {
    assert(currency.supply >= 0n, 'supply is never negative');
    this.writable.set(bankKeys.currency(currency.code), encodeCurrency(currency));
  }

  putAccount(account: Account): void {
    assert(
      account.debitsPending >= 0n && account.creditsPending >= 0n,
      'pending totals are not negative',
    );
    assert(account.pendingCount >= 0, 'pending count is not negative');
    this.writable.set(bankKeys.account(account.id), encodeAccount(account));
  }

  /** Records a new transfer, and a pending one's status. */
  addTransfer(transfer: Transfer): void {
    assert(transfer.amount > 0n, 'a stored transfer moves a positive amount');
    const pending = (transfer.flags & transferFlags.pending) !== 0;
    assert(
      pending === (transfer.state !== 'none'),
      'a pending transfer, and only one, has a state',
    );
    this.writable.records.add(bankKeys.transfer(transfer.id), encodeTransferRecord(transfer));
    if (pending) this.putTransferStatus(transfer);
  }

  /** A pending transfer's new status (posted, voided, expired, or its expiry slot). */
  putTransferStatus(transfer: Transfer): void {
    assert((transfer.flags & transferFlags.pending) !== 0, 'only a pending transfer has a status');
    this.writable.set(bankKeys.transferStatus(transfer.id), encodeTransferStatus(transfer));
  }

  putRaw(key: Uint8Array, value: CborValue | null): void {
    if (value === null) this.writable.delete(key);
    else this.writable.set(key, value);
  }
}
