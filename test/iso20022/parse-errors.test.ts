// parsePacs008 / parsePacs002 refuse what they must: malformed XML, other messages, DOCTYPE (XXE),
// oversize input, missing and invalid fields; each error has its code and the XML path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildPacs008,
  Iso20022Error,
  parsePacs002,
  parsePacs008,
  xmlBytesMax,
} from '../../src/apps/remittance/iso20022/index.ts';
import { remittancePacs008 } from './fixtures.ts';

const good = buildPacs008(remittancePacs008);
const tx = '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf';

function rejects(xml: string, code: string, path: string, message?: RegExp): void {
  assert.throws(
    () => parsePacs008(xml),
    (err: unknown) => {
      assert.ok(err instanceof Iso20022Error, String(err));
      assert.equal(err.code, code, err.message);
      assert.equal(err.path, path, err.message);
      if (message !== undefined) assert.match(err.message, message);
      return true;
    },
  );
}

function edit(from: string | RegExp, to: string): string {
  const out = good.replace(from, to);
  assert.notEqual(out, good, `edit ${String(from)} changed nothing`);
  return out;
}

describe('parsePacs008 errors', () => {
  it('keeps amounts and ids as text', () => {
    const m = parsePacs008(edit('<MsgId>TALLY-20250310-000001</MsgId>', '<MsgId>000123</MsgId>'));
    assert.equal(m.msgId, '000123');
    const n = parsePacs008(edit('>7268.92<', '>007268.920<'));
    assert.equal(n.interbankSettlement.amount, '007268.920');
  });

  it('error: malformed XML', () => {
    rejects('<Document><a></Document>', 'malformed_xml', '/');
    rejects('not xml at all', 'malformed_xml', '/');
    rejects('', 'malformed_xml', '/');
    rejects(good.replace('</Document>', ''), 'malformed_xml', '/');
    rejects(`${good}<Document/>`, 'malformed_xml', '/', /one root/);
    rejects(edit('Chan Tai Man', 'Chan &nbsp; Man'), 'malformed_xml', '/', /undeclared entity/);
  });

  it('error: DOCTYPE and entity declarations (XXE, billion laughs)', () => {
    const xxe = good.replace(
      '<Document',
      '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Document',
    );
    rejects(xxe, 'unsupported', '/', /DOCTYPE/);
    rejects('<!doctype x><x/>', 'unsupported', '/');
  });

  it('error: input over the size limit', () => {
    const padded = good.replace('</Document>', `<!--${'x'.repeat(xmlBytesMax)}--></Document>`);
    rejects(padded, 'unsupported', '/', /over 262144 bytes/);
    // multi-byte characters count as their UTF-8 bytes
    const wide = good.replace('</Document>', `<!--${'é'.repeat(xmlBytesMax / 2)}--></Document>`);
    rejects(wide, 'unsupported', '/');
  });

  it('error: wrong root, namespace or version', () => {
    rejects(
      '<Foo xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>',
      'wrong_message',
      '/Foo',
    );
    rejects(edit('pacs.008.001.08', 'camt.053.001.08'), 'wrong_message', '/Document');
    rejects(edit('pacs.008.001.08', 'pacs.008.001.09'), 'unsupported', '/Document');
    rejects(
      edit(' xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"', ''),
      'wrong_message',
      '/Document',
    );
    assert.throws(() => parsePacs002(good), { code: 'wrong_message' });
  });

  it('reads a prefixed namespace', () => {
    const prefixed = good.replace(/<(\/?)([A-Za-z])/g, '<$1p:$2').replace('xmlns=', 'xmlns:p=');
    assert.deepEqual(parsePacs008(prefixed), parsePacs008(good));
  });

  it('error: missing mandatory fields', () => {
    rejects(edit(/<UETR>[^<]*<\/UETR>/, ''), 'missing_field', `${tx}/PmtId/UETR`);
    rejects(edit(/<EndToEndId>[^<]*<\/EndToEndId>/, ''), 'missing_field', `${tx}/PmtId/EndToEndId`);
    rejects(edit('<Nm>Chan Tai Man</Nm>', ''), 'missing_field', `${tx}/Dbtr/Nm`);
    rejects(edit('<ChrgBr>DEBT</ChrgBr>', ''), 'missing_field', `${tx}/ChrgBr`);
    rejects(edit(' Ccy="PHP"', ''), 'missing_field', `${tx}/IntrBkSttlmAmt/@Ccy`);
    rejects(
      edit(/<CdtTrfTxInf>[\s\S]*<\/CdtTrfTxInf>/, ''),
      'missing_field',
      '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf',
    );
  });

  it('error: bad UETR', () => {
    const bad = (uetr: string) => edit(remittancePacs008.uetr, uetr);
    rejects(
      bad('0F6B2C1E-8F3A-4C2D-9E7B-1A2B3C4D5E6F'),
      'invalid_field',
      `${tx}/PmtId/UETR`,
      /UETR/,
    );
    rejects(bad('0f6b2c1e-8f3a-3c2d-9e7b-1a2b3c4d5e6f'), 'invalid_field', `${tx}/PmtId/UETR`); // v3
    rejects(bad('0f6b2c1e8f3a4c2d9e7b1a2b3c4d5e6f'), 'invalid_field', `${tx}/PmtId/UETR`);
  });

  it('error: bad BIC, currency, country, IBAN', () => {
    rejects(
      edit('<BICFI>WALTHKHH</BICFI>', '<BICFI>walthkhh</BICFI>'),
      'invalid_field',
      `${tx}/DbtrAgt/FinInstnId/BICFI`,
      /BIC/,
    );
    rejects(
      edit('<BICFI>WALTHKHH</BICFI>', '<BICFI>WALTHKH</BICFI>'),
      'invalid_field',
      `${tx}/DbtrAgt/FinInstnId/BICFI`,
    );
    rejects(edit('Ccy="PHP"', 'Ccy="php"'), 'invalid_field', `${tx}/IntrBkSttlmAmt/@Ccy`);
    rejects(
      edit('<CtryOfRes>HK</CtryOfRes>', '<CtryOfRes>HKG</CtryOfRes>'),
      'invalid_field',
      `${tx}/Dbtr/CtryOfRes`,
    );
    rejects(edit('PH12ABCD0000000000001', 'ph12'), 'invalid_field', `${tx}/CdtrAcct/Id/IBAN`);
  });

  it('error: amounts with too many digits, a sign or an exponent', () => {
    const amt = `${tx}/IntrBkSttlmAmt`;
    rejects(edit('>7268.92<', '>7268.123456<'), 'invalid_field', amt, /5 digits after the point/);
    rejects(edit('>7268.92<', '>1234567890123456789<'), 'invalid_field', amt, /18 digits in total/);
    rejects(edit('>7268.92<', '>-7268.92<'), 'invalid_field', amt);
    rejects(edit('>7268.92<', '>7.26892e3<'), 'invalid_field', amt);
    rejects(edit('>7268.92<', '><'), 'invalid_field', amt);
    // zeros that carry no value do not count, as in XSD totalDigits / fractionDigits
    assert.equal(
      parsePacs008(edit('>7268.92<', '>0007268.92000000<')).interbankSettlement.amount,
      '0007268.92000000',
    );
    rejects(
      edit('>7.2689200000<', '>7.26892000001<'),
      'invalid_field',
      `${tx}/XchgRate`,
      /10 digits after/,
    );
  });

  it('error: text too long, repeated or unknown codes', () => {
    rejects(
      edit('TALLY-20250310-000001', 'x'.repeat(36)),
      'invalid_field',
      '/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId',
      /at most 35/,
    );
    rejects(edit('<ChrgBr>DEBT</ChrgBr>', '<ChrgBr>OUR</ChrgBr>'), 'invalid_field', `${tx}/ChrgBr`);
    rejects(
      edit('<ChrgBr>DEBT</ChrgBr>', '<ChrgBr>DEBT</ChrgBr><ChrgBr>DEBT</ChrgBr>'),
      'invalid_field',
      `${tx}/ChrgBr`,
      /once/,
    );
    rejects(
      edit('<SttlmMtd>INDA</SttlmMtd>', '<SttlmMtd>WIRE</SttlmMtd>'),
      'invalid_field',
      '/Document/FIToFICstmrCdtTrf/GrpHdr/SttlmInf/SttlmMtd',
    );
    rejects(
      edit('2025-03-10T01:02:03.456Z', '10/03/2025'),
      'invalid_field',
      '/Document/FIToFICstmrCdtTrf/GrpHdr/CreDtTm',
    );
  });

  it('error: more than one transaction', () => {
    const two = edit(/(<CdtTrfTxInf>[\s\S]*<\/CdtTrfTxInf>)/, '$1$1');
    rejects(two, 'unsupported', '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf');
    rejects(
      edit('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>2</NbOfTxs>'),
      'unsupported',
      '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf',
    );
  });
});
