// Writes a pacs.008.001.08 from a Pacs008: the inverse of parsePacs008 (the CLI emits the message a
// remittance corresponds to). Elements follow the XSD's sequence order; every field is checked.
import {
  maxText,
  optLeaf,
  writeAccount,
  writeAgent,
  writeAmount,
  writeChoice,
  writeParty,
} from './components-write.ts';
import { Iso20022Error } from './errors.ts';
import { checkDate, checkDateTime, checkEnum, checkRate, checkText, checkUetr } from './fields.ts';
import { documentTypeCodes, intermediaryAgentsMax, pacs008Namespace } from './pacs008-parse.ts';
import { chargeBearers, type Pacs008, type RemittanceInfo, settlementMethods } from './types.ts';
import { el, leaf, writeDocument, type XmlNode } from './xml-write.ts';

const root = '/Document/FIToFICstmrCdtTrf';
const txPath = `${root}/CdtTrfTxInf`;

function writeRemittanceInfo(r: RemittanceInfo | undefined): XmlNode | undefined {
  if (r === undefined) return undefined;
  const p = `${txPath}/RmtInf`;
  const docs = r.documents.map((d, i) => {
    const q = `${p}/Strd/RfrdDocInf[${i + 1}]`;
    if (d.type !== undefined && 'code' in d.type)
      checkEnum(d.type.code, documentTypeCodes, `${q}/Tp/CdOrPrtry/Cd`);
    const tp =
      d.type === undefined ? undefined : el('Tp', [writeChoice('CdOrPrtry', d.type, 4, `${q}/Tp`)]);
    return el('RfrdDocInf', [
      tp,
      optLeaf('Nb', d.number, maxText(35), q),
      optLeaf('RltdDt', d.date, checkDate, q),
    ]);
  });
  return el('RmtInf', [
    ...r.unstructured.map((u, i) => leaf('Ustrd', checkText(u, 140, `${p}/Ustrd[${i + 1}]`))),
    docs.length === 0 ? undefined : el('Strd', docs),
  ]);
}

function writeHeader(m: Pacs008): XmlNode {
  const p = `${root}/GrpHdr`;
  return el('GrpHdr', [
    leaf('MsgId', checkText(m.msgId, 35, `${p}/MsgId`)),
    leaf('CreDtTm', checkDateTime(m.createdAt, `${p}/CreDtTm`)),
    leaf('NbOfTxs', '1'),
    el('SttlmInf', [
      leaf('SttlmMtd', checkEnum(m.settlementMethod, settlementMethods, `${p}/SttlmInf/SttlmMtd`)),
      writeChoice('ClrSys', m.clearingSystem, 3, `${p}/SttlmInf`),
    ]),
  ]);
}

function writeTransaction(m: Pacs008): XmlNode {
  const p = txPath;
  if (m.intermediaryAgents.length > intermediaryAgentsMax)
    throw new Iso20022Error(
      'invalid_field',
      `${p}/IntrmyAgt1`,
      `at most ${intermediaryAgentsMax} intermediaries`,
    );
  return el('CdtTrfTxInf', [
    el('PmtId', [
      optLeaf('InstrId', m.instrId, maxText(35), `${p}/PmtId`),
      leaf('EndToEndId', checkText(m.endToEndId, 35, `${p}/PmtId/EndToEndId`)),
      optLeaf('TxId', m.txId, maxText(35), `${p}/PmtId`),
      leaf('UETR', checkUetr(m.uetr, `${p}/PmtId/UETR`)),
    ]),
    writeAmount('IntrBkSttlmAmt', m.interbankSettlement, p),
    optLeaf('IntrBkSttlmDt', m.interbankSettlementDate, checkDate, p),
    m.instructed === undefined ? undefined : writeAmount('InstdAmt', m.instructed, p),
    optLeaf('XchgRate', m.exchangeRate, checkRate, p),
    leaf('ChrgBr', checkEnum(m.chargeBearer, chargeBearers, `${p}/ChrgBr`)),
    ...m.charges.map((c, i) => {
      const q = `${p}/ChrgsInf[${i + 1}]`;
      return el('ChrgsInf', [writeAmount('Amt', c.amount, q), writeAgent('Agt', c.agent, q)]);
    }),
    writeAgent('InstgAgt', m.instructingAgent, p),
    writeAgent('InstdAgt', m.instructedAgent, p),
    ...m.intermediaryAgents.map((a, i) => writeAgent(`IntrmyAgt${i + 1}`, a, p)),
    writeParty('UltmtDbtr', m.ultimateDebtor, p),
    writeParty('Dbtr', { ...m.debtor, name: checkText(m.debtor.name, 140, `${p}/Dbtr/Nm`) }, p),
    writeAccount('DbtrAcct', m.debtorAccount, p),
    writeAgent('DbtrAgt', m.debtorAgent, p),
    writeAgent('CdtrAgt', m.creditorAgent, p),
    writeParty('Cdtr', { ...m.creditor, name: checkText(m.creditor.name, 140, `${p}/Cdtr/Nm`) }, p),
    writeAccount('CdtrAcct', m.creditorAccount, p),
    writeParty('UltmtCdtr', m.ultimateCreditor, p),
    writeChoice('Purp', m.purpose, 4, p),
    writeRemittanceInfo(m.remittanceInfo),
  ]);
}

/** Builds a pacs.008.001.08 holding one credit transfer; throws Iso20022Error on an invalid field. */
export function buildPacs008(m: Pacs008): string {
  const body = el('FIToFICstmrCdtTrf', [writeHeader(m), writeTransaction(m)]);
  return writeDocument(pacs008Namespace, body);
}
