// The Travel-Rule record (src/apps/remittance/travel-rule.ts): round trips, canonical bytes, the
// field limits and errors naming the field, and its fit inside an envelope.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  accountRefCharsMax,
  addressLineCharsMax,
  addressLinesMax,
  decodeTravelRule,
  encodeTravelRule,
  partyIdValueCharsMax,
  partyNameCharsMax,
  purposeCharsMax,
  type TravelRule,
  type TravelRuleParty,
  travelRuleRecordBytesMax,
} from '../../src/apps/remittance/travel-rule.ts';
import { type CborValue, CodecError, decode, encode } from '../../src/codec/index.ts';
import {
  envelopeBytesMax,
  envelopeRecipientsMax,
  generateEncryptionKeyPair,
  recipientIdLengthMax,
  sealEnvelope,
} from '../../src/crypto/envelope.ts';

const full: TravelRule = {
  originator: {
    name: 'Chan Tai Man',
    accountRef: '+852-6123-4567',
    id: { type: 'hkid', value: 'A123456(7)', country: 'HK' },
    address: { lines: ['Flat 5, 12/F, Tower 2', '8 Harbour Road, Wan Chai'], country: 'HK' },
    dateOfBirth: '1985-02-28',
  },
  beneficiary: {
    name: 'Juan dela Cruz',
    accountRef: '09171234567',
    id: { type: 'philsys', value: '1234-5678-9012-3456', country: 'PH' },
  },
  purpose: 'Family support',
};
const minimal: TravelRule = {
  originator: { name: 'Chan Tai Man', accountRef: 'hk-wallet-001' },
  beneficiary: { name: 'Juan dela Cruz', accountRef: 'ph-wallet-002' },
};

function throwsField(fn: () => unknown, field: string, code?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CodecError, String(e));
    assert.equal(e.field, field);
    if (code !== undefined) assert.equal(e.code, code);
    return true;
  });
}

/** The record with one party field replaced (undefined removes it). */
function withOriginator(fields: Partial<Record<keyof TravelRuleParty, unknown>>): TravelRule {
  return { ...full, originator: { ...full.originator, ...fields } as TravelRuleParty };
}

describe('Travel-Rule round trips', () => {
  test('a full record and a minimal one decode to what was encoded', () => {
    assert.deepEqual(decodeTravelRule(encodeTravelRule(full)), full);
    assert.deepEqual(decodeTravelRule(encodeTravelRule(minimal)), minimal);
  });

  test('undefined optional fields are omitted, so both spellings give the same bytes', () => {
    const explicit: TravelRule = {
      ...minimal,
      purpose: undefined,
      originator: {
        ...minimal.originator,
        id: undefined,
        address: undefined,
        dateOfBirth: undefined,
      },
    };
    assert.deepEqual(encodeTravelRule(explicit), encodeTravelRule(minimal));
    assert.deepEqual(Object.keys(decodeTravelRule(encodeTravelRule(explicit))), [
      'originator',
      'beneficiary',
    ]);
  });

  test('property: any valid record round-trips and decoding is canonical', () => {
    const text = (max: number) =>
      fc
        .string({ unit: 'binary', minLength: 1, maxLength: max })
        .filter((s) => s.trim().length > 0 && !/\p{Cc}/u.test(s));
    const country = fc.stringMatching(/^[A-Z]{2}$/);
    const party = fc.record(
      {
        name: text(partyNameCharsMax),
        accountRef: text(accountRefCharsMax),
        id: fc.record(
          {
            type: fc.constantFrom('passport', 'national_id', 'hkid', 'philsys', 'other' as const),
            value: text(partyIdValueCharsMax),
            country,
          },
          { noNullPrototype: true },
        ),
        address: fc.record(
          { lines: fc.array(text(20), { maxLength: addressLinesMax }), country },
          { noNullPrototype: true },
        ),
        dateOfBirth: fc
          .date({
            min: new Date('1900-01-01T00:00:00Z'),
            max: new Date('2020-12-31T00:00:00Z'),
            noInvalidDate: true,
          })
          .map((d) => d.toISOString().slice(0, 10)),
      },
      { requiredKeys: ['name', 'accountRef'], noNullPrototype: true },
    );
    let encoded = 0;
    fc.assert(
      fc.property(
        party,
        party,
        fc.option(text(purposeCharsMax), { nil: undefined }),
        (originator, beneficiary, purpose) => {
          const record: TravelRule =
            purpose === undefined
              ? { originator, beneficiary }
              : { originator, beneficiary, purpose };
          let bytes: Uint8Array;
          try {
            bytes = encodeTravelRule(record);
          } catch (error) {
            // Long multi-byte texts can pass every field limit and still exceed the byte ceiling.
            assert.ok(error instanceof CodecError && error.code === 'too_large', String(error));
            return;
          }
          encoded++;
          assert.deepEqual(decodeTravelRule(bytes), record);
          assert.deepEqual(encodeTravelRule(decodeTravelRule(bytes)), bytes);
        },
      ),
      { numRuns: 60 },
    );
    assert.ok(encoded > 0, 'some generated records were within the byte limit');
  });
});

