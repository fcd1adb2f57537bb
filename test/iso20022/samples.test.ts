// The Fedwire pacs.008 / pacs.002 samples (test/vectors/iso20022): every one parses to the expected key
// fields, and every one validates against the generic ISO XSD and against the Fedwire usage guideline's XSD.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateXML } from 'xmllint-wasm';
import { parsePacs002, parsePacs008 } from '../../src/apps/remittance/iso20022/index.ts';
import { validateXml, validateXmlBatch } from '../../src/apps/remittance/iso20022/validate.ts';

const dir = join(import.meta.dirname, '../vectors/iso20022');
const samplesDir = join(dir, 'samples/fedwire');
const files = readdirSync(samplesDir).sort();
const read = (name: string): string => readFileSync(join(samplesDir, name), 'utf8');
const uetr = '8a562c67-ca16-48ba-b074-65581be6f011'; // all samples share one UETR
const prefix = 'CustomerCreditTransfer_';

type Key = {
  msgId: string;
  e2e: string;
  settle: string;
  instructed: string;
  ccy?: string; // instructed currency when not USD
  rate?: string;
  bearer: string;
  debtor: string;
  creditor: string;
  debtorAgent: string; // BIC, or the ABA routing number
  creditorAgent: string;
};
const fedA = '011104238';
const usBase = { settle: '510000.74', instructed: '510000.74', bearer: 'SLEV' };
const corpAB = {
  debtor: 'Corporation A',
  creditor: 'Corporation B',
  debtorAgent: fedA,
  creditorAgent: '021040078',
};
const zy = {
  debtor: 'Corporation Z',
  creditor: 'Corporation Y',
  debtorAgent: 'BANZBEBB',
  creditorAgent: 'BANYBRRJ',
};
const tax = {
  settle: '999008.53',
  instructed: '999008.53',
  bearer: 'DEBT',
  debtor: 'Corporation A',
  creditor: 'Corporation A',
  debtorAgent: fedA,
  creditorAgent: '091036164',
};
const expected008: Record<string, Key> = {
  Scenario1_Step1: {
    msgId: '20250310B1QDRCQR000001',
    e2e: 'Scenario01EtoEId001',
    ...usBase,
    ...corpAB,
  },
  Scenario1_Step2: {
    msgId: '20250310B1QDRCQR000001',
    e2e: 'Scenario01EtoEId001',
    ...usBase,
    ...corpAB,
  },
  Scenario2_Step1: {
    msgId: '20250310B1QDRCQR000002',
    e2e: 'Scenario02EtoEId001',
    ...usBase,
    ...corpAB,
  },
  Scenario3_Step1: {
    msgId: '20250310B1QDRCQR000001',
    e2e: 'Scenario01EtoEId001',
    ...usBase,
    ...corpAB,
  },
  Scenario4_Step1: { msgId: '20250310B1QDRCQR000004', e2e: 'Scenario04EtoEId001', ...tax },
  Scenario4_Step2: { msgId: '20250310B1QDRCQR000004', e2e: 'Scenario04EtoEId001', ...tax },
  Scenario5_Step1: {
    msgId: '20250310B1QDRCQR000005',
    e2e: 'Scenario05EtoEId001',
    ...usBase,
    bearer: 'SHAR',
    ...zy,
  },
  Scenario5_Step2: {
    msgId: '20250310B1QDRCQR000005',
    e2e: 'Scenario05EtoEId001',
    ...usBase,
    bearer: 'SHAR',
    ...zy,
  },
  Variation1: { msgId: '20250310B1QDRCQR000006', e2e: 'Variation1EtoEId001', ...usBase, ...corpAB },
  Variation2: { msgId: '20250310B1QDRCQR000007', e2e: 'Variation2EtoEId001', ...usBase, ...corpAB },
  Variation3: { msgId: '20250310B1QDRCQR000008', e2e: 'Variation3EtoEId001', ...usBase, ...corpAB },
  Variation4: { msgId: '20250310B1QDRCQR000009', e2e: 'Variation4EtoEId001', ...usBase, ...corpAB },
  Variation5: {
    msgId: '20250310B1QDRCQR000001',
    e2e: 'Variation5EtoEId001',
    settle: '1009858.99',
    instructed: '1000000.00',
    ccy: 'EUR',
    rate: '0.9901',
    bearer: 'CRED',
    ...zy,
  },
  Variation6: {
    msgId: '20250310B1QDRCQR000001',
    e2e: 'Variation6EtoEId001',
    settle: '500000.00',
    instructed: '500000.00',
    bearer: 'SHAR',
    ...zy,
    creditor: 'Individual X',
    creditorAgent: 'BANXBRRJ',
  },
};
// pacs.002: status, reason, and the pacs.008 it reports on (OrgnlMsgId).
const expected002: Record<string, { status: string; original: string; reason?: string }> = {
  Scenario1_Step2: { status: 'ACSC', original: 'Scenario1_Step1' },
  Scenario2_Step2: { status: 'RJCT', original: 'Scenario2_Step1', reason: 'E433' },
  Scenario3_Step3: { status: 'ACSC', original: 'Scenario3_Step1' },
  Scenario4_Step2: { status: 'ACSC', original: 'Scenario4_Step1' },
  Scenario5_Step2: { status: 'ACSC', original: 'Scenario5_Step1' },
};

