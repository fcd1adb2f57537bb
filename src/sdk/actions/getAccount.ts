// GET /v1/accounts/:id (role read): a bank account with its four counters and balances, as bigint.
import { bankIdHex } from '../bank.ts';
import type { Client } from '../client.ts';
import { readDecimal, readHex, readInteger, readList, readObject, readText } from '../json.ts';
import type { BytesLike } from '../types.ts';

export type GetAccountParameters = { id: BytesLike; signal?: AbortSignal | undefined };

export type GetAccountReturnType = {
  readonly id: string;
  readonly currency: string;
  readonly owner: string;
  readonly debitsPending: bigint;
  readonly debitsPosted: bigint;
  readonly creditsPending: bigint;
  readonly creditsPosted: bigint;
  /** creditsPosted - debitsPosted (negative for an issuer account). */
  readonly balance: bigint;
  /** balance - debitsPending: what can still be spent or reserved. */
  readonly available: bigint;
  readonly flags: readonly string[];
  readonly pendingCount: number;
  readonly createdHeight: number;
};

/**
 * Reads a bank account from the node's latest executed state.
 *
 * @example
 * const account = await getAccount(client, { id: accountId });
 * console.log(account.currency, account.balance);
 */
export async function getAccount(
  client: Client,
  params: GetAccountParameters,
): Promise<GetAccountReturnType> {
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/accounts/${bankIdHex(params.id)}`,
    signed: true,
    signal: params.signal,
  });
  return parseAccount(body);
}

export function parseAccount(body: unknown): GetAccountReturnType {
  const a = readObject(body, 'account');
  return Object.freeze({
    id: readHex(a.id, 'account.id', 16),
    currency: readText(a.currency, 'account.currency'),
    owner: readHex(a.owner, 'account.owner'),
    debitsPending: readDecimal(a.debitsPending, 'account.debitsPending'),
    debitsPosted: readDecimal(a.debitsPosted, 'account.debitsPosted'),
    creditsPending: readDecimal(a.creditsPending, 'account.creditsPending'),
    creditsPosted: readDecimal(a.creditsPosted, 'account.creditsPosted'),
    balance: readDecimal(a.balance, 'account.balance'),
    available: readDecimal(a.available, 'account.available'),
    flags: Object.freeze(
      readList(a.flags, 'account.flags').map((f, i) => readText(f, `account.flags[${i}]`)),
    ),
    pendingCount: readInteger(a.pendingCount, 'account.pendingCount'),
    createdHeight: readInteger(a.createdHeight, 'account.createdHeight'),
  });
}
