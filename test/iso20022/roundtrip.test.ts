// Property: buildPacs008 -> parsePacs008 keeps every field, for arbitrary valid messages (texts with
// any XML-legal characters, markup characters included). XSD validation is in the example tests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compact } from '../../src/apps/remittance/iso20022/compact.ts';
import {
  buildPacs002,
  buildPacs008,
  type Pacs002Input,
  type Pacs008,
  parsePacs002,
  parsePacs008,
} from '../../src/apps/remittance/iso20022/index.ts';
import type {
  Agent,
  CodeOrProprietary,
  Party,
  PostalAddress,
} from '../../src/apps/remittance/iso20022/types.ts';

/** XML 1.0 Char: no C0 controls but tab, LF and CR; no U+FFFE / U+FFFF. */
const legal = (s: string): boolean =>
  s.length > 0 &&
  [...s].every((ch) => {
    const c = ch.codePointAt(0)!;
    return (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) && c !== 0xfffe && c !== 0xffff;
  });
const text = (max: number) =>
  fc.string({ unit: 'binary', minLength: 1, maxLength: max }).filter(legal);
const upper = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: n, maxLength: n });
const alnum = (n: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    minLength: n,
    maxLength: n,
  });
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const bic = fc
  .tuple(alnum(4), upper(2), alnum(2), fc.option(alnum(3), { nil: undefined }))
  .map((p) => p.join(''));
const currency = upper(3);
const country = upper(2);
const amount = fc
  .tuple(digits(1, 13), fc.option(digits(1, 5), { nil: undefined }))
  .map(([i, f]) => (f === undefined ? i : `${i}.${f}`));
const uetr = fc.uuid({ version: 4 });
const date = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const dateTime = fc
  .date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString());
const choice = (codeMax: number): fc.Arbitrary<CodeOrProprietary> =>
  fc.oneof(
    text(codeMax).map((code) => ({ code })),
    text(35).map((proprietary) => ({ proprietary })),
  );
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

// Drops the undefined members that fc.option gives, as the readers leave absent fields out.
const strip = compact;

const address: fc.Arbitrary<PostalAddress> = fc
  .record({
    street: opt(text(70)),
    buildingNumber: opt(text(16)),
    postCode: opt(text(16)),
    town: opt(text(35)),
    countrySubDivision: opt(text(35)),
    country: opt(country),
    lines: opt(fc.array(text(70), { minLength: 1, maxLength: 7 })),
  })
  .map((v) => strip(v));

const agent: fc.Arbitrary<Agent> = fc
  .record({
    bic: opt(bic),
    clearingMember: opt(
      fc.record({ memberId: text(35), system: opt(choice(5)) }).map((v) => strip(v)),
    ),
    lei: opt(fc.tuple(alnum(18), digits(2, 2)).map((p) => p.join(''))),
    name: opt(text(140)),
    postalAddress: opt(address),
  })
  .map((v) => strip(v))
  .filter(
    (a) =>
      a.bic !== undefined ||
      a.clearingMember !== undefined ||
      a.lei !== undefined ||
      a.name !== undefined,
  );

const otherId = fc
  .record({ id: text(35), scheme: opt(choice(4)), issuer: opt(text(35)) })
  .map((v) => strip(v));
const partyId = fc.oneof(
  fc
    .record({
      kind: fc.constant('organisation' as const),
      anyBic: opt(bic),
      others: fc.array(otherId, { maxLength: 2 }),
    })
    .map((v) => strip(v)),
  fc
    .record({
      kind: fc.constant('person' as const),
      birth: opt(
        fc.record({ date, province: opt(text(35)), city: text(35), country }).map((v) => strip(v)),
      ),
      others: fc.array(otherId, { maxLength: 2 }),
    })
    .map((v) => strip(v)),
);
const party = (named: boolean): fc.Arbitrary<Party> =>
  fc
    .record({
      name: named ? text(140) : opt(text(140)),
      postalAddress: opt(address),
      id: opt(partyId),
      country: opt(country),
    })
    .map((v) => strip(v));
const namedParty = party(true) as fc.Arbitrary<Party & { name: string }>;

