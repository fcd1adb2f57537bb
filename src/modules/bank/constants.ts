// The bank's limits and flag bits. Amounts and balances are unsigned 64-bit minor units (the
// largest integer canonical CBOR carries); every total is checked against `amountMax` before it moves.

export const bankModuleName = 'bank';

/** Account and transfer ids are client-chosen 128-bit values, as in TigerBeetle. */
export const idBytes = 16;
export const amountMax = (1n << 64n) - 1n;
/** ISO 4217 minor units run 0 to 4; anything past 18 cannot be meant. */
export const decimalsMax = 18;
export const currencyCodePattern = /^[A-Z]{3}$/;
export const ownerBytesMax = 96;
export const userDataBytesMax = 32;

/**
 * Transfers in one create_transfers call: each emits one event and a receipt carries at most 256
 * (the runtime's eventsPerTxMax); 256 transfers also fit the ledger's 64 KiB transaction.
 */
export const transfersPerCallMax = 256;
/** Pending transfers an account may have open as the debit side at one time. */
export const pendingTransfersPerAccountMax = 4096;
/** Longest pending timeout: about 136 years, TigerBeetle's u32 seconds. */
export const pendingTimeoutSecMax = 2 ** 32 - 1;
/** Work the expiry sweep does in one endBlock: each expiry or skipped slot is one step. */
export const expirySweepStepsPerBlockMax = 2048;

export const accountFlags = {
  debits_must_not_exceed_credits: 1,
  credits_must_not_exceed_debits: 2,
  /** Set by close_account only; a closed account takes no new transfers or posts. */
  closed: 4,
} as const;
export type AccountFlagName = 'debits_must_not_exceed_credits' | 'credits_must_not_exceed_debits';
export const accountFlagNames: readonly AccountFlagName[] = [
  'debits_must_not_exceed_credits',
  'credits_must_not_exceed_debits',
];

export const transferFlags = {
  linked: 1,
  pending: 2,
  post_pending: 4,
  void_pending: 8,
  /** Set by the issue and redeem methods; they cannot be asked for in create_transfers. */
  issue: 16,
  redeem: 32,
} as const;
export type TransferFlagName = 'linked' | 'pending' | 'post_pending' | 'void_pending';
export const transferFlagNames: readonly TransferFlagName[] = [
  'linked',
  'pending',
  'post_pending',
  'void_pending',
];

/** The life of a pending transfer; other transfers are 'none'. */
export const pendingStates = ['none', 'pending', 'posted', 'voided', 'expired'] as const;
export type PendingState = (typeof pendingStates)[number];
