// The remittance module's records and their stored form: fixed-length CBOR tuples, as the bank's
// records.ts does (compact, strict decoding). A stored record that does not decode is a bug: assert.
import {
  type CborValue,
  CodecError,
  readArray,
  readBoolean,
  readBytes,
  readEnum,
  readString,
  readTuple,
  readUint,
  readUint64,
} from '../../codec/index.ts';
import { decoding } from '../../modules/bank/records.ts';
import { assert } from '../../util/assert.ts';
import type { CorridorAccounts, CorridorInput, KycTier } from './args.ts';
import {
  hashBytes,
  type RemittanceStatus,
  remittanceIdBytes,
  remittanceStatuses,
} from './constants.ts';

export type Corridor = CorridorInput & { createdHeight: number; updatedHeight: number };

export type Remittance = {
  id: Uint8Array;
  corridor: string;
  status: RemittanceStatus;
  sendingOrg: string;
  receivingOrg: string;
  fxOrg: string;
  regulators: string[];
  senderAccountId: Uint8Array;
  beneficiaryAccountId: Uint8Array;
  quoteId: Uint8Array;
  rate: string;
  sendCurrency: string;
  receiveCurrency: string;
  sendAmount: bigint;
  fee: bigint;
  totalDebit: bigint;
  receiveAmount: bigint;
  endToEndId?: string | undefined;
  travelRuleHash: Uint8Array;
  createdAtMs: number;
  createdHeight: number;
  /** When a pending remittance expires; 0 when it has no deadline (held, resolved). */
  deadlineMs: number;
  updatedAtMs: number;
  updatedHeight: number;
  reason?: { code: string; message?: string | undefined } | undefined;
  /** Which party matched which sanctions entry, e.g. 'beneficiary: John Doe'. */
  sanctionsMatch?: string | undefined;
  /** The four leg transfer ids, in path order. */
  legs: Uint8Array[];
  /** Every status it has been in, oldest first (at most three: held, pending, then an end). */
  history: StatusChange[];
};

export type StatusReason = { code: string; message?: string | undefined };
export type StatusChange = {
  status: RemittanceStatus;
  atMs: number;
  height: number;
  reason?: StatusReason | undefined;
};

export type AcceptancePolicy = { autoAccept: boolean; maxAmount?: bigint | undefined };
export type KycRecord = { level: number; setBy: string; height: number };
export type SanctionsMeta = { version: number; count: number; loadedBy: string; height: number };
export type SanctionsEntry = { name: string; keys: Uint8Array[] };
export type Obligation = { payer: string; payee: string; currency: string; amount: bigint };

const legCount = 4;
const textMax = 256;

function nullable<T>(value: CborValue | undefined, read: (v: CborValue) => T): T | undefined {
  return value === null || value === undefined ? undefined : read(value);
}

function encodeAccounts(a: CorridorAccounts): CborValue {
  return [a.sendingSettlement, a.fxSend, a.fxReceive, a.receivingSettlement];
}

function decodeAccounts(value: CborValue | undefined): CorridorAccounts {
  const f = readTuple(value, 'accounts', 4);
  return {
    sendingSettlement: readBytes(f[0], 'sendingSettlement', 16),
    fxSend: readBytes(f[1], 'fxSend', 16),
    fxReceive: readBytes(f[2], 'fxReceive', 16),
    receivingSettlement: readBytes(f[3], 'receivingSettlement', 16),
  };
}

function decodeTier(value: CborValue | undefined): KycTier {
  const f = readTuple(value, 'kycTier', 4);
  return {
    level: readUint(f[0], 'level'),
    perTxMax: readUint64(f[1], 'perTxMax'),
    dailyMax: readUint64(f[2], 'dailyMax'),
    monthlyMax: readUint64(f[3], 'monthlyMax'),
  };
}

function readStrings(value: CborValue | undefined, field: string): string[] {
  return readArray(value, field).map((v, i) => readString(v, `${field}[${i}]`, textMax));
}

export function encodeCorridor(c: Corridor): CborValue {
  return [
    c.id,
    c.sendCurrency,
    c.receiveCurrency,
    c.sendingOrg,
    c.receivingOrg,
    c.fxOrg,
    c.regulators,
    encodeAccounts(c.accounts),
    c.acceptWindowSec,
    c.kycTiers.map((t) => [t.level, t.perTxMax, t.dailyMax, t.monthlyMax]),
    c.createdHeight,
    c.updatedHeight,
  ];
}

export function decodeCorridor(value: CborValue): Corridor {
  return decoding('corridor', () => {
    const f = readTuple(value, 'corridor', 12);
    return {
      id: readString(f[0], 'id', textMax),
      sendCurrency: readString(f[1], 'sendCurrency', 3),
      receiveCurrency: readString(f[2], 'receiveCurrency', 3),
      sendingOrg: readString(f[3], 'sendingOrg', textMax),
      receivingOrg: readString(f[4], 'receivingOrg', textMax),
      fxOrg: readString(f[5], 'fxOrg', textMax),
      regulators: readStrings(f[6], 'regulators'),
      accounts: decodeAccounts(f[7]),
      acceptWindowSec: readUint(f[8], 'acceptWindowSec'),
      kycTiers: readArray(f[9], 'kycTiers').map(decodeTier),
      createdHeight: readUint(f[10], 'createdHeight'),
      updatedHeight: readUint(f[11], 'updatedHeight'),
    };
  });
}

