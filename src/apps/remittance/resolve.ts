// How a remittance ends: the receiving wallet accepts (all legs post) or rejects (all legs void), a
// reviewer releases or refuses one held by screening, and the endBlock sweep expires what nobody
// answered. Each moves all four legs together, then records the one status change.
import type { BlockContext, MethodResult, TxContext } from '../../execution/index.ts';
import { type Directory, signerOrgId } from '../../modules/identity/index.ts';
import { assert } from '../../util/assert.ts';
import type { RejectInput, ReviewInput } from './args.ts';
import { sweepDeadlines } from './expiry.ts';
import { postLegs, voidLegs } from './legs.ts';
import type { Remittance } from './records.ts';
import { settle } from './send.ts';
import { recordStatus } from './status.ts';
import type { RemittanceStore } from './store.ts';

/** ISO 20022 reason codes the module gives itself: refused by compliance, timed out at the creditor agent. */
export const refusedReasonCode = 'RR04';
export const expiredReasonCode = 'AB05';

/** The signer's organisation: genesis keys and keys added on chain alike. */
function signerOrg(ctx: TxContext, directory: Directory): string | undefined {
  return signerOrgId(ctx, directory);
}

/** The pending remittance the receiving wallet answers, or the code why it cannot. */
function answerable(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  id: Uint8Array,
): Remittance | MethodResult {
  const r = store.remittance(id);
  if (r === undefined) return { code: 'remittance_not_found' };
  if (signerOrg(ctx, directory) !== r.receivingOrg) {
    return { code: 'not_authorized', message: `only ${r.receivingOrg} answers this remittance` };
  }
  if (r.status !== 'pending')
    return { code: 'remittance_not_pending', message: `status is ${r.status}` };
  // Due but not yet swept (the sweep is bounded per block): expired all the same.
  if (ctx.block.timeMs >= r.deadlineMs) return { code: 'remittance_expired' };
  return r;
}

export function accept(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  id: Uint8Array,
): MethodResult {
  const r = answerable(ctx, directory, store, id);
  if (!('legs' in r)) return r;
  const failure = postLegs(ctx, r.id, r.legs);
  if (failure !== undefined)
    return { code: 'leg_failed', message: `leg ${failure.leg + 1}: ${failure.code}` };
  r.status = 'completed';
  recordStatus(ctx, store, r, 'pending');
  return { code: 'ok' };
}

export function reject(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: RejectInput,
): MethodResult {
  const r = answerable(ctx, directory, store, input.id);
  if (!('legs' in r)) return r;
  voidLegs(ctx, r.id, r.legs);
  r.status = 'rejected';
  r.reason =
    input.message === undefined
      ? { code: input.reason }
      : { code: input.reason, message: input.message };
  recordStatus(ctx, store, r, 'pending');
  return { code: 'ok' };
}

export function review(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: ReviewInput,
): MethodResult {
  const r = store.remittance(input.id);
  if (r === undefined) return { code: 'remittance_not_found' };
  const org = signerOrg(ctx, directory);
  if (org === undefined || (org !== r.fxOrg && !r.regulators.includes(org))) {
    return {
      code: 'not_authorized',
      message: `only ${r.fxOrg} or the corridor's regulators review`,
    };
  }
  if (r.status !== 'held') return { code: 'remittance_not_held', message: `status is ${r.status}` };
  if (input.decision === 'release') {
    const corridor = store.corridor(r.corridor);
    assert(corridor !== undefined, 'a remittance keeps its corridor');
    settle(ctx, store, r, corridor);
  } else {
    voidLegs(ctx, r.id, r.legs);
    r.status = 'refused';
    r.reason =
      input.note === undefined
        ? { code: refusedReasonCode }
        : { code: refusedReasonCode, message: input.note };
  }
  recordStatus(ctx, store, r, 'held');
  return { code: 'ok' };
}

/** The endBlock sweep: pending remittances past their deadline void their legs and expire. */
export function expireDue(ctx: BlockContext, store: RemittanceStore): number {
  return sweepDeadlines(store, ctx.block.timeMs, (r) => {
    assert(
      r.status === 'pending' && r.deadlineMs <= ctx.block.timeMs,
      'only a due pending remittance expires',
    );
    voidLegs(ctx, r.id, r.legs);
    r.status = 'expired';
    r.reason = { code: expiredReasonCode, message: 'not accepted before the deadline' };
    recordStatus(ctx, store, r, 'pending');
  });
}