function agentId(a: { bic?: string; clearingMember?: { memberId: string } }): string | undefined {
  return a.bic ?? a.clearingMember?.memberId;
}

function sampleKey(file: string, kind: 'pacs.008' | 'pacs.002'): string | undefined {
  const m = new RegExp(`^${prefix}(.+)_${kind.replace('.', '\\.')}\\.xml$`).exec(file);
  return m?.[1];
}

describe('Fedwire samples', () => {
  it('parses every pacs.008 sample to its key fields', () => {
    let ran = 0;
    for (const file of files.filter((f) => f.includes('pacs.008'))) {
      const key = sampleKey(file, 'pacs.008');
      const want = key === undefined ? undefined : expected008[key];
      assert.ok(want !== undefined, `unrecognised sample ${file}`);
      const m = parsePacs008(read(file));
      assert.equal(m.uetr, uetr, file);
      assert.equal(m.msgId, want.msgId, file);
      assert.equal(m.endToEndId, want.e2e, file);
      assert.equal(m.settlementMethod, 'CLRG', file);
      assert.deepEqual(m.clearingSystem, { code: 'FDW' }, file);
      assert.deepEqual(m.interbankSettlement, { currency: 'USD', amount: want.settle }, file);
      assert.deepEqual(
        m.instructed,
        { currency: want.ccy ?? 'USD', amount: want.instructed },
        file,
      );
      assert.equal(m.exchangeRate, want.rate, file);
      assert.equal(m.chargeBearer, want.bearer, file);
      assert.equal(m.debtor.name, want.debtor, file);
      assert.equal(m.creditor.name, want.creditor, file);
      assert.equal(agentId(m.debtorAgent), want.debtorAgent, file);
      assert.equal(agentId(m.creditorAgent), want.creditorAgent, file);
      assert.ok(m.instructingAgent?.clearingMember?.system !== undefined, file);
      ran++;
    }
    assert.equal(ran, Object.keys(expected008).length);
  });

  it('maps the optional parts of the variations', () => {
    const v = (name: string) => parsePacs008(read(`${prefix}${name}_pacs.008.xml`));
    assert.deepEqual(v('Variation1').purpose, { code: 'IVPT' });
    assert.equal(v('Variation2').remittanceInfo, undefined); // RltdRmtInf is not mapped
    assert.equal(v('Variation3').ultimateDebtor?.name, 'Corporation Aa');
    assert.equal(v('Variation4').ultimateCreditor?.postalAddress?.buildingName, 'The Porter House');
    const v5 = v('Variation5');
    assert.deepEqual(
      v5.charges.map((c) => [c.amount.currency, c.amount.amount, c.agent.bic]),
      [
        ['USD', '90.00', 'BANZBEBB'],
        ['USD', '40.00', 'BANCUS33'],
      ],
    );
    assert.deepEqual(v5.debtorAccount, { id: { iban: 'BE34001216371411' } });
    assert.deepEqual(v5.remittanceInfo?.documents, [
      { type: { code: 'CMCN' }, number: 'ABC-987', date: '2025-04-01' },
    ]);
    const v6 = v('Variation6');
    assert.deepEqual(v6.intermediaryAgents, [{ bic: 'BANYBRRJ' }]);
    assert.deepEqual(v6.purpose, { code: 'INSC' });
    assert.deepEqual(v6.remittanceInfo?.unstructured, [
      'Insurance Benefit/Policy XXAB9876/$500000.00',
    ]);
    const s1 = v('Scenario1_Step1');
    assert.deepEqual(s1.debtorAccount, { id: { other: '5647772655' } });
    assert.equal(s1.instrId, 'Scenario01InstrId001');
    assert.equal(s1.interbankSettlementDate, '2025-03-10');
    assert.equal(s1.debtorAgent.name, 'Bank A');
    assert.deepEqual(s1.debtor.postalAddress, {
      street: 'Avenue of the Fountains',
      buildingNumber: '167565',
      room: 'Suite D110',
      postCode: '85268',
      town: 'Fountain Hills',
      countrySubDivision: 'AZ',
      country: 'US',
    });
    assert.equal(v('Scenario4_Step1').creditorAccount, undefined);
    assert.deepEqual(v('Scenario4_Step1').remittanceInfo, { unstructured: [], documents: [] }); // TaxRmt only
  });

  it('parses every pacs.002 sample and correlates it with its pacs.008', () => {
    let ran = 0;
    for (const file of files.filter((f) => f.includes('pacs.002'))) {
      const key = sampleKey(file, 'pacs.002');
      const want = key === undefined ? undefined : expected002[key];
      assert.ok(want !== undefined, `unrecognised sample ${file}`);
      const report = parsePacs002(read(file));
      const original = parsePacs008(read(`${prefix}${want.original}_pacs.008.xml`));
      assert.equal(report.status, want.status, file);
      assert.equal(report.originalMsgId, original.msgId, file);
      assert.equal(report.originalUetr, original.uetr, file);
      assert.equal(report.originalMsgNameId, 'pacs.008.001.08', file);
      assert.equal(report.originalCreatedAt, original.createdAt, file);
      assert.equal(report.reason?.proprietary, want.reason, file);
      ran++;
    }
    assert.equal(ran, Object.keys(expected002).length);
  });

  it('every sample validates against the generic pacs.008.001.08 / pacs.002.001.10 XSDs', async () => {
    assert.equal(files.length, 19);
    for (const kind of ['pacs.008.001.08', 'pacs.002.001.10'] as const) {
      const names = files.filter((f) => f.includes(kind.slice(0, 8)));
      const results = await validateXmlBatch(names.map(read), kind);
      assert.equal(results.length, names.length);
      for (const [i, r] of results.entries())
        assert.deepEqual(r, { valid: true, errors: [] }, names[i]);
    }
    const one = await validateXml(read(`${prefix}Variation5_pacs.008.xml`), 'pacs.008.001.08');
    assert.deepEqual(one, { valid: true, errors: [] });
  });

  it('every sample also validates against the Fedwire Funds 2025 usage-guideline XSDs', async () => {
    const fedwire = {
      'pacs.008':
        'Fedwire_Funds_Service_Release_2025_CustomerCreditTransfer_pacs_008_001_08_20241122_1718_iso15.xsd',
      'pacs.002':
        'Fedwire_Funds_Service_Release_2025_FedwireFundsPaymentStatus_pacs_002_001_10_20241122_1718_iso15.xsd',
    } as const;
    for (const kind of ['pacs.008', 'pacs.002'] as const) {
      const xml = files
        .filter((f) => f.includes(kind))
        .map((f) => ({ fileName: f, contents: read(f) }));
      const schemaName = fedwire[kind];
      const result = await validateXML({
        xml,
        schema: [
          { fileName: schemaName, contents: readFileSync(join(dir, 'xsd', schemaName), 'utf8') },
        ],
      });
      assert.deepEqual(result.errors, [], kind);
      assert.equal(result.valid, true, kind);
    }
  });
});