export function encodeRemittance(r: Remittance): CborValue {
  return [
    r.id,
    r.corridor,
    r.status,
    r.sendingOrg,
    r.receivingOrg,
    r.fxOrg,
    r.regulators,
    r.senderAccountId,
    r.beneficiaryAccountId,
    r.quoteId,
    r.rate,
    r.sendCurrency,
    r.receiveCurrency,
    r.sendAmount,
    r.fee,
    r.totalDebit,
    r.receiveAmount,
    r.endToEndId ?? null,
    r.travelRuleHash,
    r.createdAtMs,
    r.createdHeight,
    r.deadlineMs,
    r.updatedAtMs,
    r.updatedHeight,
    encodeReason(r.reason),
    r.sanctionsMatch ?? null,
    r.legs,
    encodeHistory(r.history),
  ];
}

function encodeHistory(history: readonly StatusChange[]): CborValue {
  return history.map((h) => [h.status, h.atMs, h.height, encodeReason(h.reason)]);
}

function decodeHistory(value: CborValue | undefined): StatusChange[] {
  return readArray(value, 'history').map((h, i) => decodeChange(h, `history[${i}]`));
}

/** Sets the optional reason and sanctions match of `r` from their stored fields (null: none). */
function setReasonAndMatch(
  r: Remittance,
  reason: CborValue | undefined,
  match: CborValue | undefined,
) {
  const decodedReason = nullable(reason, decodeReason);
  if (decodedReason !== undefined) r.reason = decodedReason;
  const decodedMatch = nullable(match, (v) => readString(v, 'sanctionsMatch', textMax * 2));
  if (decodedMatch !== undefined) r.sanctionsMatch = decodedMatch;
}

function encodeReason(reason: StatusReason | undefined): CborValue {
  return reason === undefined ? null : [reason.code, reason.message ?? null];
}

function decodeChange(value: CborValue | undefined, field: string): StatusChange {
  const f = readTuple(value, field, 4);
  const change: StatusChange = {
    status: readEnum(f[0], 'status', remittanceStatuses),
    atMs: readUint(f[1], 'atMs'),
    height: readUint(f[2], 'height'),
  };
  const reason = nullable(f[3], decodeReason);
  if (reason !== undefined) change.reason = reason;
  return change;
}

function decodeReason(value: CborValue): { code: string; message?: string } {
  const f = readTuple(value, 'reason', 2);
  const code = readString(f[0], 'reason.code', textMax);
  const message = nullable(f[1], (v) => readString(v, 'reason.message', textMax));
  return message === undefined ? { code } : { code, message };
}

export function decodeRemittance(value: CborValue): Remittance {
  return decoding('remittance', () => {
    const f = readTuple(value, 'remittance', 28);
    const legs = readArray(f[26], 'legs').map((l, i) => readBytes(l, `legs[${i}]`, 16));
    assert(legs.length === legCount, 'a remittance has four legs');
    const r: Remittance = {
      id: readBytes(f[0], 'id', remittanceIdBytes),
      corridor: readString(f[1], 'corridor', textMax),
      status: readEnum(f[2], 'status', remittanceStatuses),
      sendingOrg: readString(f[3], 'sendingOrg', textMax),
      receivingOrg: readString(f[4], 'receivingOrg', textMax),
      fxOrg: readString(f[5], 'fxOrg', textMax),
      regulators: readStrings(f[6], 'regulators'),
      senderAccountId: readBytes(f[7], 'senderAccountId', 16),
      beneficiaryAccountId: readBytes(f[8], 'beneficiaryAccountId', 16),
      quoteId: readBytes(f[9], 'quoteId', 16),
      rate: readString(f[10], 'rate', textMax),
      sendCurrency: readString(f[11], 'sendCurrency', 3),
      receiveCurrency: readString(f[12], 'receiveCurrency', 3),
      sendAmount: readUint64(f[13], 'sendAmount'),
      fee: readUint64(f[14], 'fee'),
      totalDebit: readUint64(f[15], 'totalDebit'),
      receiveAmount: readUint64(f[16], 'receiveAmount'),
      travelRuleHash: readBytes(f[18], 'travelRuleHash', hashBytes),
      createdAtMs: readUint(f[19], 'createdAtMs'),
      createdHeight: readUint(f[20], 'createdHeight'),
      deadlineMs: readUint(f[21], 'deadlineMs'),
      updatedAtMs: readUint(f[22], 'updatedAtMs'),
      updatedHeight: readUint(f[23], 'updatedHeight'),
      legs,
      history: decodeHistory(f[27]),
    };
    const endToEndId = nullable(f[17], (v) => readString(v, 'endToEndId', textMax));
    if (endToEndId !== undefined) r.endToEndId = endToEndId;
    setReasonAndMatch(r, f[24], f[25]);
    return r;
  });
}

