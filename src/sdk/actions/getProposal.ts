// GET /v1/governance/proposals/:id (role read): one validator-set change proposal and where its
// approval stands. An unknown id is a TallyError with code proposal_not_found.
import type { Client } from '../client.ts';
import { type Proposal, readProposal } from './getProposals.ts';

export type GetProposalParameters = { id: number; signal?: AbortSignal | undefined };

export type GetProposalReturnType = Proposal;

/**
 * Reads one proposal.
 *
 * @example
 * const proposal = await getProposal(client, { id: 3 });
 * console.log(`${proposal.approvals.length} of ${proposal.approvalsNeeded} approvals`);
 */
export async function getProposal(
  client: Client,
  params: GetProposalParameters,
): Promise<GetProposalReturnType> {
  if (!Number.isSafeInteger(params.id) || params.id < 1)
    throw new RangeError('id: expected an integer >= 1');
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/governance/proposals/${params.id}`,
    signed: true,
    signal: params.signal,
  });
  return readProposal(body, 'proposal');
}
