// Compliance limits per sender account: the KYC tier its level reaches caps one remittance, and the
// tier's daily and monthly caps bound the sums of totalDebit sent (UTC days and months of block
// time). Usage is counted at send and given back when a remittance is refunded.
import { assert } from '../../util/assert.ts';
import type { KycTier } from './args.ts';
import { msPerDay } from './constants.ts';
import type { Corridor } from './records.ts';
import { type RemittanceReader, type RemittanceStore, remittanceKeys } from './store.ts';

export type LimitCode =
  | 'kyc_level_insufficient'
  | 'daily_limit_exceeded'
  | 'monthly_limit_exceeded';

/** The UTC day number of a block time. */
export function utcDay(timeMs: number): number {
  return Math.floor(timeMs / msPerDay);
}

/** The UTC month as YYYYMM. */
export function utcMonth(timeMs: number): number {
  const date = new Date(timeMs);
  return date.getUTCFullYear() * 100 + date.getUTCMonth() + 1;
}

/** The highest tier whose level is at most `level` (tiers ascend), or undefined. */
export function tierFor(tiers: readonly KycTier[], level: number): KycTier | undefined {
  let found: KycTier | undefined;
  for (const tier of tiers) if (tier.level <= level) found = tier;
  return found;
}

export function checkLimits(
  reader: RemittanceReader,
  corridor: Corridor,
  accountId: Uint8Array,
  amount: bigint,
  timeMs: number,
): { code: LimitCode; message: string } | undefined {
  assert(amount > 0n, 'a remittance debits a positive amount');
  const level = reader.kyc(accountId)?.level ?? 0;
  const tier = tierFor(corridor.kycTiers, level);
  if (tier === undefined) {
    return {
      code: 'kyc_level_insufficient',
      message: `KYC level ${level} is below every tier of ${corridor.id}`,
    };
  }
  if (amount > tier.perTxMax) {
    return {
      code: 'kyc_level_insufficient',
      message: `${amount} is over ${tier.perTxMax}, the per-remittance cap of KYC level ${tier.level}`,
    };
  }
  const day = reader.amount(remittanceKeys.dailyUsage(accountId, utcDay(timeMs)), 'daily usage');
  if (day + amount > tier.dailyMax) {
    return {
      code: 'daily_limit_exceeded',
      message: `${day} sent today; ${amount} more is over ${tier.dailyMax}`,
    };
  }
  const month = reader.amount(
    remittanceKeys.monthlyUsage(accountId, utcMonth(timeMs)),
    'monthly usage',
  );
  if (month + amount > tier.monthlyMax) {
    return {
      code: 'monthly_limit_exceeded',
      message: `${month} sent this month; ${amount} more is over ${tier.monthlyMax}`,
    };
  }
  return undefined;
}

/** Counts a send (delta > 0) or gives a refund back (delta < 0) on the day and month of `sentAtMs`. */
export function addUsage(
  store: RemittanceStore,
  accountId: Uint8Array,
  sentAtMs: number,
  delta: bigint,
): void {
  store.addAmount(remittanceKeys.dailyUsage(accountId, utcDay(sentAtMs)), delta, 'daily usage');
  store.addAmount(
    remittanceKeys.monthlyUsage(accountId, utcMonth(sentAtMs)),
    delta,
    'monthly usage',
  );
}
