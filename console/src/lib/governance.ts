// The validator set from the console: the set in force, the governance module's proposals, and the
// propose / approve / withdraw transactions signed by the session's key (role operator). A refusal,
// at admission or in the receipt, becomes an error carrying its code for the page to show.
import {
  buildApproveValidators,
  buildProposeValidators,
  buildTransaction,
  buildWithdrawValidators,
  type Client,
  type GetValidatorsReturnType,
  type GovernanceCall,
  getProposals,
  getStatus,
  getValidators,
  type Proposal,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../../../src/sdk/index.ts';

export type { Proposal };
export type CurrentSet = GetValidatorsReturnType;

/** Proposals the card lists: the newest ones, which include any open proposal. */
const proposalsShown = 10;

/** A refusal with its code, which errorText shows as "message (code)". */
export class RefusedError extends Error {
  override name = 'RefusedError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export async function loadCurrentSet(client: Client): Promise<CurrentSet> {
  return getValidators(client);
}

export async function loadProposals(client: Client): Promise<readonly Proposal[]> {
  return (await getProposals(client, { limit: proposalsShown })).items;
}

async function submitCall(client: Client, call: GovernanceCall): Promise<void> {
  const account = client.account;
  if (account === undefined) throw new Error('no key to sign with');
  const { chainId } = await getStatus(client);
  const tx = signTransaction(account, buildTransaction({ chainId, ...call }));
  const [result] = (await submitTransactions(client, { transactions: [tx] })).results;
  if (result === undefined || result.status === 'rejected')
    throw new RefusedError(
      result?.code ?? 'rejected',
      `the node refused it: ${result?.message ?? 'no reason given'}`,
    );
  const receipt = await waitForTransaction(client, { txId: tx.txId, timeoutMs: 60_000 });
  if (receipt.code !== 'ok')
    throw new RefusedError(receipt.code ?? 'failed', `refused: ${receipt.message ?? 'no reason'}`);
}

export async function proposeValidators(
  client: Client,
  nodeIds: readonly string[],
  note: string,
): Promise<void> {
  await submitCall(client, buildProposeValidators({ validators: nodeIds, note }));
}

export async function approveProposal(client: Client, proposalId: number): Promise<void> {
  await submitCall(client, buildApproveValidators({ proposalId }));
}

export async function withdrawProposal(client: Client, proposalId: number): Promise<void> {
  await submitCall(client, buildWithdrawValidators({ proposalId }));
}
