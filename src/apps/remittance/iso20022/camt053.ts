// An account statement as ISO 20022 camt.053.001.08 (BankToCustomerStatementV08): opening (OPBD) and
// closing (CLBD) balances, a booked-entries summary and one Ntry per movement. Structure per the
// message definition; no camt XSD is in the vectors, so tests read it back instead of validating.
import { formatMinor } from '../../../modules/fx/decimal.ts';
import { assert } from '../../../util/assert.ts';
import { checkDateTime, checkText } from './fields.ts';
import type { Statement, StatementEntry } from './types.ts';
import { amountNode, el, leaf, writeDocument, type XmlNode } from './xml-write.ts';

export const camt053Namespace = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';

/** Entry status (ExternalEntryStatus1Code): posted is booked; pending is pending; voided or expired
 * pending transfers never moved money and are reported for information only. */
export const entryStatusCodes: Record<StatementEntry['status'], 'BOOK' | 'PDNG' | 'INFO'> = {
  posted: 'BOOK',
  pending: 'PDNG',
  voided: 'INFO',
  expired: 'INFO',
};

/** Proprietary bank transaction code of every Tally transfer. */
export const bankTransactionCode = { code: 'TRANSFER', issuer: 'TALLY' } as const;

const isoTime = (ms: number): string => new Date(ms).toISOString();

function amountOf(s: Statement, minor: bigint): { currency: string; amount: string } {
  return { currency: s.currency, amount: formatMinor(minor < 0n ? -minor : minor, s.decimals) };
}

function balance(s: Statement, code: 'OPBD' | 'CLBD', minor: bigint, ms: number): XmlNode {
  return el('Bal', [
    el('Tp', [el('CdOrPrtry', [leaf('Cd', code)])]),
    amountNode('Amt', amountOf(s, minor)),
    leaf('CdtDbtInd', minor < 0n ? 'DBIT' : 'CRDT'),
    el('Dt', [leaf('DtTm', isoTime(ms))]),
  ]);
}

function summary(s: Statement): XmlNode {
  const booked = s.entries.filter((e) => e.status === 'posted');
  const total = (dir: StatementEntry['direction']): (XmlNode | undefined)[] => {
    const list = booked.filter((e) => e.direction === dir);
    const sum = list.reduce((acc, e) => acc + e.amount, 0n);
    return [leaf('NbOfNtries', String(list.length)), leaf('Sum', formatMinor(sum, s.decimals))];
  };
  return el('TxsSummry', [
    el('TtlNtries', [leaf('NbOfNtries', String(s.entries.length))]),
    el('TtlCdtNtries', total('credit')),
    el('TtlDbtNtries', total('debit')),
  ]);
}

function entry(s: Statement, e: StatementEntry, i: number): XmlNode {
  const path = `/Document/BkToCstmrStmt/Stmt/Ntry[${i + 1}]`;
  assert(e.amount >= 0n, 'entry amounts are unsigned');
  const counterparty = el(e.direction === 'debit' ? 'CdtrAcct' : 'DbtrAcct', [
    el('Id', [
      el('Othr', [leaf('Id', checkText(e.counterpartyAccountId, 34, `${path}/RltdPties`))]),
    ]),
  ]);
  const refs = el('Refs', [
    e.reference === undefined
      ? undefined
      : leaf('EndToEndId', checkText(e.reference, 35, `${path}/Refs/EndToEndId`)),
  ]);
  return el('Ntry', [
    leaf('NtryRef', checkText(e.transferId, 35, `${path}/NtryRef`)),
    amountNode('Amt', amountOf(s, e.amount)),
    leaf('CdtDbtInd', e.direction === 'debit' ? 'DBIT' : 'CRDT'),
    el('Sts', [leaf('Cd', entryStatusCodes[e.status])]),
    el('BookgDt', [leaf('DtTm', isoTime(e.timeMs))]),
    el('BkTxCd', [
      el('Prtry', [leaf('Cd', bankTransactionCode.code), leaf('Issr', bankTransactionCode.issuer)]),
    ]),
    el('NtryDtls', [el('TxDtls', [refs, el('RltdPties', [counterparty])])]),
    leaf('AddtlNtryInf', `height ${e.height}; ${e.status}`),
  ]);
}

/** Builds a camt.053.001.08 for one account; `statementId` defaults to `msgId`. */
export function buildCamt053(
  s: Statement,
  opts: { msgId: string; createdAt: string; statementId?: string },
): string {
  assert(s.fromMs <= s.toMs, 'statement period runs forwards');
  const root = '/Document/BkToCstmrStmt';
  const createdAt = checkDateTime(opts.createdAt, `${root}/GrpHdr/CreDtTm`);
  const stmt = el('Stmt', [
    leaf('Id', checkText(opts.statementId ?? opts.msgId, 35, `${root}/Stmt/Id`)),
    leaf('CreDtTm', createdAt),
    el('FrToDt', [leaf('FrDtTm', isoTime(s.fromMs)), leaf('ToDtTm', isoTime(s.toMs))]),
    el('Acct', [
      el('Id', [
        el('Othr', [leaf('Id', checkText(s.accountId, 34, `${root}/Stmt/Acct/Id/Othr/Id`))]),
      ]),
      leaf('Ccy', s.currency),
      el('Ownr', [leaf('Nm', checkText(s.orgId, 140, `${root}/Stmt/Acct/Ownr/Nm`))]),
    ]),
    balance(s, 'OPBD', s.opening, s.fromMs),
    balance(s, 'CLBD', s.closing, s.toMs),
    summary(s),
    ...s.entries.map((e, i) => entry(s, e, i)),
  ]);
  const body = el('BkToCstmrStmt', [
    el('GrpHdr', [
      leaf('MsgId', checkText(opts.msgId, 35, `${root}/GrpHdr/MsgId`)),
      leaf('CreDtTm', createdAt),
    ]),
    stmt,
  ]);
  return writeDocument(camt053Namespace, body);
}
