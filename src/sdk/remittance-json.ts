// Readers for the remittance endpoints' JSON (docs/api.md "Remittance"): organisations, corridors,
// remittances and gateway answers. Amounts become bigint; ids stay lower-case hex, with the UETR beside.

// The statuses are the module's own (a browser-safe constants file).
import { type RemittanceStatus, remittanceStatuses } from '../apps/remittance/constants.ts';
import { TallyError } from '../util/errors.ts';
import {
  type JsonObject,
  type JsonValue,
  readDecimal,
  readHex,
  readHexBytes,
  readInteger,
  readList,
  readObject,
  readOptionalInteger,
  readOptionalText,
  readText,
} from './json.ts';
import { formatUetr, parseUetr } from './remittance.ts';

export { type RemittanceStatus, remittanceStatuses };

export type RemittanceOrg = {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly country?: string;
  readonly bic?: string;
  /** Raw X25519 public key: what the SDK seals Travel-Rule data to. */
  readonly encryptionKey?: Uint8Array;
};

export type RemittanceKycTier = {
  readonly level: number;
  readonly perTxMax: bigint;
  readonly dailyMax: bigint;
  readonly monthlyMax: bigint;
};

export type RemittanceCorridor = {
  readonly id: string;
  readonly sendCurrency: string;
  readonly receiveCurrency: string;
  readonly sendingOrg: string;
  readonly receivingOrg: string;
  readonly fxOrg: string;
  readonly regulators: readonly string[];
  readonly acceptWindowSec: number;
  readonly kycTiers: readonly RemittanceKycTier[];
  /** The whole answer as sent: accounts, acceptance policy and anything newer. */
  readonly raw: JsonObject;
};

export type RemittanceView = {
  /** 32 hex digits, and the same 16 bytes as a UETR. */
  readonly id: string;
  readonly uetr: string;
  readonly corridor: string;
  readonly status: RemittanceStatus;
  readonly sendingOrg: string;
  readonly receivingOrg: string;
  readonly fxOrg: string;
  readonly senderAccountId: string;
  readonly beneficiaryAccountId: string;
  readonly rate: string;
  readonly sendCurrency: string;
  readonly receiveCurrency: string;
  readonly sendAmount: bigint;
  readonly fee: bigint;
  readonly totalDebit: bigint;
  readonly receiveAmount: bigint;
  /** 0 when it has no deadline (held, or resolved). */
  readonly deadlineMs: number;
  readonly createdAtMs?: number;
  readonly updatedAtMs?: number;
  readonly endToEndId?: string;
  readonly reason?: { readonly code: string; readonly message?: string };
  readonly sanctionsMatch?: string;
  /** The decrypted Travel-Rule data; null when this node may not or cannot show it. */
  readonly travelRule?: JsonObject | null;
  readonly travelRuleAccess?: string;
  /** The whole answer as sent (legs, quote, status history, ...). */
  readonly raw: JsonObject;
};

/** What a gateway call answers: the transaction, and once final its code and the remittance. */
export type GatewayAnswer = {
  readonly id: string;
  readonly uetr: string;
  readonly txId: string;
  readonly height?: number;
  /** 'ok', or why the module refused it (e.g. 'remittance_exists', 'quote_expired'). */
  readonly code?: string;
  readonly message?: string;
  readonly remittance?: RemittanceView;
};

function readTextList(value: unknown, field: string): string[] {
  return readList(value, field).map((v, i) => readText(v, `${field}[${i}]`));
}

/** A remittance id as the API writes it (hex or UETR text), as lower-case hex. */
export function readRemittanceId(value: unknown, field: string): string {
  const text = readText(value, field);
  try {
    return formatUetr(parseUetr(text, field)).replaceAll('-', '');
  } catch (cause) {
    throw new TallyError('bad_response', `${field}: expected a UUID v4 remittance id`, {
      cause,
      details: { field },
    });
  }
}

export function readOrg(value: unknown, field: string): RemittanceOrg {
  const o = readObject(value, field);
  const country = readOptionalText(o.country, `${field}.country`);
  const bic = readOptionalText(o.bic, `${field}.bic`);
  return Object.freeze({
    id: readText(o.id, `${field}.id`),
    name: readText(o.name, `${field}.name`),
    roles: Object.freeze(readTextList(o.roles, `${field}.roles`)),
    ...(country === undefined ? {} : { country }),
    ...(bic === undefined ? {} : { bic }),
    ...(o.encryptionKey === undefined || o.encryptionKey === null
      ? {}
      : { encryptionKey: readHexBytes(o.encryptionKey, `${field}.encryptionKey`, 32) }),
  });
}

