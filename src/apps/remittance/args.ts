// The remittance methods' arguments: builders for clients and strict readers for the module. Browser-
// safe (the SDK builds send args with it). A malformed argument throws CodecError naming the field,
// which the runtime turns into 'invalid_args'.
import {
  type CborValue,
  CodecError,
  readArray,
  readBoolean,
  readBytes,
  readBytesMax,
  readEnum,
  readRecord,
  readString,
  readUint,
  readUint64,
} from '../../codec/index.ts';
import { readSignedQuote, type SignedQuote, signedQuoteToCbor } from '../../modules/fx/quote.ts';
import {
  acceptWindowSecMax,
  corridorIdPattern,
  endToEndIdLengthMax,
  hashBytes,
  kycLevelMax,
  kycTiersMax,
  orgIdLengthMax,
  type ReviewDecision,
  reasonCodePattern,
  reasonMessageLengthMax,
  regulatorsMax,
  remittanceIdBytes,
  reviewDecisions,
  reviewNoteLengthMax,
  sanctionsNameLengthMax,
  sanctionsNamesPerCallMax,
  screeningKeyBytes,
  screeningKeysMax,
  travelRuleBytesMax,
} from './constants.ts';

const accountIdBytes = 16;
const currencyPattern = /^[A-Z]{3}$/;

export type KycTier = { level: number; perTxMax: bigint; dailyMax: bigint; monthlyMax: bigint };
export type CorridorAccounts = {
  sendingSettlement: Uint8Array;
  fxSend: Uint8Array;
  fxReceive: Uint8Array;
  receivingSettlement: Uint8Array;
};
export type CorridorInput = {
  id: string;
  sendCurrency: string;
  receiveCurrency: string;
  sendingOrg: string;
  receivingOrg: string;
  fxOrg: string;
  regulators: string[];
  accounts: CorridorAccounts;
  /** How long the receiving wallet has to accept or reject a pending remittance. */
  acceptWindowSec: number;
  /** Ascending levels; a sender at level L gets the highest tier whose level is at most L. */
  kycTiers: KycTier[];
};
export type KycInput = { accountId: Uint8Array; level: number };
export type PolicyInput = { corridor: string; autoAccept: boolean; maxAmount?: bigint | undefined };
export type SanctionsInput = { names: string[]; replace: boolean };
export type ScreeningKeys = { originator: Uint8Array[]; beneficiary: Uint8Array[] };
export type SendInput = {
  /** The UETR: a UUID v4. */
  id: Uint8Array;
  corridor: string;
  quote: SignedQuote;
  senderAccountId: Uint8Array;
  beneficiaryAccountId: Uint8Array;
  /** The Travel-Rule data sealed (crypto/envelope.ts) to the corridor's organisations. */
  travelRule: Uint8Array;
  /** sha256 of travelRule. */
  travelRuleHash: Uint8Array;
  screening: ScreeningKeys;
  endToEndId?: string | undefined;
};
export type RejectInput = { id: Uint8Array; reason: string; message?: string | undefined };
export type ReviewInput = { id: Uint8Array; decision: ReviewDecision; note?: string | undefined };

// ---- builders (clients) ----

export function corridorArgs(c: CorridorInput): CborValue {
  return {
    id: c.id,
    sendCurrency: c.sendCurrency,
    receiveCurrency: c.receiveCurrency,
    sendingOrg: c.sendingOrg,
    receivingOrg: c.receivingOrg,
    fxOrg: c.fxOrg,
    regulators: c.regulators,
    accounts: { ...c.accounts },
    acceptWindowSec: c.acceptWindowSec,
    kycTiers: c.kycTiers.map((t) => ({ ...t })),
  };
}

export function sendArgs(s: SendInput): CborValue {
  const args: { [key: string]: CborValue } = {
    id: s.id,
    corridor: s.corridor,
    quote: signedQuoteToCbor(s.quote),
    senderAccountId: s.senderAccountId,
    beneficiaryAccountId: s.beneficiaryAccountId,
    travelRule: s.travelRule,
    travelRuleHash: s.travelRuleHash,
    screening: { originator: s.screening.originator, beneficiary: s.screening.beneficiary },
  };
  if (s.endToEndId !== undefined) args.endToEndId = s.endToEndId;
  return args;
}

export function rejectArgs(r: RejectInput): CborValue {
  return r.message === undefined
    ? { id: r.id, reason: r.reason }
    : { id: r.id, reason: r.reason, message: r.message };
}

export function reviewArgs(r: ReviewInput): CborValue {
  return r.note === undefined
    ? { id: r.id, decision: r.decision }
    : { id: r.id, decision: r.decision, note: r.note };
}

