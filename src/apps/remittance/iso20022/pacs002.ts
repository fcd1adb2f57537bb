// ISO 20022 pacs.002.001.10 (FIToFIPaymentStatusReportV10): the status Tally reports for a pacs.008,
// correlated by OrgnlMsgId, OrgnlEndToEndId and OrgnlUETR; and a reader for such reports.
import { compact } from './compact.ts';
import { readAgent, text } from './components-read.ts';
import { maxText, optLeaf } from './components-write.ts';
import { Iso20022Error } from './errors.ts';
import { checkBic, checkDateTime, checkText, checkUetr } from './fields.ts';
import type { Agent } from './types.ts';
import { readDocument } from './xml-read.ts';
import { el, leaf, writeDocument, type XmlNode } from './xml-write.ts';

export const pacs002Namespace = 'urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10';
const pacs002Family = 'urn:iso:std:iso:20022:tech:xsd:pacs.002.';
/** AddtlInf is Max105Text, repeatable: a longer reason text is split over lines. */
export const reasonInfoLineCharsMax = 105;
export const reasonInfoLinesMax = 2;

export type Pacs002Status = 'ACSP' | 'ACSC' | 'ACCC' | 'PDNG' | 'RJCT';
export const pacs002Statuses: readonly Pacs002Status[] = ['ACSP', 'ACSC', 'ACCC', 'PDNG', 'RJCT'];

export type Pacs002Input = {
  msgId: string;
  createdAt: string; // ISODateTime
  originalMsgId: string;
  originalMsgNameId?: string; // default 'pacs.008.001.08'
  originalCreatedAt?: string;
  originalEndToEndId: string;
  originalTxId?: string;
  uetr: string;
  status: Pacs002Status;
  reason?: { code: string; info?: string }; // code: ExternalStatusReason1Code, e.g. AC04, AB05, RR04
  acceptedAt?: string; // AccptncDtTm
  instructingAgentBic?: string;
  instructedAgentBic?: string;
};

/** A status report as read: `status` is any ExternalPaymentTransactionStatus1Code. */
export type Pacs002 = {
  msgId: string;
  createdAt: string;
  originalMsgId: string;
  originalMsgNameId: string;
  originalCreatedAt?: string;
  originalEndToEndId?: string;
  originalTxId?: string;
  originalUetr?: string;
  status: string;
  reason?: { code?: string; proprietary?: string; info?: string };
  acceptedAt?: string;
  instructingAgent?: Agent;
  instructedAgent?: Agent;
};

/** The remittance module's statuses (apps/remittance). */
export type RemittanceStatus =
  | 'pending'
  | 'held'
  | 'completed'
  | 'rejected'
  | 'refused'
  | 'expired';

/**
 * Maps a remittance status to a pacs.002 status: pending -> ACSP (accepted, settlement in process),
 * held -> PDNG (pending compliance review), completed -> ACCC (credited to the creditor's account),
 * rejected / refused / expired -> RJCT. The reason is the one given; else expired gets AB05 (timeout
 * at the creditor agent) and refused RR04 (regulatory reason); a rejection carries its own code.
 */
export function statusToPacs002(
  status: RemittanceStatus,
  reason?: { code: string; message?: string | undefined },
): { status: Pacs002Status; reason?: { code: string; info?: string } } {
  const given =
    reason === undefined ? undefined : compact({ code: reason.code, info: reason.message });
  switch (status) {
    case 'pending':
      return { status: 'ACSP' };
    case 'held':
      return given === undefined ? { status: 'PDNG' } : { status: 'PDNG', reason: given };
    case 'completed':
      return { status: 'ACCC' };
    case 'rejected':
      return given === undefined ? { status: 'RJCT' } : { status: 'RJCT', reason: given };
    case 'refused':
      return { status: 'RJCT', reason: given ?? { code: 'RR04' } };
    case 'expired':
      return { status: 'RJCT', reason: given ?? { code: 'AB05' } };
  }
}

function splitInfo(info: string, path: string): XmlNode[] {
  const chars = [...checkText(info, reasonInfoLineCharsMax * reasonInfoLinesMax, path)];
  const lines: XmlNode[] = [];
  for (let i = 0; i < chars.length; i += reasonInfoLineCharsMax)
    lines.push({ name: 'AddtlInf', text: chars.slice(i, i + reasonInfoLineCharsMax).join('') });
  return lines;
}

function agentNode(name: string, bic: string | undefined, path: string): XmlNode | undefined {
  if (bic === undefined) return undefined;
  return el(name, [
    el('FinInstnId', [leaf('BICFI', checkBic(bic, `${path}/${name}/FinInstnId/BICFI`))]),
  ]);
}

