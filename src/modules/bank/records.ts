// The bank's records and their stored form: fixed-length CBOR arrays (smaller and faster than maps).
// A stored record that does not decode is a bug, never bad input, so decoding failures are asserts.
import {
  type CborValue,
  CodecError,
  readBytes,
  readEnum,
  readString,
  readTuple,
  readUint,
  readUint64,
} from '../../codec/index.ts';
import { AssertionError } from '../../util/assert.ts';
import { idBytes, type PendingState, pendingStates } from './constants.ts';

export type Currency = {
  code: string;
  decimals: number;
  issuer: Uint8Array;
  issuerAccountId: Uint8Array;
  /** Issued minus redeemed, in minor units: what all holders' balances add up to. */
  supply: bigint;
};

export type Account = {
  id: Uint8Array;
  currency: string;
  owner: Uint8Array;
  flags: number;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
  /** Pending transfers open with this account as the debit side. */
  pendingCount: number;
  createdHeight: number;
};

export type ExpirySlot = { sec: number; index: number };

export type Transfer = {
  id: Uint8Array;
  debitAccountId: Uint8Array;
  creditAccountId: Uint8Array;
  amount: bigint;
  currency: string;
  flags: number;
  pendingId: Uint8Array | null;
  timeoutSec: number;
  userData: Uint8Array;
  height: number;
  timeMs: number;
  /** For a pending transfer with a timeout: when it expires; 0 otherwise. */
  expiresAtMs: number;
  state: PendingState;
  /** Where a pending transfer waits in the expiry queue, until it is resolved. */
  expirySlot: ExpirySlot | null;
};

/** Runs a decoder over stored data: a CodecError there is a broken invariant, so it asserts. */
export function decoding<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CodecError) throw new AssertionError(`stored ${what}: ${error.message}`);
    throw error;
  }
}

export function encodeCurrency(c: Currency): CborValue {
  return [c.code, c.decimals, c.issuer, c.issuerAccountId, c.supply];
}

export function decodeCurrency(value: CborValue): Currency {
  return decoding('currency', () => {
    const f = readTuple(value, 'currency', 5);
    return {
      code: readString(f[0], 'code', 3),
      decimals: readUint(f[1], 'decimals'),
      issuer: readBytes(f[2], 'issuer'),
      issuerAccountId: readBytes(f[3], 'issuerAccountId', idBytes),
      supply: readUint64(f[4], 'supply'),
    };
  });
}

export function encodeAccount(a: Account): CborValue {
  return [
    a.id,
    a.currency,
    a.owner,
    a.flags,
    a.debitsPending,
    a.debitsPosted,
    a.creditsPending,
    a.creditsPosted,
    a.pendingCount,
    a.createdHeight,
  ];
}

export function decodeAccount(value: CborValue): Account {
  return decoding('account', () => {
    const f = readTuple(value, 'account', 10);
    return {
      id: readBytes(f[0], 'id', idBytes),
      currency: readString(f[1], 'currency', 3),
      owner: readBytes(f[2], 'owner'),
      flags: readUint(f[3], 'flags'),
      debitsPending: readUint64(f[4], 'debitsPending'),
      debitsPosted: readUint64(f[5], 'debitsPosted'),
      creditsPending: readUint64(f[6], 'creditsPending'),
      creditsPosted: readUint64(f[7], 'creditsPosted'),
      pendingCount: readUint(f[8], 'pendingCount'),
      createdHeight: readUint(f[9], 'createdHeight'),
    };
  });
}

/**
 * What never changes about a transfer, kept as a record (ModuleRecords): every field but the
 * pending state and the expiry slot, which a pending transfer keeps in state (encodeTransferStatus).
 */
export function encodeTransferRecord(t: Transfer): CborValue {
  return [
    t.id,
    t.debitAccountId,
    t.creditAccountId,
    t.amount,
    t.currency,
    t.flags,
    t.pendingId,
    t.timeoutSec,
    t.userData,
    t.height,
    t.timeMs,
    t.expiresAtMs,
  ];
}

export type TransferStatus = Pick<Transfer, 'state' | 'expirySlot'>;

/** Where a pending transfer stands: pending, posted, voided or expired, and its expiry slot. */
export function encodeTransferStatus(t: TransferStatus): CborValue {
  return [t.state, t.expirySlot === null ? null : [t.expirySlot.sec, t.expirySlot.index]];
}

export function decodeTransferStatus(value: CborValue): TransferStatus {
  return decoding('transfer status', () => {
    const f = readTuple(value, 'transfer status', 2);
    const slot = f[1] === null ? null : readTuple(f[1], 'expirySlot', 2);
    return {
      state: readEnum(f[0], 'state', pendingStates),
      expirySlot:
        slot === null ? null : { sec: readUint(slot[0], 'sec'), index: readUint(slot[1], 'index') },
    };
  });
}

/** A transfer from its record and, for a pending one, its status (other transfers: 'none'). */
export function decodeTransfer(value: CborValue, status: TransferStatus | undefined): Transfer {
  return decoding('transfer', () => {
    const f = readTuple(value, 'transfer', 12);
    return {
      id: readBytes(f[0], 'id', idBytes),
      debitAccountId: readBytes(f[1], 'debitAccountId', idBytes),
      creditAccountId: readBytes(f[2], 'creditAccountId', idBytes),
      amount: readUint64(f[3], 'amount'),
      currency: readString(f[4], 'currency', 3),
      flags: readUint(f[5], 'flags'),
      pendingId: f[6] === null ? null : readBytes(f[6], 'pendingId', idBytes),
      timeoutSec: readUint(f[7], 'timeoutSec'),
      userData: readBytes(f[8], 'userData'),
      height: readUint(f[9], 'height'),
      timeMs: readUint(f[10], 'timeMs'),
      expiresAtMs: readUint(f[11], 'expiresAtMs'),
      state: status?.state ?? 'none',
      expirySlot: status?.expirySlot ?? null,
    };
  });
}
