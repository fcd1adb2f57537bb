// Status changes of a remittance: each one saves it and emits exactly one remittance_status
// event, so every institution sees the same change at the same height. Refunds give the sender's
// limit allowance back; completion books the day's obligations.
import type { BlockContext } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import type { RemittanceStatus } from './constants.ts';
import { addUsage } from './limits.ts';
import { bookObligations } from './positions.ts';
import type { Remittance } from './records.ts';
import type { RemittanceStore } from './store.ts';

export const statusEventType = 'remittance_status';
/** none -> held -> pending -> an end: the longest path. */
const historyLengthMax = 3;

/** Which statuses may follow which ('none': the remittance is new). */
const transitions: { readonly [from: string]: readonly RemittanceStatus[] } = {
  none: ['pending', 'held', 'completed'],
  held: ['pending', 'completed', 'refused'],
  pending: ['completed', 'rejected', 'expired'],
};

const refunded: readonly RemittanceStatus[] = ['rejected', 'refused', 'expired'];

export function isRefunded(status: RemittanceStatus): boolean {
  return refunded.includes(status);
}

/**
 * Saves `r` with its new status (set by the caller, from `previous`) and emits the event. The legs
 * must already agree with the new status: the caller moved them first.
 */
export function recordStatus(
  ctx: BlockContext,
  store: RemittanceStore,
  r: Remittance,
  previous: RemittanceStatus | 'none',
): void {
  assert(
    transitions[previous]?.includes(r.status) === true,
    `no transition ${previous} -> ${r.status}`,
  );
  r.updatedAtMs = ctx.block.timeMs;
  r.updatedHeight = ctx.block.height;
  if (r.status !== 'pending') r.deadlineMs = 0;
  if (isRefunded(r.status)) addUsage(store, r.senderAccountId, r.createdAtMs, -r.totalDebit);
  if (r.status === 'completed') bookObligations(store, r, ctx.block.timeMs);
  r.history.push(
    r.reason === undefined
      ? { status: r.status, atMs: r.updatedAtMs, height: r.updatedHeight }
      : { status: r.status, atMs: r.updatedAtMs, height: r.updatedHeight, reason: r.reason },
  );
  assert(r.history.length <= historyLengthMax, 'a remittance changes status at most three times');
  store.putRemittance(r, previous === 'none');
  const attributes: { [key: string]: string | Uint8Array } = {
    id: r.id,
    status: r.status,
    previous,
    corridor: r.corridor,
    sendingOrg: r.sendingOrg,
    receivingOrg: r.receivingOrg,
  };
  if (r.reason !== undefined) attributes.reason = r.reason.code;
  ctx.emit(statusEventType, attributes);
}