/** Builds a pacs.002.001.10 with one TxInfAndSts; throws Iso20022Error on an invalid field. */
export function buildPacs002(input: Pacs002Input): string {
  const root = '/Document/FIToFIPmtStsRpt';
  const p = `${root}/TxInfAndSts`;
  if (!pacs002Statuses.includes(input.status))
    throw new Iso20022Error('invalid_field', `${p}/TxSts`, `unknown status '${input.status}'`);
  const r = input.reason;
  const reason =
    r === undefined
      ? undefined
      : el('StsRsnInf', [
          el('Rsn', [leaf('Cd', checkText(r.code, 4, `${p}/StsRsnInf/Rsn/Cd`))]),
          ...(r.info === undefined ? [] : splitInfo(r.info, `${p}/StsRsnInf/AddtlInf`)),
        ]);
  const group = `${p}/OrgnlGrpInf`;
  const body = el('FIToFIPmtStsRpt', [
    el('GrpHdr', [
      leaf('MsgId', checkText(input.msgId, 35, `${root}/GrpHdr/MsgId`)),
      leaf('CreDtTm', checkDateTime(input.createdAt, `${root}/GrpHdr/CreDtTm`)),
    ]),
    el('TxInfAndSts', [
      el('OrgnlGrpInf', [
        leaf('OrgnlMsgId', checkText(input.originalMsgId, 35, `${group}/OrgnlMsgId`)),
        leaf(
          'OrgnlMsgNmId',
          checkText(input.originalMsgNameId ?? 'pacs.008.001.08', 35, `${group}/OrgnlMsgNmId`),
        ),
        optLeaf('OrgnlCreDtTm', input.originalCreatedAt, checkDateTime, group),
      ]),
      leaf('OrgnlEndToEndId', checkText(input.originalEndToEndId, 35, `${p}/OrgnlEndToEndId`)),
      optLeaf('OrgnlTxId', input.originalTxId, maxText(35), p),
      leaf('OrgnlUETR', checkUetr(input.uetr, `${p}/OrgnlUETR`)),
      leaf('TxSts', input.status),
      reason,
      optLeaf('AccptncDtTm', input.acceptedAt, checkDateTime, p),
      agentNode('InstgAgt', input.instructingAgentBic, p),
      agentNode('InstdAgt', input.instructedAgentBic, p),
    ]),
  ]);
  return writeDocument(pacs002Namespace, body);
}

/** Parses a pacs.002.001.10 with exactly one TxInfAndSts (the report on one pacs.008). */
export function parsePacs002(xml: string): Pacs002 {
  const doc = readDocument(xml, pacs002Namespace, pacs002Family);
  const msg = doc.need('FIToFIPmtStsRpt');
  const hdr = msg.need('GrpHdr');
  const txs = msg.children('TxInfAndSts');
  if (txs.length === 0)
    throw new Iso20022Error('missing_field', `${msg.path}/TxInfAndSts`, 'is mandatory');
  if (txs.length > 1)
    throw new Iso20022Error(
      'unsupported',
      `${msg.path}/TxInfAndSts`,
      'exactly one transaction status per message',
    );
  const tx = msg.need('TxInfAndSts');
  const group = tx.need('OrgnlGrpInf');
  const reasons = tx.children('StsRsnInf');
  if (reasons.length > 1)
    throw new Iso20022Error('unsupported', `${tx.path}/StsRsnInf`, 'at most one status reason');
  const r = reasons[0];
  const rsn = r?.child('Rsn');
  const info = r?.children('AddtlInf').map((l) => text(reasonInfoLineCharsMax)(l.text(), l.path));
  const instg = tx.child('InstgAgt');
  const instd = tx.child('InstdAgt');
  return compact({
    msgId: hdr.needText('MsgId', text(35)),
    createdAt: hdr.needText('CreDtTm', checkDateTime),
    originalMsgId: group.needText('OrgnlMsgId', text(35)),
    originalMsgNameId: group.needText('OrgnlMsgNmId', text(35)),
    originalCreatedAt: group.optText('OrgnlCreDtTm', checkDateTime),
    originalEndToEndId: tx.optText('OrgnlEndToEndId', text(35)),
    originalTxId: tx.optText('OrgnlTxId', text(35)),
    originalUetr: tx.optText('OrgnlUETR', checkUetr),
    status: tx.needText('TxSts', text(4)),
    reason:
      r === undefined
        ? undefined
        : compact({
            code: rsn?.optText('Cd', text(4)),
            proprietary: rsn?.optText('Prtry', text(35)),
            info: info === undefined || info.length === 0 ? undefined : info.join(''),
          }),
    acceptedAt: tx.optText('AccptncDtTm', checkDateTime),
    instructingAgent: instg === undefined ? undefined : readAgent(instg),
    instructedAgent: instd === undefined ? undefined : readAgent(instd),
  });
}
