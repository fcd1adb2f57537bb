// A bank account's balance (GET /v1/accounts/:id, role read), in minor units of its currency.

import type { Client } from '../client.ts';
import type { BytesLike } from '../types.ts';
import { getAccount } from './getAccount.ts';

export type GetBalanceParameters = { accountId: BytesLike; signal?: AbortSignal | undefined };

export type GetBalanceReturnType = {
  readonly currency: string;
  /** Posted: creditsPosted - debitsPosted. */
  readonly balance: bigint;
  /** Posted minus pending debits. */
  readonly available: bigint;
};

/**
 * Reads what an account holds.
 *
 * @example
 * const { balance, currency } = await getBalance(client, { accountId });
 */
export async function getBalance(
  client: Client,
  params: GetBalanceParameters,
): Promise<GetBalanceReturnType> {
  const account = await getAccount(client, { id: params.accountId, signal: params.signal });
  return Object.freeze({
    currency: account.currency,
    balance: account.balance,
    available: account.available,
  });
}