export function policyArgs(p: PolicyInput): CborValue {
  return p.maxAmount === undefined
    ? { corridor: p.corridor, autoAccept: p.autoAccept }
    : { corridor: p.corridor, autoAccept: p.autoAccept, maxAmount: p.maxAmount };
}

// ---- readers (the module) ----

function readNonEmpty(value: CborValue | undefined, field: string, lengthMax: number): string {
  const text = readString(value, field, lengthMax);
  if (text.length === 0) throw new CodecError('out_of_range', field, 'must not be empty');
  return text;
}

function readPattern(
  value: CborValue | undefined,
  field: string,
  pattern: RegExp,
  what: string,
): string {
  const text = readString(value, field, 64);
  if (!pattern.test(text)) throw new CodecError('wrong_type', field, `expected ${what}`);
  return text;
}

export function readCorridorId(value: CborValue | undefined, field: string): string {
  return readPattern(value, field, corridorIdPattern, 'a corridor id (1 to 32 of A-Z a-z 0-9 _ -)');
}

function readCurrency(value: CborValue | undefined, field: string): string {
  return readPattern(value, field, currencyPattern, 'an ISO 4217 code (three capital letters)');
}

function readOrgId(value: CborValue | undefined, field: string): string {
  return readNonEmpty(value, field, orgIdLengthMax);
}

function readAccountId(value: CborValue | undefined, field: string): Uint8Array {
  return readBytes(value, field, accountIdBytes);
}

/** A UUID v4 (RFC 9562): version nibble 4 and variant bits 10, as an ISO 20022 UETR is. */
export function readUetr(value: CborValue | undefined, field: string): Uint8Array {
  const id = readBytes(value, field, remittanceIdBytes);
  if (id[6]! >> 4 !== 4 || id[8]! >> 6 !== 2)
    throw new CodecError('wrong_type', field, 'expected a UUID v4');
  return id;
}

function readOptional<T>(value: CborValue | undefined, read: (v: CborValue) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

function readKycTiers(value: CborValue | undefined, field: string): KycTier[] {
  const items = readArray(value, field, kycTiersMax);
  if (items.length === 0) throw new CodecError('out_of_range', field, 'must not be empty');
  const tiers = items.map((item, i) => {
    const f = readRecord(item, `${field}[${i}]`, ['level', 'perTxMax', 'dailyMax', 'monthlyMax']);
    return {
      level: readUint(f.level, `${field}[${i}].level`, kycLevelMax),
      perTxMax: readUint64(f.perTxMax, `${field}[${i}].perTxMax`),
      dailyMax: readUint64(f.dailyMax, `${field}[${i}].dailyMax`),
      monthlyMax: readUint64(f.monthlyMax, `${field}[${i}].monthlyMax`),
    };
  });
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i]!.level <= tiers[i - 1]!.level) {
      throw new CodecError('out_of_range', `${field}[${i}].level`, 'levels must ascend strictly');
    }
  }
  return tiers;
}

export function readCorridorInput(value: CborValue | undefined, field: string): CorridorInput {
  const keys = ['id', 'sendCurrency', 'receiveCurrency', 'sendingOrg', 'receivingOrg', 'fxOrg'];
  const f = readRecord(value, field, [
    ...keys,
    'regulators',
    'accounts',
    'acceptWindowSec',
    'kycTiers',
  ]);
  const a = readRecord(f.accounts, `${field}.accounts`, [
    'sendingSettlement',
    'fxSend',
    'fxReceive',
    'receivingSettlement',
  ]);
  const regulators = readArray(f.regulators, `${field}.regulators`, regulatorsMax).map((r, i) =>
    readOrgId(r, `${field}.regulators[${i}]`),
  );
  if (new Set(regulators).size !== regulators.length) {
    throw new CodecError('out_of_range', `${field}.regulators`, 'lists an org twice');
  }
  const acceptWindowSec = readUint(
    f.acceptWindowSec,
    `${field}.acceptWindowSec`,
    acceptWindowSecMax,
  );
  if (acceptWindowSec === 0)
    throw new CodecError('out_of_range', `${field}.acceptWindowSec`, 'must be at least 1');
  const input: CorridorInput = {
    id: readCorridorId(f.id, `${field}.id`),
    sendCurrency: readCurrency(f.sendCurrency, `${field}.sendCurrency`),
    receiveCurrency: readCurrency(f.receiveCurrency, `${field}.receiveCurrency`),
    sendingOrg: readOrgId(f.sendingOrg, `${field}.sendingOrg`),
    receivingOrg: readOrgId(f.receivingOrg, `${field}.receivingOrg`),
    fxOrg: readOrgId(f.fxOrg, `${field}.fxOrg`),
    regulators,
    accounts: {
      sendingSettlement: readAccountId(a.sendingSettlement, `${field}.accounts.sendingSettlement`),
      fxSend: readAccountId(a.fxSend, `${field}.accounts.fxSend`),
      fxReceive: readAccountId(a.fxReceive, `${field}.accounts.fxReceive`),
      receivingSettlement: readAccountId(
        a.receivingSettlement,
        `${field}.accounts.receivingSettlement`,
      ),
    },
    acceptWindowSec,
    kycTiers: readKycTiers(f.kycTiers, `${field}.kycTiers`),
  };
  if (input.sendCurrency === input.receiveCurrency) {
    throw new CodecError(
      'out_of_range',
      `${field}.receiveCurrency`,
      'must differ from sendCurrency',
    );
  }
  return input;
}

