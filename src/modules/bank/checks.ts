// Checks on a transfer that need no account: its own fields, then, if its id was used before,
// whether this is the same transfer again (TigerBeetle's order of create_transfers results).
import { bytesEqual } from '../../util/bytes.ts';
import type { TransferCode } from './codes.ts';
import { transferFlags } from './constants.ts';
import type { Transfer } from './records.ts';

/** A transfer request with TigerBeetle's "zero means absent" applied to every optional field. */
export type TransferRequest = {
  id: Uint8Array;
  debitAccountId: Uint8Array | undefined;
  creditAccountId: Uint8Array | undefined;
  amount: bigint | undefined;
  currency: string | undefined;
  pendingId: Uint8Array | undefined;
  timeoutSec: number;
  flags: number;
  userData: Uint8Array;
};

export function isZeroId(id: Uint8Array): boolean {
  for (let i = 0; i < id.length; i++) if (id[i] !== 0) return false;
  return true;
}

export function isMaxId(id: Uint8Array): boolean {
  for (let i = 0; i < id.length; i++) if (id[i] !== 0xff) return false;
  return true;
}

export function isResolving(flags: number): boolean {
  return (flags & (transferFlags.post_pending | transferFlags.void_pending)) !== 0;
}

function countBits(flags: number): number {
  let n = 0;
  for (let f = flags; f !== 0; f &= f - 1) n++;
  return n;
}

/** The checks on a transfer's own fields, in order; undefined when it is well-formed. */
export function checkTransferFields(t: TransferRequest): TransferCode | undefined {
  if (isZeroId(t.id)) return 'id_must_not_be_zero';
  if (isMaxId(t.id)) return 'id_must_not_be_int_max';
  const kinds = transferFlags.pending | transferFlags.post_pending | transferFlags.void_pending;
  if (countBits(t.flags & kinds) > 1) return 'flags_are_mutually_exclusive';
  return isResolving(t.flags) ? checkResolvingFields(t) : checkNewFields(t);
}

function checkAccountIds(t: TransferRequest, required: boolean): TransferCode | undefined {
  if (t.debitAccountId === undefined) {
    if (required) return 'debit_account_id_must_not_be_zero';
  } else if (isMaxId(t.debitAccountId)) return 'debit_account_id_must_not_be_int_max';
  if (t.creditAccountId === undefined) {
    if (required) return 'credit_account_id_must_not_be_zero';
  } else if (isMaxId(t.creditAccountId)) return 'credit_account_id_must_not_be_int_max';
  if (t.debitAccountId !== undefined && t.creditAccountId !== undefined) {
    if (bytesEqual(t.debitAccountId, t.creditAccountId)) return 'accounts_must_be_different';
  }
  return undefined;
}

function checkNewFields(t: TransferRequest): TransferCode | undefined {
  const accounts = checkAccountIds(t, true);
  if (accounts !== undefined) return accounts;
  if (t.pendingId !== undefined) return 'pending_id_must_be_zero';
  if (t.timeoutSec !== 0 && (t.flags & transferFlags.pending) === 0) {
    return 'timeout_reserved_for_pending_transfer';
  }
  if (t.amount === undefined || t.amount === 0n) return 'amount_must_not_be_zero';
  if (t.currency === undefined || t.currency === '') return 'currency_must_not_be_empty';
  return undefined;
}

function checkResolvingFields(t: TransferRequest): TransferCode | undefined {
  const accounts = checkAccountIds(t, false);
  if (accounts !== undefined) return accounts;
  if (t.pendingId === undefined) return 'pending_id_must_not_be_zero';
  if (isMaxId(t.pendingId)) return 'pending_id_must_not_be_int_max';
  if (bytesEqual(t.pendingId, t.id)) return 'pending_id_must_be_different';
  if (t.timeoutSec !== 0) return 'timeout_reserved_for_pending_transfer';
  if (t.amount === 0n) return 'amount_must_not_be_zero';
  return undefined;
}

/**
 * A transfer with this id exists: 'exists' when the request is the same transfer again, else the
 * first field that differs. Fields a post or void leaves out are not compared; its amount left out
 * means the pending amount (`pendingAmount`), as when it was first executed.
 */
export function compareWithExisting(
  t: TransferRequest,
  e: Transfer,
  pendingAmount: bigint | undefined,
): TransferCode {
  if (t.flags !== e.flags) return 'exists_with_different_flags';
  if (!sameOptionalId(t.pendingId, e.pendingId)) return 'exists_with_different_pending_id';
  if (t.timeoutSec !== e.timeoutSec) return 'exists_with_different_timeout';
  if (t.debitAccountId !== undefined && !bytesEqual(t.debitAccountId, e.debitAccountId)) {
    return 'exists_with_different_debit_account_id';
  }
  if (t.creditAccountId !== undefined && !bytesEqual(t.creditAccountId, e.creditAccountId)) {
    return 'exists_with_different_credit_account_id';
  }
  if ((t.amount ?? pendingAmount) !== e.amount) return 'exists_with_different_amount';
  if (!bytesEqual(t.userData, e.userData)) return 'exists_with_different_user_data';
  if (t.currency !== undefined && t.currency !== e.currency) return 'exists_with_different_ledger';
  return 'exists';
}

function sameOptionalId(a: Uint8Array | undefined, b: Uint8Array | null): boolean {
  if (a === undefined || b === null) return a === undefined && b === null;
  return bytesEqual(a, b);
}
