// Reads an ISO 20022 pacs.008.001.08 (FIToFICustomerCreditTransferV08) holding one credit transfer
// into a Pacs008; every field is checked against its XSD type, and errors name the XML path.
import { compact } from './compact.ts';
import {
  readAccount,
  readAgent,
  readAmount,
  readCodeOrProprietary,
  readParty,
  text,
} from './components-read.ts';
import { Iso20022Error } from './errors.ts';
import { checkDate, checkDateTime, checkEnum, checkRate, checkUetr } from './fields.ts';
import {
  chargeBearers,
  type Pacs008,
  type Party,
  type RemittanceInfo,
  settlementMethods,
} from './types.ts';
import { readDocument, type XmlElement } from './xml-read.ts';

export const pacs008Namespace = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08';
const pacs008Family = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.';
export const intermediaryAgentsMax = 3;
/** DocumentType6Code: the codes a referred document's type may take. */
export const documentTypeCodes = [
  'MSIN',
  'CNFA',
  'DNFA',
  'CINV',
  'CREN',
  'DEBN',
  'HIRI',
  'SBIN',
  'CMCN',
  'SOAC',
  'DISP',
  'BOLD',
  'VCHR',
  'AROI',
  'TSUT',
  'PUOR',
] as const;

function readNamedParty(e: XmlElement): Party & { name: string } {
  const party = readParty(e);
  if (party.name === undefined)
    throw new Iso20022Error('missing_field', `${e.path}/Nm`, 'is mandatory');
  return { ...party, name: party.name };
}

function readRemittanceInfo(e: XmlElement): RemittanceInfo {
  const unstructured = e.children('Ustrd').map((u) => text(140)(u.text(), u.path));
  const documents = e.children('Strd').flatMap((s) =>
    s.children('RfrdDocInf').map((d) => {
      const tp = d.child('Tp');
      const type = tp === undefined ? undefined : readCodeOrProprietary(tp.need('CdOrPrtry'), 4);
      if (type !== undefined && 'code' in type)
        checkEnum(type.code, documentTypeCodes, `${tp?.path}/CdOrPrtry/Cd`);
      return compact({
        type,
        number: d.optText('Nb', text(35)),
        date: d.optText('RltdDt', checkDate),
      });
    }),
  );
  return { unstructured, documents };
}

function readIntermediaries(tx: XmlElement): Pacs008['intermediaryAgents'] {
  const out: Pacs008['intermediaryAgents'] = [];
  for (let i = 1; i <= intermediaryAgentsMax; i++) {
    const agent = tx.child(`IntrmyAgt${i}`);
    if (agent !== undefined) out.push(readAgent(agent));
  }
  return out;
}

function readTransaction(tx: XmlElement) {
  const pmtId = tx.need('PmtId');
  const instructed = tx.child('InstdAmt');
  const purpose = tx.child('Purp');
  const rmt = tx.child('RmtInf');
  const opt = <T>(name: string, read: (e: XmlElement) => T): T | undefined => {
    const e = tx.child(name);
    return e === undefined ? undefined : read(e);
  };
  return compact({
    uetr: pmtId.needText('UETR', checkUetr),
    endToEndId: pmtId.needText('EndToEndId', text(35)),
    instrId: pmtId.optText('InstrId', text(35)),
    txId: pmtId.optText('TxId', text(35)),
    interbankSettlement: readAmount(tx.need('IntrBkSttlmAmt')),
    interbankSettlementDate: tx.optText('IntrBkSttlmDt', checkDate),
    instructed: instructed === undefined ? undefined : readAmount(instructed),
    exchangeRate: tx.optText('XchgRate', checkRate),
    chargeBearer: tx.needText('ChrgBr', (v, p) => checkEnum(v, chargeBearers, p)),
    charges: tx.children('ChrgsInf').map((c) => ({
      amount: readAmount(c.need('Amt')),
      agent: readAgent(c.need('Agt')),
    })),
    instructingAgent: opt('InstgAgt', readAgent),
    instructedAgent: opt('InstdAgt', readAgent),
    intermediaryAgents: readIntermediaries(tx),
    ultimateDebtor: opt('UltmtDbtr', readParty),
    debtor: readNamedParty(tx.need('Dbtr')),
    debtorAccount: opt('DbtrAcct', readAccount),
    debtorAgent: readAgent(tx.need('DbtrAgt')),
    creditorAgent: readAgent(tx.need('CdtrAgt')),
    creditor: readNamedParty(tx.need('Cdtr')),
    creditorAccount: opt('CdtrAcct', readAccount),
    ultimateCreditor: opt('UltmtCdtr', readParty),
    purpose: purpose === undefined ? undefined : readCodeOrProprietary(purpose, 4),
    remittanceInfo: rmt === undefined ? undefined : readRemittanceInfo(rmt),
  });
}

/**
 * Parses a pacs.008.001.08 with exactly one CdtTrfTxInf. Throws Iso20022Error: 'malformed_xml',
 * 'wrong_message' (another message), 'unsupported' (another version, several transactions, DOCTYPE,
 * oversize), 'missing_field' or 'invalid_field' with the path.
 */
export function parsePacs008(xml: string): Pacs008 {
  const doc = readDocument(xml, pacs008Namespace, pacs008Family);
  const msg = doc.need('FIToFICstmrCdtTrf');
  const hdr = msg.need('GrpHdr');
  const count = hdr.needText('NbOfTxs', (v, p) => {
    if (!/^[0-9]{1,15}$/.test(v)) throw new Iso20022Error('invalid_field', p, 'not a count');
    return v;
  });
  const txs = msg.children('CdtTrfTxInf');
  if (txs.length === 0)
    throw new Iso20022Error('missing_field', `${msg.path}/CdtTrfTxInf`, 'is mandatory');
  if (txs.length !== 1 || Number(count) !== 1)
    throw new Iso20022Error(
      'unsupported',
      `${msg.path}/CdtTrfTxInf`,
      'exactly one transaction per message',
    );
  const settlement = hdr.need('SttlmInf');
  const clearing = settlement.child('ClrSys');
  return compact({
    msgId: hdr.needText('MsgId', text(35)),
    createdAt: hdr.needText('CreDtTm', checkDateTime),
    settlementMethod: settlement.needText('SttlmMtd', (v, p) => checkEnum(v, settlementMethods, p)),
    clearingSystem: clearing === undefined ? undefined : readCodeOrProprietary(clearing, 3),
    ...readTransaction(msg.need('CdtTrfTxInf')),
  });
}