export function readCorridor(value: unknown, field: string): RemittanceCorridor {
  const c = readObject(value, field);
  const tiers = readList(c.kycTiers, `${field}.kycTiers`).map((t, i) => {
    const f = `${field}.kycTiers[${i}]`;
    const o = readObject(t, f);
    return Object.freeze({
      level: readInteger(o.level, `${f}.level`),
      perTxMax: readDecimal(o.perTxMax, `${f}.perTxMax`),
      dailyMax: readDecimal(o.dailyMax, `${f}.dailyMax`),
      monthlyMax: readDecimal(o.monthlyMax, `${f}.monthlyMax`),
    });
  });
  return Object.freeze({
    id: readText(c.id, `${field}.id`),
    sendCurrency: readText(c.sendCurrency, `${field}.sendCurrency`),
    receiveCurrency: readText(c.receiveCurrency, `${field}.receiveCurrency`),
    sendingOrg: readText(c.sendingOrg, `${field}.sendingOrg`),
    receivingOrg: readText(c.receivingOrg, `${field}.receivingOrg`),
    fxOrg: readText(c.fxOrg, `${field}.fxOrg`),
    regulators: Object.freeze(readTextList(c.regulators, `${field}.regulators`)),
    acceptWindowSec: readInteger(c.acceptWindowSec, `${field}.acceptWindowSec`),
    kycTiers: Object.freeze(tiers),
    raw: c,
  });
}

function readStatus(value: unknown, field: string): RemittanceStatus {
  const text = readText(value, field);
  if (!(remittanceStatuses as readonly string[]).includes(text))
    throw new TallyError(
      'bad_response',
      `${field}: expected one of ${remittanceStatuses.join(', ')}`,
    );
  return text as RemittanceStatus;
}

/** A reason as a code string or `{ code, message? }`. */
export function readReason(
  value: JsonValue | undefined,
  field: string,
): { readonly code: string; readonly message?: string } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { code: value };
  const r = readObject(value, field);
  const message = readOptionalText(r.message, `${field}.message`);
  return { code: readText(r.code, `${field}.code`), ...(message === undefined ? {} : { message }) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function readRemittance(value: unknown, field: string): RemittanceView {
  const r = readObject(value, field);
  const id = readRemittanceId(r.id, `${field}.id`);
  const travelRule =
    r.travelRule === undefined
      ? undefined
      : r.travelRule === null
        ? null
        : readObject(r.travelRule, `${field}.travelRule`);
  return Object.freeze({
    id,
    uetr: formatUetr(parseUetr(id)),
    corridor: readText(r.corridor, `${field}.corridor`),
    status: readStatus(r.status, `${field}.status`),
    sendingOrg: readText(r.sendingOrg, `${field}.sendingOrg`),
    receivingOrg: readText(r.receivingOrg, `${field}.receivingOrg`),
    fxOrg: readText(r.fxOrg, `${field}.fxOrg`),
    senderAccountId: readHex(r.senderAccountId, `${field}.senderAccountId`, 16),
    beneficiaryAccountId: readHex(r.beneficiaryAccountId, `${field}.beneficiaryAccountId`, 16),
    rate: readText(r.rate, `${field}.rate`),
    sendCurrency: readText(r.sendCurrency, `${field}.sendCurrency`),
    receiveCurrency: readText(r.receiveCurrency, `${field}.receiveCurrency`),
    sendAmount: readDecimal(r.sendAmount, `${field}.sendAmount`),
    fee: readDecimal(r.fee, `${field}.fee`),
    totalDebit: readDecimal(r.totalDebit, `${field}.totalDebit`),
    receiveAmount: readDecimal(r.receiveAmount, `${field}.receiveAmount`),
    deadlineMs: readOptionalInteger(r.deadlineMs, `${field}.deadlineMs`) ?? 0,
    ...optional('createdAtMs', readOptionalInteger(r.createdAtMs, `${field}.createdAtMs`)),
    ...optional('updatedAtMs', readOptionalInteger(r.updatedAtMs, `${field}.updatedAtMs`)),
    ...optional('endToEndId', readOptionalText(r.endToEndId, `${field}.endToEndId`)),
    ...optional('reason', readReason(r.reason, `${field}.reason`)),
    ...optional('sanctionsMatch', readOptionalText(r.sanctionsMatch, `${field}.sanctionsMatch`)),
    ...optional('travelRule', travelRule),
    ...optional(
      'travelRuleAccess',
      readOptionalText(r.travelRuleAccess, `${field}.travelRuleAccess`),
    ),
    raw: r,
  });
}

export function readGatewayAnswer(value: unknown, field: string): GatewayAnswer {
  const a = readObject(value, field);
  const id = readRemittanceId(a.id, `${field}.id`);
  const hasRemittance = a.remittance !== undefined && a.remittance !== null;
  return Object.freeze({
    id,
    uetr: formatUetr(parseUetr(id)),
    txId: readHex(a.txId, `${field}.txId`, 32),
    ...optional('height', readOptionalInteger(a.height, `${field}.height`)),
    ...optional('code', readOptionalText(a.code, `${field}.code`)),
    ...optional('message', readOptionalText(a.message, `${field}.message`)),
    ...(hasRemittance ? { remittance: readRemittance(a.remittance, `${field}.remittance`) } : {}),
  });
}
