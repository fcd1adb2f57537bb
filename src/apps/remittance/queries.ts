// Read helpers over committed state for the API and the CLI: pure, no block needed. Lists are walked
// through their counters (state has point reads only), newest first, with a numeric cursor.
import { readModuleState, type StateReader } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import { listLimitMax, remittanceModuleName } from './constants.ts';
import { netObligations } from './positions.ts';
import type { Corridor, Obligation, Remittance } from './records.ts';
import { listNames } from './sanctions.ts';
import { RemittanceReader } from './store.ts';

export type { RemittanceStatus } from './constants.ts';
export type { Corridor, Obligation, Remittance, StatusChange, StatusReason } from './records.ts';

function reader(state: StateReader): RemittanceReader {
  return new RemittanceReader(readModuleState(state, remittanceModuleName));
}

export function getRemittance(state: StateReader, id: Uint8Array): Remittance | undefined {
  return id.length === 16 ? reader(state).remittance(id) : undefined;
}

/** The sealed Travel-Rule envelope; only entitled organisations can open it (the API checks who asks). */
export function getTravelRuleEnvelope(state: StateReader, id: Uint8Array): Uint8Array | undefined {
  return id.length === 16 ? reader(state).envelope(id) : undefined;
}

/**
 * An organisation's remittances (as sending, receiving or FX org, or regulator), newest first.
 * `before` is the cursor: the log position to start below; `next` is the cursor of the next page.
 */
export function listRemittances(
  state: StateReader,
  orgId: string,
  options: { before?: number | undefined; limit: number },
): { items: Remittance[]; next?: number } {
  if (!Number.isSafeInteger(options.limit) || options.limit < 1 || options.limit > listLimitMax) {
    throw new RangeError(`limit: expected 1 to ${listLimitMax}`);
  }
  const r = reader(state);
  if (orgId.length === 0 || orgId.length > 64) return { items: [] };
  const head = r.logHead(orgId);
  const count = r.logCount(orgId, head);
  const start = Math.min(options.before ?? count, count);
  const items: Remittance[] = [];
  let index = start;
  while (index > 0 && items.length < options.limit) {
    index -= 1;
    const remittance = r.remittance(r.logEntry(orgId, index, head));
    assert(remittance !== undefined, 'a logged remittance exists');
    items.push(remittance);
  }
  return index > 0 ? { items, next: index } : { items };
}

export function getCorridor(state: StateReader, id: string): Corridor | undefined {
  return id.length === 0 || id.length > 32 ? undefined : reader(state).corridor(id);
}

export function listCorridors(state: StateReader): Corridor[] {
  const r = reader(state);
  const out: Corridor[] = [];
  const n = r.corridorCount();
  for (let i = 0; i < n; i++) {
    const c = r.corridor(r.corridorAt(i));
    assert(c !== undefined, 'a listed corridor exists');
    out.push(c);
  }
  return out;
}

/** One UTC day's obligations as booked, per (payer, payee, currency), sorted. */
export function grossObligations(state: StateReader, day: number): Obligation[] {
  return reader(state).obligations(day);
}

/** One UTC day's net positions between institutions: per pair and currency, amount > 0, sorted. */
export function netPositions(state: StateReader, day: number): Obligation[] {
  return netObligations(grossObligations(state, day));
}

export function getSanctionsList(state: StateReader): { version: number; names: string[] } {
  return listNames(reader(state));
}

export function getKycLevel(state: StateReader, accountId: Uint8Array): number {
  return accountId.length === 16 ? (reader(state).kyc(accountId)?.level ?? 0) : 0;
}