const account = fc
  .record({
    id: fc.oneof(
      fc.tuple(upper(2), digits(2, 2), alnum(10)).map((p) => ({ iban: p.join('') })),
      fc
        .record({ other: text(34), scheme: opt(choice(4)), issuer: opt(text(35)) })
        .map((v) => strip(v)),
    ),
    currency: opt(currency),
    name: opt(text(70)),
    proxy: opt(fc.record({ id: text(64), type: opt(choice(4)) }).map((v) => strip(v))),
  })
  .map((v) => strip(v));

const pacs008: fc.Arbitrary<Pacs008> = fc
  .record({
    msgId: text(35),
    createdAt: dateTime,
    settlementMethod: fc.constantFrom('INDA', 'INGA', 'COVE', 'CLRG' as const),
    clearingSystem: opt(choice(3)),
    uetr,
    endToEndId: text(35),
    instrId: opt(text(35)),
    txId: opt(text(35)),
    interbankSettlement: fc.record({ currency, amount }),
    interbankSettlementDate: opt(date),
    instructed: opt(fc.record({ currency, amount })),
    exchangeRate: opt(fc.tuple(digits(1, 1), digits(1, 10)).map(([i, f]) => `${i}.${f}`)),
    chargeBearer: fc.constantFrom('DEBT', 'CRED', 'SHAR', 'SLEV' as const),
    charges: fc.array(fc.record({ amount: fc.record({ currency, amount }), agent }), {
      maxLength: 2,
    }),
    instructingAgent: opt(agent),
    instructedAgent: opt(agent),
    intermediaryAgents: fc.array(agent, { maxLength: 3 }),
    ultimateDebtor: opt(party(false)),
    debtor: namedParty,
    debtorAccount: opt(account),
    debtorAgent: agent,
    creditorAgent: agent,
    creditor: namedParty,
    creditorAccount: opt(account),
    ultimateCreditor: opt(party(false)),
    purpose: opt(choice(4)),
    remittanceInfo: opt(
      fc.record({
        unstructured: fc.array(text(140), { maxLength: 2 }),
        documents: fc.array(
          fc
            .record({
              type: opt(
                fc.oneof(
                  fc.constantFrom({ code: 'CINV' }, { code: 'CMCN' }),
                  choice(35).filter((c) => 'proprietary' in c),
                ),
              ),
              number: opt(text(35)),
              date: opt(date),
            })
            .map((v) => strip(v)),
          { maxLength: 2 },
        ),
      }),
    ),
  })
  .map((m) => strip(m) as Pacs008);

describe('ISO 20022 round trips', () => {
  it('buildPacs008 -> parsePacs008 keeps every field', () => {
    fc.assert(
      fc.property(pacs008, (m) => {
        // structuredClone: fast-check may build null-prototype records, which deepEqual tells apart
        assert.deepEqual(parsePacs008(buildPacs008(m)), structuredClone(m));
      }),
      { numRuns: 60 },
    );
  });

  it('buildPacs002 -> parsePacs002 keeps every field', () => {
    const input = fc
      .record({
        msgId: text(35),
        createdAt: dateTime,
        originalMsgId: text(35),
        originalEndToEndId: text(35),
        originalTxId: opt(text(35)),
        uetr,
        status: fc.constantFrom('ACSP', 'ACSC', 'ACCC', 'PDNG', 'RJCT' as const),
        reason: opt(fc.record({ code: text(4), info: opt(text(210)) }).map((v) => strip(v))),
        instructingAgentBic: opt(bic),
      })
      .map((r) => strip(r) as Pacs002Input);
    fc.assert(
      fc.property(input, (r) => {
        const read = parsePacs002(buildPacs002(r));
        assert.deepEqual(
          strip({
            msgId: read.msgId,
            createdAt: read.createdAt,
            originalMsgId: read.originalMsgId,
            originalEndToEndId: read.originalEndToEndId,
            originalTxId: read.originalTxId,
            uetr: read.originalUetr,
            status: read.status,
            reason: read.reason,
            instructingAgentBic: read.instructingAgent?.bic,
          }),
          structuredClone(r),
        );
      }),
      { numRuns: 60 },
    );
  });
});
