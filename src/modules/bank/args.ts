// Decoding of the bank's method arguments with the codec's field readers. A malformed argument
// throws CodecError naming the field, which the runtime turns into 'invalid_args'.
import {
  type CborValue,
  CodecError,
  readArray,
  readBytes,
  readBytesMax,
  readEnum,
  readRecord,
  readString,
  readUint,
  readUint64,
} from '../../codec/index.ts';
import {
  type AccountFlagName,
  accountFlagNames,
  accountFlags,
  currencyCodePattern,
  decimalsMax,
  idBytes,
  ownerBytesMax,
  pendingTimeoutSecMax,
  type TransferFlagName,
  transferFlagNames,
  transferFlags,
  transfersPerCallMax,
  userDataBytesMax,
} from './constants.ts';

/**
 * One transfer as a client asks for it. Fields left out mean what TigerBeetle's zero means: for a
 * post, the full pending amount; for a post or void, the pending transfer's accounts and currency.
 */
export type TransferInput = {
  id: Uint8Array;
  debitAccountId?: Uint8Array | undefined;
  creditAccountId?: Uint8Array | undefined;
  amount?: bigint | undefined;
  currency?: string | undefined;
  pendingId?: Uint8Array | undefined;
  /** Seconds after block time at which a pending transfer expires; 0 never. */
  timeoutSec?: number | undefined;
  /** Bits of `transferFlags`. */
  flags?: number | undefined;
  /** Up to 32 bytes the client keeps with the transfer (an invoice number, a UETR). */
  userData?: Uint8Array | undefined;
};

export type AccountInput = {
  id: Uint8Array;
  currency: string;
  flags: number;
  owner: Uint8Array | undefined;
};

export type CurrencyInput = { code: string; decimals: number; issuerAccountId: Uint8Array };

export type SupplyInput = {
  id: Uint8Array;
  accountId: Uint8Array;
  amount: bigint;
  currency: string;
  userData: Uint8Array | undefined;
};

function readFlags<T extends string>(
  value: CborValue | undefined,
  field: string,
  names: readonly T[],
  bits: { readonly [K in T]: number },
): number {
  if (value === undefined) return 0;
  const items = readArray(value, field, names.length);
  let flags = 0;
  items.forEach((item, i) => {
    const name = readEnum(item, `${field}[${i}]`, names);
    if ((flags & bits[name]) !== 0)
      throw new CodecError('wrong_type', `${field}[${i}]`, `${name} appears twice`);
    flags |= bits[name];
  });
  return flags;
}

function readOptional<T>(value: CborValue | undefined, read: (v: CborValue) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

export function readTransferInput(value: CborValue | undefined, field: string): TransferInput {
  const f = readRecord(
    value,
    field,
    ['id'],
    [
      'debitAccountId',
      'creditAccountId',
      'amount',
      'currency',
      'pendingId',
      'timeoutSec',
      'flags',
      'userData',
    ],
  );
  return {
    id: readBytes(f.id, `${field}.id`, idBytes),
    debitAccountId: readOptional(f.debitAccountId, (v) =>
      readBytes(v, `${field}.debitAccountId`, idBytes),
    ),
    creditAccountId: readOptional(f.creditAccountId, (v) =>
      readBytes(v, `${field}.creditAccountId`, idBytes),
    ),
    amount: readOptional(f.amount, (v) => readUint64(v, `${field}.amount`)),
    currency: readOptional(f.currency, (v) => readString(v, `${field}.currency`, 3)),
    pendingId: readOptional(f.pendingId, (v) => readBytes(v, `${field}.pendingId`, idBytes)),
    timeoutSec: readOptional(f.timeoutSec, (v) =>
      readUint(v, `${field}.timeoutSec`, pendingTimeoutSecMax),
    ),
    flags: readFlags<TransferFlagName>(f.flags, `${field}.flags`, transferFlagNames, transferFlags),
    userData: readOptional(f.userData, (v) =>
      readBytesMax(v, `${field}.userData`, userDataBytesMax),
    ),
  };
}

export function readTransferBatch(value: CborValue | undefined, field: string): TransferInput[] {
  const f = readRecord(value, field, ['transfers']);
  const items = readArray(f.transfers, `${field}.transfers`, transfersPerCallMax);
  if (items.length === 0) throw new CodecError('out_of_range', `${field}.transfers`, 'is empty');
  return items.map((item, i) => readTransferInput(item, `${field}.transfers[${i}]`));
}

export function readAccountInput(value: CborValue | undefined, field: string): AccountInput {
  const f = readRecord(value, field, ['id', 'currency'], ['flags', 'owner']);
  return {
    id: readBytes(f.id, `${field}.id`, idBytes),
    currency: readString(f.currency, `${field}.currency`, 3),
    flags: readFlags<AccountFlagName>(f.flags, `${field}.flags`, accountFlagNames, accountFlags),
    owner: readOptional(f.owner, (v) => readBytesMax(v, `${field}.owner`, ownerBytesMax)),
  };
}

export function readAccountId(value: CborValue | undefined, field: string): Uint8Array {
  const f = readRecord(value, field, ['id']);
  return readBytes(f.id, `${field}.id`, idBytes);
}

export function readCurrencyInput(value: CborValue | undefined, field: string): CurrencyInput {
  const f = readRecord(value, field, ['code', 'decimals', 'issuerAccountId']);
  const code = readString(f.code, `${field}.code`, 3);
  if (!currencyCodePattern.test(code)) {
    throw new CodecError(
      'wrong_type',
      `${field}.code`,
      'expected three capital letters (ISO 4217)',
    );
  }
  return {
    code,
    decimals: readUint(f.decimals, `${field}.decimals`, decimalsMax),
    issuerAccountId: readBytes(f.issuerAccountId, `${field}.issuerAccountId`, idBytes),
  };
}

export function readSupplyInput(value: CborValue | undefined, field: string): SupplyInput {
  const f = readRecord(value, field, ['id', 'accountId', 'amount', 'currency'], ['userData']);
  return {
    id: readBytes(f.id, `${field}.id`, idBytes),
    accountId: readBytes(f.accountId, `${field}.accountId`, idBytes),
    amount: readUint64(f.amount, `${field}.amount`),
    currency: readString(f.currency, `${field}.currency`, 3),
    userData: readOptional(f.userData, (v) =>
      readBytesMax(v, `${field}.userData`, userDataBytesMax),
    ),
  };
}
