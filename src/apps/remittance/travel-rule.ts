// The Travel-Rule record (FATF Recommendation 16: originator and beneficiary information) that a
// remittance carries encrypted; canonical CBOR with strict readers. Browser-safe; limits follow the
// ISO 20022 pacs.008 fields it maps to (Nm Max140Text, Othr/Id Max35Text, AdrLine 7 x Max70Text).
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readEnum,
  readRecord,
} from '../../codec/index.ts';

export const partyIdTypes = ['passport', 'national_id', 'hkid', 'philsys', 'other'] as const;
export type PartyIdType = (typeof partyIdTypes)[number];

export type TravelRuleParty = {
  name: string; // 1..140 characters
  accountRef: string; // the wallet account / phone alias, 1..64
  id?: { type: PartyIdType; value: string; country: string } | undefined;
  address?: { lines: string[]; country: string } | undefined; // country ISO 3166 alpha-2
  dateOfBirth?: string | undefined; // YYYY-MM-DD
};
export type TravelRule = {
  originator: TravelRuleParty;
  beneficiary: TravelRuleParty;
  purpose?: string | undefined;
};

/** Characters are Unicode code points, as ISO 20022 counts them. */
export const partyNameCharsMax = 140;
export const accountRefCharsMax = 64;
export const partyIdValueCharsMax = 35;
export const addressLinesMax = 7;
export const addressLineCharsMax = 70;
export const purposeCharsMax = 140;
/**
 * The encoded record's ceiling: with 16 recipients of 64-character ids the sealed envelope stays
 * within crypto/envelope.ts's envelopeBytesMax (a test checks the relation).
 */
export const travelRuleRecordBytesMax = 4096;
const dateOfBirthYearMin = 1900;

const countryPattern = /^[A-Z]{2}$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const controlCharacter = /\p{Cc}/u;

/** Canonical CBOR of a Travel-Rule record; throws CodecError naming the first invalid field. */
export function encodeTravelRule(t: TravelRule): Uint8Array {
  const value = travelRuleToCbor(t);
  readTravelRule(value, 'travelRule');
  const bytes = encode(value);
  if (bytes.length > travelRuleRecordBytesMax) {
    throw new CodecError(
      'too_large',
      'travelRule',
      `${bytes.length} bytes, over ${travelRuleRecordBytesMax}`,
    );
  }
  return bytes;
}

/** Reads canonical CBOR back into a record; throws CodecError naming the field. */
export function decodeTravelRule(bytes: Uint8Array): TravelRule {
  return readTravelRule(
    decode(bytes, { bytesMax: travelRuleRecordBytesMax, field: 'travelRule' }),
    'travelRule',
  );
}

/** The CBOR value of a record, optional fields omitted when undefined; does not check values. */
export function travelRuleToCbor(t: TravelRule): CborValue {
  return withoutUndefined({
    originator: partyToCbor(t.originator),
    beneficiary: partyToCbor(t.beneficiary),
    purpose: t.purpose,
  });
}

export function readTravelRule(value: CborValue | undefined, field: string): TravelRule {
  const map = readRecord(value, field, ['originator', 'beneficiary'], ['purpose']);
  const out: TravelRule = {
    originator: readParty(map.originator, `${field}.originator`),
    beneficiary: readParty(map.beneficiary, `${field}.beneficiary`),
  };
  if ('purpose' in map) out.purpose = readText(map.purpose, `${field}.purpose`, purposeCharsMax);
  return out;
}

function partyToCbor(p: TravelRuleParty): CborValue {
  // A missing party or a non-object reaches readParty as is, which names the field.
  if (typeof p !== 'object' || p === null) return p as unknown as CborValue;
  return withoutUndefined({
    name: p.name,
    accountRef: p.accountRef,
    id:
      p.id === undefined
        ? undefined
        : withoutUndefined({ type: p.id.type, value: p.id.value, country: p.id.country }),
    address:
      p.address === undefined
        ? undefined
        : withoutUndefined({ lines: p.address.lines, country: p.address.country }),
    dateOfBirth: p.dateOfBirth,
  });
}

function readParty(value: CborValue | undefined, field: string): TravelRuleParty {
  const map = readRecord(value, field, ['name', 'accountRef'], ['id', 'address', 'dateOfBirth']);
  const party: TravelRuleParty = {
    name: readText(map.name, `${field}.name`, partyNameCharsMax),
    accountRef: readText(map.accountRef, `${field}.accountRef`, accountRefCharsMax),
  };
  if ('id' in map) {
    const id = readRecord(map.id, `${field}.id`, ['type', 'value', 'country']);
    party.id = {
      type: readEnum(id.type, `${field}.id.type`, partyIdTypes),
      value: readText(id.value, `${field}.id.value`, partyIdValueCharsMax),
      country: readCountry(id.country, `${field}.id.country`),
    };
  }
  if ('address' in map) {
    const address = readRecord(map.address, `${field}.address`, ['lines', 'country']);
    const lines = readArray(address.lines, `${field}.address.lines`, addressLinesMax);
    party.address = {
      lines: lines.map((line, i) =>
        readText(line, `${field}.address.lines[${i}]`, addressLineCharsMax),
      ),
      country: readCountry(address.country, `${field}.address.country`),
    };
  }
  if ('dateOfBirth' in map) party.dateOfBirth = readDate(map.dateOfBirth, `${field}.dateOfBirth`);
  return party;
}

/** Text of 1..max code points, not blank, without control characters. */
function readText(value: CborValue | undefined, field: string, charsMax: number): string {
  if (typeof value !== 'string')
    throw new CodecError('wrong_type', field, 'expected a text string');
  // Cheap bound first: a string of more than 2 * max UTF-16 units has more than max code points.
  if (value.length > charsMax * 2 || [...value].length > charsMax) {
    throw new CodecError('out_of_range', field, `longer than ${charsMax} characters`);
  }
  if (value.trim().length === 0) throw new CodecError('out_of_range', field, 'is empty');
  if (controlCharacter.test(value)) {
    throw new CodecError('out_of_range', field, 'contains a control character');
  }
  return value;
}

/** ISO 3166-1 alpha-2 shape (two capital letters); which codes exist is not checked here. */
function readCountry(value: CborValue | undefined, field: string): string {
  if (typeof value !== 'string')
    throw new CodecError('wrong_type', field, 'expected a text string');
  if (!countryPattern.test(value)) {
    throw new CodecError('out_of_range', field, 'expected an ISO 3166 alpha-2 code such as HK');
  }
  return value;
}

/** A real calendar date YYYY-MM-DD from 1900 on. */
function readDate(value: CborValue | undefined, field: string): string {
  if (typeof value !== 'string')
    throw new CodecError('wrong_type', field, 'expected a text string');
  const m = datePattern.exec(value);
  const [year, month, day] = m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    m !== null &&
    year >= dateOfBirthYearMin &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  if (!real) throw new CodecError('out_of_range', field, 'expected a date YYYY-MM-DD from 1900');
  return value;
}

function withoutUndefined(fields: Record<string, CborValue | undefined>): CborValue {
  const out: Record<string, CborValue> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}