export function readKycInput(value: CborValue | undefined, field: string): KycInput {
  const f = readRecord(value, field, ['accountId', 'level']);
  return {
    accountId: readAccountId(f.accountId, `${field}.accountId`),
    level: readUint(f.level, `${field}.level`, kycLevelMax),
  };
}

export function readPolicyInput(value: CborValue | undefined, field: string): PolicyInput {
  const f = readRecord(value, field, ['corridor', 'autoAccept'], ['maxAmount']);
  return {
    corridor: readCorridorId(f.corridor, `${field}.corridor`),
    autoAccept: readBoolean(f.autoAccept, `${field}.autoAccept`),
    maxAmount: readOptional(f.maxAmount, (v) => readUint64(v, `${field}.maxAmount`)),
  };
}

export function readSanctionsInput(value: CborValue | undefined, field: string): SanctionsInput {
  const f = readRecord(value, field, ['names', 'replace']);
  const names = readArray(f.names, `${field}.names`, sanctionsNamesPerCallMax).map((n, i) =>
    readNonEmpty(n, `${field}.names[${i}]`, sanctionsNameLengthMax),
  );
  return { names, replace: readBoolean(f.replace, `${field}.replace`) };
}

function readScreeningKeys(value: CborValue | undefined, field: string): Uint8Array[] {
  return readArray(value, field, screeningKeysMax).map((k, i) =>
    readBytes(k, `${field}[${i}]`, screeningKeyBytes),
  );
}

export function readSendInput(value: CborValue | undefined, field: string): SendInput {
  const f = readRecord(
    value,
    field,
    [
      'id',
      'corridor',
      'quote',
      'senderAccountId',
      'beneficiaryAccountId',
      'travelRule',
      'travelRuleHash',
      'screening',
    ],
    ['endToEndId'],
  );
  const s = readRecord(f.screening, `${field}.screening`, ['originator', 'beneficiary']);
  const travelRule = readBytesMax(f.travelRule, `${field}.travelRule`, travelRuleBytesMax);
  if (travelRule.length === 0)
    throw new CodecError('out_of_range', `${field}.travelRule`, 'must not be empty');
  return {
    id: readUetr(f.id, `${field}.id`),
    corridor: readCorridorId(f.corridor, `${field}.corridor`),
    quote: readSignedQuote(f.quote, `${field}.quote`),
    senderAccountId: readAccountId(f.senderAccountId, `${field}.senderAccountId`),
    beneficiaryAccountId: readAccountId(f.beneficiaryAccountId, `${field}.beneficiaryAccountId`),
    travelRule,
    travelRuleHash: readBytes(f.travelRuleHash, `${field}.travelRuleHash`, hashBytes),
    screening: {
      originator: readScreeningKeys(s.originator, `${field}.screening.originator`),
      beneficiary: readScreeningKeys(s.beneficiary, `${field}.screening.beneficiary`),
    },
    endToEndId: readOptional(f.endToEndId, (v) =>
      readNonEmpty(v, `${field}.endToEndId`, endToEndIdLengthMax),
    ),
  };
}

export function readIdInput(value: CborValue | undefined, field: string): Uint8Array {
  const f = readRecord(value, field, ['id']);
  return readUetr(f.id, `${field}.id`);
}

export function readRejectInput(value: CborValue | undefined, field: string): RejectInput {
  const f = readRecord(value, field, ['id', 'reason'], ['message']);
  return {
    id: readUetr(f.id, `${field}.id`),
    reason: readPattern(
      f.reason,
      `${field}.reason`,
      reasonCodePattern,
      'an ISO 20022 status reason code (4 characters)',
    ),
    message: readOptional(f.message, (v) =>
      readString(v, `${field}.message`, reasonMessageLengthMax),
    ),
  };
}

export function readReviewInput(value: CborValue | undefined, field: string): ReviewInput {
  const f = readRecord(value, field, ['id', 'decision'], ['note']);
  return {
    id: readUetr(f.id, `${field}.id`),
    decision: readEnum(f.decision, `${field}.decision`, reviewDecisions),
    note: readOptional(f.note, (v) => readString(v, `${field}.note`, reviewNoteLengthMax)),
  };
}
