// buildPacs002 / buildPacs008 write XML that validates against the generic ISO XSDs and reads back
// the same; text is escaped; invalid input is refused with the path; the status mapping is pinned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildPacs002,
  buildPacs008,
  Iso20022Error,
  type Pacs002Input,
  parsePacs002,
  parsePacs008,
  type RemittanceStatus,
  statusToPacs002,
} from '../../src/apps/remittance/iso20022/index.ts';
import { validateXml, validateXmlBatch } from '../../src/apps/remittance/iso20022/validate.ts';
import { remittancePacs008 } from './fixtures.ts';

const base: Pacs002Input = {
  msgId: 'TALLY-STS-1',
  createdAt: '2025-03-10T01:02:05Z',
  originalMsgId: remittancePacs008.msgId,
  originalEndToEndId: remittancePacs008.endToEndId,
  uetr: remittancePacs008.uetr,
  status: 'ACSP',
};

describe('buildPacs002', () => {
  const reports: Pacs002Input[] = [
    ...(['ACSP', 'ACSC', 'ACCC', 'PDNG', 'RJCT'] as const).map((status) => ({ ...base, status })),
    {
      ...base,
      status: 'RJCT',
      originalTxId: 'tx-1',
      originalCreatedAt: remittancePacs008.createdAt,
      reason: { code: 'AC04', info: `Account closed <"${'x'.repeat(120)}"> & gone` },
      acceptedAt: '2025-03-10T01:02:04+08:00',
      instructingAgentBic: 'GCSHPHMM',
      instructedAgentBic: 'WALTHKHHXXX',
    },
    { ...base, status: 'PDNG', reason: { code: 'RR04' } },
  ];

  it('every status, and a RJCT with reason, validates against pacs.002.001.10.xsd', async () => {
    const xml = reports.map(buildPacs002);
    const results = await validateXmlBatch(xml, 'pacs.002.001.10');
    for (const [i, r] of results.entries())
      assert.deepEqual(r, { valid: true, errors: [] }, reports[i]?.status);
  });

  it('reads back what it wrote', () => {
    for (const input of reports) {
      const read = parsePacs002(buildPacs002(input));
      assert.equal(read.status, input.status);
      assert.equal(read.originalMsgId, input.originalMsgId);
      assert.equal(read.originalMsgNameId, 'pacs.008.001.08');
      assert.equal(read.originalEndToEndId, input.originalEndToEndId);
      assert.equal(read.originalUetr, input.uetr);
      assert.equal(read.originalTxId, input.originalTxId);
      assert.equal(read.reason?.code, input.reason?.code);
      assert.equal(read.reason?.info, input.reason?.info);
      assert.equal(read.instructingAgent?.bic, input.instructingAgentBic);
      assert.equal(read.instructedAgent?.bic, input.instructedAgentBic);
    }
  });

  it('splits a long reason over 105-character AddtlInf lines', () => {
    const xml = buildPacs002({
      ...base,
      status: 'RJCT',
      reason: { code: 'NARR', info: 'y'.repeat(150) },
    });
    assert.deepEqual(
      [...xml.matchAll(/<AddtlInf>(y+)<\/AddtlInf>/g)].map((m) => m[1]?.length),
      [105, 45],
    );
  });

  it('error: invalid fields name their path', () => {
    const p = '/Document/FIToFIPmtStsRpt/TxInfAndSts';
    assert.throws(() => buildPacs002({ ...base, uetr: 'nope' }), {
      code: 'invalid_field',
      path: `${p}/OrgnlUETR`,
    });
    assert.throws(() => buildPacs002({ ...base, reason: { code: 'TOOLONG' } }), {
      path: `${p}/StsRsnInf/Rsn/Cd`,
    });
    assert.throws(() => buildPacs002({ ...base, instructedAgentBic: 'bad' }), {
      path: `${p}/InstdAgt/FinInstnId/BICFI`,
    });
    assert.throws(() => buildPacs002({ ...base, status: 'XXXX' as 'ACSP' }), {
      path: `${p}/TxSts`,
    });
    assert.throws(() => buildPacs002({ ...base, msgId: 'a\u0001b' }), /character XML cannot carry/);
    assert.throws(() => buildPacs002({ ...base, createdAt: 'yesterday' }), Iso20022Error);
  });
});

