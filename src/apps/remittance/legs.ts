// The four linked transfers of a remittance, through the bank's keeper function: created together
// at send, pending, then all posted (accept) or all voided (reject, refuse, expiry); or, where the
// receiving wallet's policy accepts the remittance as it is sent, created posted. Their ids are
// derived from the remittance id, so a retry finds the same legs and nothing can be moved twice.

import { sha256 } from '../../crypto/sha256.ts';
import type { BlockContext } from '../../execution/index.ts';
import {
  executeBankTransfers,
  type TransferAuthority,
  type TransferCode,
  type TransferInput,
  transferFlags,
} from '../../modules/bank/index.ts';
import { assert } from '../../util/assert.ts';
import { utf8 } from '../../util/bytes.ts';
import type { CorridorAccounts } from './args.ts';

export const legCount = 4;
const legTag = utf8('tally/remittance/leg');
const postTag = utf8('tally/remittance/post');
const voidTag = utf8('tally/remittance/void');

function derivedId(tag: Uint8Array, id: Uint8Array, leg: number): Uint8Array {
  assert(leg >= 0 && leg < legCount, 'a leg index is 0 to 3');
  return sha256(tag, id, new Uint8Array([leg])).slice(0, 16);
}

/** First 16 bytes of sha256('tally/remittance/leg' || id || [leg]). */
export function legId(id: Uint8Array, leg: number): Uint8Array {
  return derivedId(legTag, id, leg);
}

export function legIds(id: Uint8Array): Uint8Array[] {
  return [0, 1, 2, 3].map((leg) => legId(id, leg));
}

/**
 * The module moves money only along paths it has checked itself (the sender account and the
 * corridor's accounts, validated at registration), so its authority over the legs is unconditional.
 */
const moduleAuthority: TransferAuthority = Object.freeze({
  mayDebit: () => true,
  mayResolve: () => true,
  isIssuer: () => false,
});

export type LegPlan = {
  id: Uint8Array;
  /** legIds(id), which the caller keeps for the remittance's record. */
  legs: readonly Uint8Array[];
  senderAccountId: Uint8Array;
  beneficiaryAccountId: Uint8Array;
  accounts: CorridorAccounts;
  sendCurrency: string;
  receiveCurrency: string;
  totalDebit: bigint;
  receiveAmount: bigint;
};

export type LegFailure = { leg: number; code: TransferCode };

/**
 * Creates the four legs as one linked chain, pending or (`posted`) final; undefined when all four
 * were created. A chain that fails writes nothing.
 */
export function createLegs(
  ctx: BlockContext,
  plan: LegPlan,
  posted = false,
): LegFailure | undefined {
  const ids = plan.legs;
  const a = plan.accounts;
  const path: Array<[Uint8Array, Uint8Array, bigint, string]> = [
    [plan.senderAccountId, a.sendingSettlement, plan.totalDebit, plan.sendCurrency],
    [a.sendingSettlement, a.fxSend, plan.totalDebit, plan.sendCurrency],
    [a.fxReceive, a.receivingSettlement, plan.receiveAmount, plan.receiveCurrency],
    [a.receivingSettlement, plan.beneficiaryAccountId, plan.receiveAmount, plan.receiveCurrency],
  ];
  const inputs: TransferInput[] = path.map(([debit, credit, amount, currency], leg) => ({
    id: ids[leg]!,
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    currency,
    flags: (posted ? 0 : transferFlags.pending) | (leg < legCount - 1 ? transferFlags.linked : 0),
    userData: plan.id, // the UETR: a bank statement entry points back to its remittance
  }));
  return firstFailure(executeBankTransfers(ctx, inputs, moduleAuthority));
}

function resolveInputs(
  id: Uint8Array,
  legs: readonly Uint8Array[],
  post: boolean,
): TransferInput[] {
  assert(legs.length === legCount, 'a remittance has four legs');
  const tag = post ? postTag : voidTag;
  const flag = post ? transferFlags.post_pending : transferFlags.void_pending;
  return legs.map((pendingId, leg) => ({
    id: derivedId(tag, id, leg),
    pendingId,
    flags: flag | (leg < legCount - 1 ? transferFlags.linked : 0),
    userData: id,
  }));
}

/** Posts all four legs atomically; a failure (a closed account) leaves them all pending. */
export function postLegs(
  ctx: BlockContext,
  id: Uint8Array,
  legs: readonly Uint8Array[],
): LegFailure | undefined {
  return firstFailure(executeBankTransfers(ctx, resolveInputs(id, legs, true), moduleAuthority));
}

/** Voids all four legs: the sender is refunded and every reservation released. Cannot fail. */
export function voidLegs(ctx: BlockContext, id: Uint8Array, legs: readonly Uint8Array[]): void {
  const failure = firstFailure(
    executeBankTransfers(ctx, resolveInputs(id, legs, false), moduleAuthority),
  );
  assert(
    failure === undefined,
    `voiding a pending remittance's legs cannot fail (${failure?.code})`,
  );
}

function firstFailure(codes: readonly TransferCode[]): LegFailure | undefined {
  assert(codes.length === legCount, 'one code per leg');
  if (codes.every((c) => c === 'ok')) return undefined;
  const leg = codes.findIndex((c) => c !== 'ok' && c !== 'linked_event_failed');
  assert(leg >= 0, 'a failed chain names the transfer that failed');
  return { leg, code: codes[leg]! };
}
