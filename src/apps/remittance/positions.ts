// End-of-day obligations between institutions: when a remittance completes, the sending wallet owes
// the FX bank its totalDebit and the FX bank owes the receiving wallet its receiveAmount, booked on
// the UTC day of completion. Gross obligations are stored per day; netting is done on read.

import { amountMax } from '../../modules/bank/index.ts';
import { assert } from '../../util/assert.ts';
import { utcDay } from './limits.ts';
import type { Obligation, Remittance } from './records.ts';
import type { RemittanceStore } from './store.ts';

/** Distinct (payer, payee, currency) rows in one day's record: bounded by the corridors in use. */
export const obligationsPerDayMax = 1024;

function compareObligations(a: Obligation, b: Obligation): number {
  if (a.payer !== b.payer) return a.payer < b.payer ? -1 : 1;
  if (a.payee !== b.payee) return a.payee < b.payee ? -1 : 1;
  if (a.currency !== b.currency) return a.currency < b.currency ? -1 : 1;
  return 0;
}

function addObligation(list: Obligation[], o: Obligation): void {
  assert(o.amount > 0n, 'an obligation is positive');
  const row = list.find((r) => compareObligations(r, o) === 0);
  if (row === undefined) list.push({ ...o });
  else {
    assert(row.amount + o.amount <= amountMax, 'a day of obligations fits 64 bits');
    row.amount += o.amount;
  }
}

/** Books a completed remittance's two obligations on the block's UTC day. */
export function bookObligations(store: RemittanceStore, r: Remittance, timeMs: number): void {
  assert(r.status === 'completed', 'only a completed remittance creates obligations');
  const day = utcDay(timeMs);
  const list = store.obligations(day);
  addObligation(list, {
    payer: r.sendingOrg,
    payee: r.fxOrg,
    currency: r.sendCurrency,
    amount: r.totalDebit,
  });
  addObligation(list, {
    payer: r.fxOrg,
    payee: r.receivingOrg,
    currency: r.receiveCurrency,
    amount: r.receiveAmount,
  });
  list.sort(compareObligations);
  assert(list.length <= obligationsPerDayMax, 'a day holds a bounded number of obligation rows');
  store.putObligations(day, list);
}

/** Nets obligations per pair of organisations and currency: amount > 0, sorted. */
export function netObligations(gross: readonly Obligation[]): Obligation[] {
  const net = new Map<string, Obligation>();
  for (const o of gross) {
    const [a, b] = o.payer < o.payee ? [o.payer, o.payee] : [o.payee, o.payer];
    const key = `${a}\0${b}\0${o.currency}`;
    const row = net.get(key) ?? { payer: a, payee: b, currency: o.currency, amount: 0n };
    row.amount += o.payer === a ? o.amount : -o.amount; // positive: a owes b
    net.set(key, row);
  }
  const out: Obligation[] = [];
  for (const row of net.values()) {
    if (row.amount > 0n) out.push(row);
    else if (row.amount < 0n)
      out.push({ payer: row.payee, payee: row.payer, currency: row.currency, amount: -row.amount });
  }
  return out.sort(compareObligations);
}