describe('Travel-Rule field checks name the field', () => {
  test('error: names, account refs, ids and purposes outside their limits', () => {
    throwsField(
      () => encodeTravelRule(withOriginator({ name: '' })),
      'travelRule.originator.name',
      'out_of_range',
    );
    throwsField(
      () => encodeTravelRule(withOriginator({ name: '   ' })),
      'travelRule.originator.name',
      'out_of_range',
    );
    throwsField(
      () => encodeTravelRule(withOriginator({ name: 'x'.repeat(partyNameCharsMax + 1) })),
      'travelRule.originator.name',
    );
    throwsField(
      () => encodeTravelRule(withOriginator({ name: 'Chan\u0000Tai' })),
      'travelRule.originator.name',
    );
    throwsField(
      () => encodeTravelRule(withOriginator({ name: 42 })),
      'travelRule.originator.name',
      'wrong_type',
    );
    throwsField(
      () => encodeTravelRule(withOriginator({ name: undefined })),
      'travelRule.originator.name',
      'missing_field',
    );
    throwsField(
      () => encodeTravelRule(withOriginator({ accountRef: 'a'.repeat(accountRefCharsMax + 1) })),
      'travelRule.originator.accountRef',
    );
    throwsField(
      () =>
        encodeTravelRule(
          withOriginator({ id: { type: 'driving_licence', value: 'X1', country: 'HK' } }),
        ),
      'travelRule.originator.id.type',
    );
    throwsField(
      () =>
        encodeTravelRule(
          withOriginator({
            id: { type: 'passport', value: '9'.repeat(partyIdValueCharsMax + 1), country: 'HK' },
          }),
        ),
      'travelRule.originator.id.value',
    );
    throwsField(
      () => encodeTravelRule({ ...full, purpose: 'p'.repeat(purposeCharsMax + 1) }),
      'travelRule.purpose',
    );
  });

  test('a name of 140 characters counts code points, not UTF-16 units', () => {
    const name = '𠀀'.repeat(partyNameCharsMax);
    assert.equal(
      decodeTravelRule(encodeTravelRule(withOriginator({ name }))).originator.name,
      name,
    );
    throwsField(
      () => encodeTravelRule(withOriginator({ name: `${name}a` })),
      'travelRule.originator.name',
    );
  });

  test('error: countries that are not two capital letters', () => {
    for (const country of ['hk', 'HKG', 'H', '']) {
      throwsField(
        () => encodeTravelRule(withOriginator({ address: { lines: ['1 Road'], country } })),
        'travelRule.originator.address.country',
      );
    }
    throwsField(
      () => encodeTravelRule(withOriginator({ id: { type: 'hkid', value: 'A1', country: 'hk' } })),
      'travelRule.originator.id.country',
    );
  });

  test('error: too many address lines, or a line too long', () => {
    const lines = Array.from({ length: addressLinesMax + 1 }, (_, i) => `line ${i}`);
    throwsField(
      () => encodeTravelRule(withOriginator({ address: { lines, country: 'HK' } })),
      'travelRule.originator.address.lines',
    );
    throwsField(
      () =>
        encodeTravelRule(
          withOriginator({
            address: { lines: ['ok', 'y'.repeat(addressLineCharsMax + 1)], country: 'HK' },
          }),
        ),
      'travelRule.originator.address.lines[1]',
    );
  });

  test('error: dates of birth that are not real YYYY-MM-DD dates from 1900', () => {
    for (const date of [
      '1985-2-28',
      '1985-02-30',
      '2001-13-01',
      '1899-12-31',
      '28/02/1985',
      '1985-02-28T00:00',
    ]) {
      throwsField(
        () => encodeTravelRule(withOriginator({ dateOfBirth: date })),
        'travelRule.originator.dateOfBirth',
      );
    }
    assert.equal(
      decodeTravelRule(encodeTravelRule(withOriginator({ dateOfBirth: '2000-02-29' }))).originator
        .dateOfBirth,
      '2000-02-29',
    );
  });
});

