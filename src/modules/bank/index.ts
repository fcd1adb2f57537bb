// The bank module: currencies, double-entry accounts and TigerBeetle-style transfers.
export { closeAccount, createAccount, registerCurrency } from './accounts.ts';
export {
  type AccountInput,
  type CurrencyInput,
  readAccountInput,
  readCurrencyInput,
  readSupplyInput,
  readTransferBatch,
  readTransferInput,
  type SupplyInput,
  type TransferInput,
} from './args.ts';
export { signerAuthority, type TransferAuthority } from './authority.ts';
export { executeTransferBatch, splitChains, toTransferRequest } from './batch.ts';
export type { TransferRequest } from './checks.ts';
export * from './codes.ts';
export * from './constants.ts';
export { type BankOptions, createBankModule, executeBankTransfers } from './module.ts';
export {
  type Balance,
  balanceOf,
  getAccount,
  getBalance,
  getCurrency,
  getTransfer,
} from './queries.ts';
export type { Account, Currency, ExpirySlot, Transfer } from './records.ts';
export { BankReader, BankStore, bankKeys } from './store.ts';
export { issue, redeem } from './supply.ts';
