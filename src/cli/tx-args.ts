// How `tally tx` reads what the user typed: bank ids as hex or names, decimal amounts, and `tx send`'s
// JSON arguments converted with the SDK's conventions and checked by its bank builders before signing.
import { createHash } from 'node:crypto';
import type { CborValue } from '../codec/index.ts';
import {
  type BankCall,
  closeAccount,
  createAccount,
  createTransfer,
  createTransfers,
  issue,
  redeem,
  registerCurrency,
} from '../sdk/index.ts';
import { fromHex, utf8 } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';

export const bankIdNameLengthMax = 64;
const bankIdBytes = 16;
/** Domain-separates named ids from every other SHA-256 that Tally computes. */
const bankIdNameDomain = 'tally/bank-id-name\0';
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
const idHexPattern = /^(?:0x)?[0-9a-fA-F]{32}$/;

/**
 * The bank id a name stands for: the first 16 bytes of SHA-256(domain || name). A name always means
 * the same account (or transfer), so `hk-wallet/alice` works everywhere and a retry reuses the id.
 */
export function bankIdFromName(name: string): Uint8Array {
  if (name.length > bankIdNameLengthMax || !namePattern.test(name))
    throw new TypeError(`name: 1 to ${bankIdNameLengthMax} of A-Z a-z 0-9 . _ : / - expected`);
  const digest = createHash('sha256')
    .update(utf8(bankIdNameDomain + name))
    .digest();
  return new Uint8Array(digest.subarray(0, bankIdBytes));
}

/** An account or transfer given as 32 hex digits (its id) or as a name (see bankIdFromName). */
export function parseBankIdRef(ref: string, field: string): Uint8Array {
  if (idHexPattern.test(ref)) return fromHex(ref.replace(/^0x/, ''), field);
  if (ref.length <= bankIdNameLengthMax && namePattern.test(ref)) return bankIdFromName(ref);
  throw new TallyError(
    'bad_option',
    `${field}: '${ref}' is neither an id (32 hex digits) nor a name (up to ${bankIdNameLengthMax} of A-Z a-z 0-9 . _ : / -).`,
  );
}

/** '12.34' in a currency with 2 decimals is 1234n minor units; more digits than that is an error. */
export function parseAmount(text: string, decimals: number, field: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null)
    throw new TallyError('bad_option', `${field}: '${text}' is not a decimal amount like 12.34.`);
  const fraction = match[2] ?? '';
  if (fraction.length > decimals)
    throw new TallyError(
      'bad_option',
      `${field}: ${text} has ${fraction.length} decimals; the currency has ${decimals}.`,
    );
  return BigInt(match[1]! + fraction.padEnd(decimals, '0'));
}

