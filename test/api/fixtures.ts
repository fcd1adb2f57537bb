// Bank transactions for the API tests: a currency, an issuer account and a funded user account.
import { toHex } from '../../src/util/bytes.ts';
import type { ApiHarness } from './harness.ts';

export const currency = 'HKD';
export const issuerAccountId = new Uint8Array(16).fill(0x01);
export const userAccountId = new Uint8Array(16).fill(0x02);
export const fundingMinor = 250_000n;

/** Registers HKD (issuer: the submitter key), opens the submitter's account and funds it. */
export function bankSetupTxs(h: ApiHarness): string[] {
  const key = h.keys.submitter;
  return [
    h.signTx(key, 'bank', 'register_currency', { code: currency, decimals: 2, issuerAccountId }),
    h.signTx(key, 'bank', 'create_account', {
      id: userAccountId,
      currency,
      flags: ['debits_must_not_exceed_credits'],
    }),
    h.signTx(key, 'bank', 'issue', {
      id: new Uint8Array(16).fill(0x03),
      accountId: userAccountId,
      amount: fundingMinor,
      currency,
    }),
  ].map((tx) => toHex(tx.bytes));
}

/**
 * `count` transactions that fail at execution (closing an account nobody opened), with nonces from
 * `firstNonce` on: the cheapest way to fill blocks with receipts, which carry no events.
 */
export function failingTxs(h: ApiHarness, count: number, firstNonce: bigint): string[] {
  const noSuchAccount = { id: new Uint8Array(16).fill(9) };
  return Array.from({ length: count }, (_, i) =>
    toHex(
      h.signTx(h.keys.submitter, 'bank', 'close_account', noSuchAccount, firstNonce + BigInt(i))
        .bytes,
    ),
  );
}