/**
 * What changes after a send: the status and its deadline, when and why it last changed, the
 * sanctions match of a held one, and the history. The rest stays as the send recorded it.
 */
export function encodeLaterStatus(r: Remittance): CborValue {
  return [
    r.status,
    r.deadlineMs,
    r.updatedAtMs,
    r.updatedHeight,
    encodeReason(r.reason),
    r.sanctionsMatch ?? null,
    encodeHistory(r.history),
  ];
}

/** `sent` (as recorded at the send) with the later status read from `value` in place of its own. */
export function withLaterStatus(sent: Remittance, value: CborValue): Remittance {
  return decoding('remittance status', () => {
    const f = readTuple(value, 'remittance status', 7);
    const r: Remittance = {
      ...sent,
      status: readEnum(f[0], 'status', remittanceStatuses),
      deadlineMs: readUint(f[1], 'deadlineMs'),
      updatedAtMs: readUint(f[2], 'updatedAtMs'),
      updatedHeight: readUint(f[3], 'updatedHeight'),
      history: decodeHistory(f[6]),
    };
    delete r.reason;
    delete r.sanctionsMatch;
    setReasonAndMatch(r, f[4], f[5]);
    return r;
  });
}

export function encodePolicy(p: AcceptancePolicy): CborValue {
  return [p.autoAccept, p.maxAmount ?? null];
}

export function decodePolicy(value: CborValue): AcceptancePolicy {
  return decoding('policy', () => {
    const f = readTuple(value, 'policy', 2);
    const maxAmount = nullable(f[1], (v) => readUint64(v, 'maxAmount'));
    const autoAccept = readBoolean(f[0], 'autoAccept');
    return maxAmount === undefined ? { autoAccept } : { autoAccept, maxAmount };
  });
}

export function encodeKyc(k: KycRecord): CborValue {
  return [k.level, k.setBy, k.height];
}

export function decodeKyc(value: CborValue): KycRecord {
  return decoding('kyc', () => {
    const f = readTuple(value, 'kyc', 3);
    return {
      level: readUint(f[0], 'level'),
      setBy: readString(f[1], 'setBy', textMax),
      height: readUint(f[2], 'height'),
    };
  });
}

export function encodeSanctionsMeta(m: SanctionsMeta): CborValue {
  return [m.version, m.count, m.loadedBy, m.height];
}

export function decodeSanctionsMeta(value: CborValue): SanctionsMeta {
  return decoding('sanctions', () => {
    const f = readTuple(value, 'sanctions', 4);
    return {
      version: readUint(f[0], 'version'),
      count: readUint(f[1], 'count'),
      loadedBy: readString(f[2], 'loadedBy', textMax),
      height: readUint(f[3], 'height'),
    };
  });
}

export function encodeSanctionsEntry(e: SanctionsEntry): CborValue {
  return [e.name, e.keys];
}

export function decodeSanctionsEntry(value: CborValue): SanctionsEntry {
  return decoding('sanctions entry', () => {
    const f = readTuple(value, 'entry', 2);
    return {
      name: readString(f[0], 'name', textMax),
      keys: readArray(f[1], 'keys').map((k, i) => readBytes(k, `keys[${i}]`, 32)),
    };
  });
}

export function encodeObligations(list: readonly Obligation[]): CborValue {
  return list.map((o) => [o.payer, o.payee, o.currency, o.amount]);
}

export function decodeObligations(value: CborValue): Obligation[] {
  return decoding('obligations', () =>
    readArray(value, 'obligations').map((item, i) => {
      const f = readTuple(item, `obligations[${i}]`, 4);
      return {
        payer: readString(f[0], 'payer', textMax),
        payee: readString(f[1], 'payee', textMax),
        currency: readString(f[2], 'currency', 3),
        amount: readUint64(f[3], 'amount'),
      };
    }),
  );
}

/**
 * The open end of an organisation's log: how many chunks of logChunkIds ids are closed (each its own
 * record, never rewritten), and the ids after them, fewer than a chunk's worth.
 */
export type LogHead = { closedChunks: number; open: Uint8Array };

export function encodeLogHead(h: LogHead): CborValue {
  return [h.closedChunks, h.open];
}

export function decodeLogHead(value: CborValue): LogHead {
  return decoding('log head', () => {
    const f = readTuple(value, 'log head', 2);
    const open = f[1];
    if (!(open instanceof Uint8Array) || open.length % remittanceIdBytes !== 0)
      throw new CodecError('wrong_type', 'log head.open', 'expected whole remittance ids');
    return { closedChunks: readUint(f[0], 'log head.closedChunks'), open };
  });
}

/** A stored count or amount (usage sums, daily and monthly limits). */
export function decodeUint64(value: CborValue, what: string): bigint {
  return decoding(what, () => readUint64(value, what));
}

export function decodeUintList(value: CborValue, what: string): number[] {
  return decoding(what, () => readArray(value, what).map((v, i) => readUint(v, `${what}[${i}]`)));
}
