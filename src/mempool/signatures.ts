// The one signature batch of an admission or a block check: each transaction's own signature, then
// the signatures it carries (a send's quote; at most carriedSignaturesPerTxMax a transaction). The
// carried ones decide nothing here: those that verify are handed on for execution to find.
import type { VerifyItem } from '../crypto/verify-batch.ts';
import type { Transaction } from '../ledger/tx.ts';
import { assert } from '../util/assert.ts';
import { carriedSignaturesPerTxMax } from './limits.ts';

export type CarriedSignatureDeps = {
  readonly carriedSignatures?: (tx: Transaction) => readonly VerifyItem[];
  readonly carriedVerified?: (item: VerifyItem) => void;
};

/** Verifies `txs` and what they carry in one call; resolves with the verdicts on their own signatures. */
export async function verifyTxSignatures(
  txs: readonly Transaction[],
  verify: (items: readonly VerifyItem[]) => Promise<boolean[]>,
  deps: CarriedSignatureDeps,
): Promise<boolean[]> {
  const own: VerifyItem[] = txs.map((tx) => ({
    suite: tx.suite,
    message: tx.id,
    signature: tx.signature,
    publicKey: tx.signer,
  }));
  const { carriedSignatures, carriedVerified } = deps;
  const carried =
    carriedSignatures === undefined
      ? []
      : txs.flatMap((tx) => carriedSignatures(tx).slice(0, carriedSignaturesPerTxMax));
  const verdicts = await verify(carried.length === 0 ? own : own.concat(carried));
  assert(verdicts.length === own.length + carried.length, 'one verdict per signature');
  carried.forEach((item, i) => {
    if (verdicts[own.length + i] === true) carriedVerified?.(item);
  });
  return verdicts.slice(0, own.length);
}
