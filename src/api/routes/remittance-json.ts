// JSON forms of the remittance records (docs/api.md, Remittance): ids hex, the UETR in its
// dashed form, amounts decimal strings.
import type { Corridor, Remittance } from '../../apps/remittance/queries.ts';
import { toHex } from '../../util/bytes.ts';
import type { GatewayAnswer } from '../gateway.ts';

/** 16 bytes as the UUID text ISO 20022 calls a UETR. */
export function formatUetr(id: Uint8Array): string {
  const h = toHex(id);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function remittanceToJson(r: Remittance) {
  return {
    id: toHex(r.id),
    uetr: formatUetr(r.id),
    corridor: r.corridor,
    status: r.status,
    sendingOrg: r.sendingOrg,
    receivingOrg: r.receivingOrg,
    fxOrg: r.fxOrg,
    regulators: r.regulators,
    senderAccountId: toHex(r.senderAccountId),
    beneficiaryAccountId: toHex(r.beneficiaryAccountId),
    quoteId: toHex(r.quoteId),
    rate: r.rate,
    sendCurrency: r.sendCurrency,
    receiveCurrency: r.receiveCurrency,
    sendAmount: r.sendAmount.toString(),
    fee: r.fee.toString(),
    totalDebit: r.totalDebit.toString(),
    receiveAmount: r.receiveAmount.toString(),
    ...(r.endToEndId === undefined ? {} : { endToEndId: r.endToEndId }),
    travelRuleHash: toHex(r.travelRuleHash),
    createdAtMs: r.createdAtMs,
    createdHeight: r.createdHeight,
    deadlineMs: r.deadlineMs,
    updatedAtMs: r.updatedAtMs,
    updatedHeight: r.updatedHeight,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    ...(r.sanctionsMatch === undefined ? {} : { sanctionsMatch: r.sanctionsMatch }),
    legs: r.legs.map(toHex),
  };
}

export function corridorToJson(c: Corridor) {
  return {
    id: c.id,
    sendCurrency: c.sendCurrency,
    receiveCurrency: c.receiveCurrency,
    sendingOrg: c.sendingOrg,
    receivingOrg: c.receivingOrg,
    fxOrg: c.fxOrg,
    regulators: c.regulators,
    accounts: {
      sendingSettlement: toHex(c.accounts.sendingSettlement),
      fxSend: toHex(c.accounts.fxSend),
      fxReceive: toHex(c.accounts.fxReceive),
      receivingSettlement: toHex(c.accounts.receivingSettlement),
    },
    acceptWindowSec: c.acceptWindowSec,
    kycTiers: c.kycTiers.map((t) => ({
      level: t.level,
      perTxMax: t.perTxMax.toString(),
      dailyMax: t.dailyMax.toString(),
      monthlyMax: t.monthlyMax.toString(),
    })),
  };
}

export function answerToJson(a: GatewayAnswer, remittance: Remittance | undefined) {
  return {
    id: toHex(a.id),
    uetr: formatUetr(a.id),
    txId: toHex(a.txId),
    ...(a.height === undefined ? {} : { height: a.height }),
    ...(a.code === undefined ? {} : { code: a.code }),
    ...(a.message === undefined ? {} : { message: a.message }),
    remittance: remittance === undefined ? null : remittanceToJson(remittance),
  };
}
