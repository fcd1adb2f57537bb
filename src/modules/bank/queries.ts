// Read helpers for the API over committed state: pure, no block needed. They return copies, so a
// caller cannot change what the next read sees.
import { readModuleState, type StateReader } from '../../execution/index.ts';
import { bankModuleName } from './constants.ts';
import type { Account, Currency, Transfer } from './records.ts';
import { BankReader } from './store.ts';

export type Balance = {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
  /** creditsPosted - debitsPosted: what the account holds (negative for the issuer account). */
  posted: bigint;
  /** posted - debitsPending: what the owner can still spend or reserve. */
  available: bigint;
};

function bankReader(reader: StateReader): BankReader {
  return new BankReader(readModuleState(reader, bankModuleName));
}

export function getCurrency(reader: StateReader, code: string): Currency | undefined {
  return bankReader(reader).currency(code);
}

export function getAccount(reader: StateReader, id: Uint8Array): Account | undefined {
  return bankReader(reader).account(id);
}

export function getTransfer(reader: StateReader, id: Uint8Array): Transfer | undefined {
  return bankReader(reader).transfer(id);
}

export function balanceOf(account: Account): Balance {
  const posted = account.creditsPosted - account.debitsPosted;
  return {
    debitsPending: account.debitsPending,
    debitsPosted: account.debitsPosted,
    creditsPending: account.creditsPending,
    creditsPosted: account.creditsPosted,
    posted,
    available: posted - account.debitsPending,
  };
}

export function getBalance(reader: StateReader, id: Uint8Array): Balance | undefined {
  const account = getAccount(reader, id);
  return account === undefined ? undefined : balanceOf(account);
}