/** Minor units as a decimal amount: 1234n with 2 decimals is '12.34'. */
export function formatAmount(minor: bigint, decimals: number): string {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(decimals + 1, '0');
  if (decimals === 0) return sign + digits;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** One module call, as buildTransaction takes it. */
export type ModuleCall = {
  readonly module: string;
  readonly method: string;
  readonly args: CborValue;
};

function invalidArgs(error: unknown, where: string): TallyError {
  const message = error instanceof Error ? error.message : String(error);
  return new TallyError('invalid_args', `${where}: ${message}`, { cause: error });
}

/** Runs an SDK builder, turning its TypeError/RangeError into a usage error naming the option. */
export function buildCall(where: string, build: () => BankCall): BankCall {
  try {
    return build();
  } catch (error) {
    if (error instanceof TallyError) throw error;
    throw invalidArgs(error, where);
  }
}

// --- tx send: any module call, with JSON arguments ---------------------------------------------

const idFields = new Set([
  'id',
  'debitAccountId',
  'creditAccountId',
  'pendingId',
  'accountId',
  'issuerAccountId',
]);
const hexFields = new Set(['owner', 'userData']);
const transferFields = [
  'id',
  'debitAccountId',
  'creditAccountId',
  'amount',
  'currency',
  'pendingId',
  'timeoutSec',
  'flags',
  'userData',
];
const supplyFields = ['id', 'accountId', 'amount', 'currency', 'userData'];

/** The bank's methods: their argument names, and the SDK builder that checks and encodes them. */
const bankMethods: Record<string, { fields: readonly string[]; build: (a: never) => BankCall }> = {
  register_currency: { fields: ['code', 'decimals', 'issuerAccountId'], build: registerCurrency },
  create_account: { fields: ['id', 'currency', 'flags', 'owner'], build: createAccount },
  close_account: { fields: ['id'], build: closeAccount },
  create_transfer: { fields: transferFields, build: createTransfer },
  create_transfers: { fields: ['transfers'], build: createTransfers },
  issue: { fields: supplyFields, build: issue },
  redeem: { fields: supplyFields, build: redeem },
};

function readJsonObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TallyError('invalid_args', `${field}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** The SDK's conventions: ids as hex or names, other bytes as hex, amounts as decimal strings. */
function bankField(key: string, value: unknown, field: string): unknown {
  if (typeof value === 'string' && idFields.has(key)) return parseBankIdRef(value, field);
  if (typeof value === 'string' && hexFields.has(key)) return value.replace(/^0x/, '');
  if (key === 'amount' && (typeof value === 'string' || Number.isSafeInteger(value))) {
    if (typeof value === 'string' && !/^\d+$/.test(value))
      throw new TallyError('invalid_args', `${field}: expected minor units as a decimal string`);
    return BigInt(value as string | number);
  }
  return value;
}

function bankArgs(value: unknown, fields: readonly string[], field: string) {
  const object = readJsonObject(value, field);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (!fields.includes(key))
      throw new TallyError(
        'invalid_args',
        `${field}.${key}: not an argument here; expected ${fields.join(', ')}`,
      );
    out[key] =
      key === 'transfers' && Array.isArray(item)
        ? item.map((t, i) => bankArgs(t, transferFields, `${field}.transfers[${i}]`))
        : bankField(key, item, `${field}.${key}`);
  }
  return out;
}

/** Any other module's arguments: "0x..." strings are bytes, integers must be safe, no floats. */
function jsonToCbor(value: unknown, field: string): CborValue {
  if (typeof value === 'string')
    return value.startsWith('0x') ? fromHexArg(value.slice(2), field) : value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TallyError('invalid_args', `${field}: only whole numbers (no floats on chain)`);
    return value;
  }
  if (typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v, i) => jsonToCbor(v, `${field}[${i}]`));
  const object = readJsonObject(value, field);
  return Object.fromEntries(
    Object.entries(object).map(([k, v]) => [k, jsonToCbor(v, `${field}.${k}`)]),
  );
}

function fromHexArg(hex: string, field: string): Uint8Array {
  try {
    return fromHex(hex, field);
  } catch (error) {
    throw invalidArgs(error, field);
  }
}

/** `module.method` and its JSON arguments as a call, checked before anything is signed. */
export function parseSendCall(target: string, argsJson: string): ModuleCall {
  const match = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/.exec(target);
  if (match === null)
    throw new TallyError('bad_option', `'${target}' is not <module>.<method>, e.g. bank.issue.`);
  const [, module, method] = match as unknown as [string, string, string];
  let json: unknown;
  try {
    json = JSON.parse(argsJson);
  } catch (cause) {
    throw new TallyError('invalid_args', `--args is not JSON: ${(cause as Error).message}`);
  }
  if (module !== 'bank') return { module, method, args: jsonToCbor(json, 'args') };
  const spec = bankMethods[method];
  if (spec === undefined)
    throw new TallyError(
      'bad_option',
      `bank has no method ${method}: use one of ${Object.keys(bankMethods).join(', ')}.`,
    );
  const args = bankArgs(json, spec.fields, 'args');
  // The builder checks every field at run time; the cast only hands it the parsed JSON.
  return buildCall('--args', () => spec.build(args as never));
}
