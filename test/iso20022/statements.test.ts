// Statement exports: CSV per RFC 4180 (read back by a strict reader here) and camt.053.001.08
// (no camt XSD in the vectors, so it is parsed back and its balances and entries checked).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  buildCamt053,
  camt053Namespace,
  csvField,
  csvTextField,
  netPositionsCsv,
  type Statement,
  statementCsv,
} from '../../src/apps/remittance/iso20022/index.ts';
import { readDocument } from '../../src/apps/remittance/iso20022/xml-read.ts';

/** RFC 4180 reader: CRLF records, quoted fields with doubled quotes; throws on anything else. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const m = /^[^",\r\n]*/.exec(text.slice(i))!;
      field = m[0];
      i += field.length;
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      assert.equal(text.slice(i, i + 2), '\r\n', `record ends with CRLF at ${i}`);
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

const statement: Statement = {
  orgId: 'wallet-hk',
  accountId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  currency: 'HKD',
  decimals: 2,
  fromMs: Date.UTC(2025, 2, 10),
  toMs: Date.UTC(2025, 2, 11) - 1,
  opening: 100_000n,
  closing: -2_555n,
  entries: [
    {
      transferId: 't1',
      height: 7,
      timeMs: Date.UTC(2025, 2, 10, 1),
      direction: 'debit',
      amount: 101_250n,
      counterpartyAccountId: 'settle-hk',
      status: 'posted',
      reference: 'E2E, "school" fees',
    },
    {
      transferId: 't2',
      height: 9,
      timeMs: Date.UTC(2025, 2, 10, 2),
      direction: 'credit',
      amount: 5n,
      counterpartyAccountId: 'fx',
      status: 'voided',
    },
    {
      transferId: 't3',
      height: 9,
      timeMs: Date.UTC(2025, 2, 10, 3),
      direction: 'debit',
      amount: 1_305n,
      counterpartyAccountId: 'settle-hk',
      status: 'posted',
    },
    {
      transferId: 't4',
      height: 12,
      timeMs: Date.UTC(2025, 2, 10, 4),
      direction: 'credit',
      amount: 99n,
      counterpartyAccountId: 'x\r\ny',
      status: 'pending',
    },
  ],
};

describe('statementCsv', () => {
  it('writes opening, entries and closing with decimal amounts', () => {
    const rows = readCsv(statementCsv(statement));
    assert.deepEqual(rows[0], [
      'record',
      'transfer_id',
      'height',
      'time',
      'direction',
      'amount',
      'currency',
      'counterparty_account',
      'status',
      'reference',
    ]);
    assert.deepEqual(rows[1], [
      'opening',
      '',
      '',
      '2025-03-10T00:00:00.000Z',
      '',
      '1000.00',
      'HKD',
      '',
      '',
      '',
    ]);
    assert.deepEqual(rows[2], [
      'entry',
      't1',
      '7',
      '2025-03-10T01:00:00.000Z',
      'debit',
      '1012.50',
      'HKD',
      'settle-hk',
      'posted',
      'E2E, "school" fees',
    ]);
    assert.deepEqual(rows[3]?.slice(4, 6), ['credit', '0.05']);
    assert.deepEqual(rows[5]?.[7], 'x\r\ny');
    assert.deepEqual(rows[6], [
      'closing',
      '',
      '',
      '2025-03-10T23:59:59.999Z',
      '',
      '-25.55',
      'HKD',
      '',
      '',
      '',
    ]);
    assert.equal(rows.length, 7);
  });

  it('quotes only when it must, and any text reads back', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }),
        (fields) => {
          assert.deepEqual(readCsv(`${fields.map(csvField).join(',')}\r\n`), [fields]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a reference a spreadsheet would run as a formula is written as text', () => {
    for (const reference of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx'])
      assert.equal(csvTextField(reference), `'${reference}`);
    assert.equal(csvTextField('rent for March'), 'rent for March');
    const entry = { ...statement.entries[0]!, reference: '=1+2' };
    const rows = readCsv(statementCsv({ ...statement, entries: [entry] }));
    assert.equal(rows[2]?.[9], "'=1+2");
  });
});