describe('decodeTravelRule is strict', () => {
  const bytes = encodeTravelRule(full);
  const edited = (edit: (m: Record<string, CborValue>) => void): Uint8Array => {
    const map = { ...(decode(bytes) as Record<string, CborValue>) };
    edit(map);
    return encode(map);
  };

  test('error: unknown, missing and null fields', () => {
    throwsField(
      () =>
        decodeTravelRule(
          edited((m) => {
            m.memo = 'x';
          }),
        ),
      'travelRule.memo',
      'unknown_field',
    );
    throwsField(
      () =>
        decodeTravelRule(
          edited((m) => {
            delete m.beneficiary;
          }),
        ),
      'travelRule.beneficiary',
      'missing_field',
    );
    throwsField(
      () =>
        decodeTravelRule(
          edited((m) => {
            m.purpose = null;
          }),
        ),
      'travelRule.purpose',
      'wrong_type',
    );
    throwsField(
      () =>
        decodeTravelRule(
          edited((m) => {
            m.beneficiary = { ...(m.beneficiary as Record<string, CborValue>), email: 'a@b' };
          }),
        ),
      'travelRule.beneficiary.email',
      'unknown_field',
    );
  });

  test('error: not CBOR, not canonical, not a map, over the byte limit', () => {
    throwsField(() => decodeTravelRule(new Uint8Array([0xff])), 'travelRule');
    throwsField(() => decodeTravelRule(encode(['originator'])), 'travelRule', 'wrong_type');
    throwsField(
      () => decodeTravelRule(new Uint8Array(travelRuleRecordBytesMax + 1)),
      'travelRule',
      'too_large',
    );
    const long = new Uint8Array([0xb8, 0x02, ...bytes.subarray(1)]);
    throwsField(() => decodeTravelRule(long), 'travelRule', 'non_canonical');
  });
});

describe('Travel-Rule limits against the envelope', () => {
  test('the largest record sealed to sixteen recipients of the longest ids fits envelopeBytesMax', async () => {
    const recipients = await Promise.all(
      Array.from({ length: envelopeRecipientsMax }, async (_, i) => ({
        id: String(i).padStart(recipientIdLengthMax, 'o'),
        publicKey: (await generateEncryptionKeyPair()).publicKey,
      })),
    );
    const envelope = await sealEnvelope(
      new Uint8Array(travelRuleRecordBytesMax),
      recipients,
      new Uint8Array(16),
    );
    assert.ok(envelope.length <= envelopeBytesMax, `${envelope.length} bytes`);
  });

  test('a record over travelRuleRecordBytesMax is refused on encoding', () => {
    const heavy = (): TravelRuleParty => ({
      name: '𠀀'.repeat(partyNameCharsMax),
      accountRef: '𠀀'.repeat(accountRefCharsMax),
      address: {
        lines: Array.from({ length: addressLinesMax }, () => '𠀀'.repeat(addressLineCharsMax)),
        country: 'HK',
      },
    });
    throwsField(
      () => encodeTravelRule({ originator: heavy(), beneficiary: heavy() }),
      'travelRule',
      'too_large',
    );
  });
});