describe('statusToPacs002', () => {
  it('maps every remittance status (documented in pacs002.ts)', () => {
    const table: [RemittanceStatus, ReturnType<typeof statusToPacs002>][] = [
      ['pending', { status: 'ACSP' }],
      ['held', { status: 'PDNG' }],
      ['completed', { status: 'ACCC' }],
      ['rejected', { status: 'RJCT' }],
      ['refused', { status: 'RJCT', reason: { code: 'RR04' } }],
      ['expired', { status: 'RJCT', reason: { code: 'AB05' } }],
    ];
    for (const [status, want] of table) assert.deepEqual(statusToPacs002(status), want, status);
  });

  it('keeps a given reason', () => {
    const reason = { code: 'BE01', message: 'Name does not match' };
    const want = { status: 'RJCT', reason: { code: 'BE01', info: 'Name does not match' } };
    assert.deepEqual(statusToPacs002('rejected', reason), want);
    assert.deepEqual(statusToPacs002('refused', reason), want);
    assert.deepEqual(statusToPacs002('expired', { code: 'AB06' }), {
      status: 'RJCT',
      reason: { code: 'AB06' },
    });
  });
});

describe('buildPacs008', () => {
  const xml = buildPacs008(remittancePacs008);

  it('validates against pacs.008.001.08.xsd and reads back every field', async () => {
    assert.deepEqual(await validateXml(xml, 'pacs.008.001.08'), { valid: true, errors: [] });
    assert.deepEqual(parsePacs008(xml), remittancePacs008);
  });

  it('escapes XML text', () => {
    assert.ok(xml.includes('<EndToEndId>E2E &lt;Mum &amp; Dad&gt;</EndToEndId>'));
    assert.ok(xml.includes('<Nm>FX Bank &quot;HK&quot; Ltd</Nm>'));
    const cr = buildPacs008({ ...remittancePacs008, endToEndId: 'a\r\nb' });
    assert.ok(cr.includes('a&#13;\nb'));
    assert.equal(parsePacs008(cr).endToEndId, 'a\r\nb');
  });

  it('error: invalid fields name their path', () => {
    const tx = '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf';
    const m = remittancePacs008;
    assert.throws(() => buildPacs008({ ...m, uetr: m.uetr.toUpperCase() }), {
      path: `${tx}/PmtId/UETR`,
    });
    assert.throws(
      () => buildPacs008({ ...m, instructed: { currency: 'HKD', amount: '1.000001' } }),
      {
        code: 'invalid_field',
        path: `${tx}/InstdAmt`,
      },
    );
    assert.throws(() => buildPacs008({ ...m, debtorAgent: { bic: 'NOPE' } }), {
      path: `${tx}/DbtrAgt/FinInstnId/BICFI`,
    });
    assert.throws(() => buildPacs008({ ...m, debtorAgent: {} }), { code: 'missing_field' });
    assert.throws(() => buildPacs008({ ...m, creditor: { name: '' } }), { path: `${tx}/Cdtr/Nm` });
    assert.throws(
      () =>
        buildPacs008({
          ...m,
          intermediaryAgents: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }],
        }),
      {
        path: `${tx}/IntrmyAgt1`,
      },
    );
  });

  it('the validator reports invalid and malformed documents', async () => {
    const results = await validateXmlBatch(
      [
        xml.replace(/<EndToEndId>[^<]*<\/EndToEndId>/, ''),
        xml,
        xml.replace('</Document>', ''),
        `<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml}`,
      ],
      'pacs.008.001.08',
    );
    assert.equal(results[0]?.valid, false);
    assert.match(results[0]?.errors.join('\n') ?? '', /EndToEndId|UETR|TxId/);
    assert.deepEqual(results[1], { valid: true, errors: [] });
    assert.equal(results[2]?.valid, false);
    assert.equal(results[3]?.valid, false);
    assert.match(results[3]?.errors[0] ?? '', /DOCTYPE/);
  });
});