describe('netPositionsCsv', () => {
  it('writes one row per payer, payee and currency with the currency decimals', () => {
    const csv = netPositionsCsv(
      20157, // 2025-03-10
      [
        { payer: 'wallet-hk', payee: 'bank', currency: 'HKD', amount: 101_250n },
        { payer: 'bank', payee: 'wallet-ph', currency: 'PHP', amount: 726_892n },
        { payer: 'bank', payee: 'wallet-jp', currency: 'JPY', amount: 1_000n },
      ],
      (ccy) => (ccy === 'JPY' ? 0 : 2),
    );
    assert.equal(
      csv,
      'day,payer,payee,currency,amount\r\n' +
        '2025-03-10,wallet-hk,bank,HKD,1012.50\r\n' +
        '2025-03-10,bank,wallet-ph,PHP,7268.92\r\n' +
        '2025-03-10,bank,wallet-jp,JPY,1000\r\n',
    );
  });
});

describe('buildCamt053', () => {
  it('reads back balances and entries', () => {
    const xml = buildCamt053(statement, { msgId: 'STMT-1', createdAt: '2025-03-11T00:00:05Z' });
    const doc = readDocument(xml, camt053Namespace, 'urn:iso:std:iso:20022:tech:xsd:camt.053.');
    const stmt = doc.need('BkToCstmrStmt').need('Stmt');
    assert.equal(doc.need('BkToCstmrStmt').need('GrpHdr').need('MsgId').text(), 'STMT-1');
    assert.equal(stmt.need('Acct').need('Id').need('Othr').need('Id').text(), statement.accountId);
    assert.equal(stmt.need('Acct').need('Ccy').text(), 'HKD');
    const balances = stmt
      .children('Bal')
      .map((b) => [
        b.need('Tp').need('CdOrPrtry').need('Cd').text(),
        b.need('Amt').text(),
        b.need('Amt').attr('Ccy'),
        b.need('CdtDbtInd').text(),
      ]);
    assert.deepEqual(balances, [
      ['OPBD', '1000.00', 'HKD', 'CRDT'],
      ['CLBD', '25.55', 'HKD', 'DBIT'],
    ]);
    const entries = stmt
      .children('Ntry')
      .map((n) => [
        n.need('NtryRef').text(),
        n.need('Amt').text(),
        n.need('CdtDbtInd').text(),
        n.need('Sts').need('Cd').text(),
        n.need('BookgDt').need('DtTm').text(),
      ]);
    assert.deepEqual(entries, [
      ['t1', '1012.50', 'DBIT', 'BOOK', '2025-03-10T01:00:00.000Z'],
      ['t2', '0.05', 'CRDT', 'INFO', '2025-03-10T02:00:00.000Z'],
      ['t3', '13.05', 'DBIT', 'BOOK', '2025-03-10T03:00:00.000Z'],
      ['t4', '0.99', 'CRDT', 'PDNG', '2025-03-10T04:00:00.000Z'],
    ]);
    const first = stmt.children('Ntry')[0]!.need('NtryDtls').need('TxDtls');
    assert.equal(first.need('Refs').need('EndToEndId').text(), 'E2E, "school" fees');
    assert.equal(
      first.need('RltdPties').need('CdtrAcct').need('Id').need('Othr').need('Id').text(),
      'settle-hk',
    );
    // booked entries move the balance from opening to closing
    const summary = stmt.need('TxsSummry');
    assert.equal(summary.need('TtlDbtNtries').need('Sum').text(), '1025.55');
    assert.equal(summary.need('TtlCdtNtries').need('NbOfNtries').text(), '0');
    const booked = statement.entries.filter((e) => e.status === 'posted');
    const net = booked.reduce(
      (acc, e) => acc + (e.direction === 'credit' ? e.amount : -e.amount),
      0n,
    );
    assert.equal(statement.opening + net, statement.closing);
  });

  it('error: an account id longer than Max34Text', () => {
    assert.throws(
      () =>
        buildCamt053(
          { ...statement, accountId: 'x'.repeat(35) },
          { msgId: 'S', createdAt: '2025-03-11T00:00:00Z' },
        ),
      { code: 'invalid_field', path: '/Document/BkToCstmrStmt/Stmt/Acct/Id/Othr/Id' },
    );
  });
});
