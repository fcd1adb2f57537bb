// GET /v1/governance/proposals (role read): validator-set change proposals, newest first, as the node
// knows them after its last executed block. The shared reader of one proposal is here too.
import type { Client } from '../client.ts';
import {
  readHex,
  readInteger,
  readList,
  readObject,
  readOneOf,
  readOptionalInteger,
  readText,
} from '../json.ts';

export type ProposalStatus = 'open' | 'approved' | 'withdrawn' | 'expired';
const statuses: readonly ProposalStatus[] = ['open', 'approved', 'withdrawn', 'expired'];

export type ProposedValidator = {
  readonly nodeId: string;
  readonly orgId: string;
  /** The node's consensus key. */
  readonly publicKeyHex: string;
};

export type Proposal = {
  readonly id: number;
  /** `expired` also for a proposal still open in state whose expiry the last block passed. */
  readonly status: ProposalStatus;
  /** In leader-rotation order. */
  readonly validators: readonly ProposedValidator[];
  readonly note: string;
  readonly proposerOrg: string;
  readonly proposedHeight: number;
  readonly proposedAtMs: number;
  readonly expiresAtMs: number;
  /** Organisations that approved, in order. */
  readonly approvals: readonly string[];
  /** Approvals that pass it: more than 2/3 of the organisations. */
  readonly approvalsNeeded: number;
  readonly approvedHeight?: number | undefined;
};

export type GetProposalsParameters = {
  /** Proposals per page, 1 to 100 (default 20). */
  limit?: number;
  /** A previous page's `next`: proposals numbered below it. */
  before?: number;
  signal?: AbortSignal | undefined;
};

export type GetProposalsReturnType = {
  readonly items: readonly Proposal[];
  readonly next?: number;
};

function readValidator(value: unknown, field: string): ProposedValidator {
  const v = readObject(value, field);
  return Object.freeze({
    nodeId: readText(v.nodeId, `${field}.nodeId`),
    orgId: readText(v.orgId, `${field}.orgId`),
    publicKeyHex: readHex(v.publicKeyHex, `${field}.publicKeyHex`),
  });
}

/** Reads one proposal of the API's JSON (GET /v1/governance/proposals[/:id]). */
export function readProposal(value: unknown, field: string): Proposal {
  const p = readObject(value, field);
  const approvedHeight = readOptionalInteger(p.approvedHeight, `${field}.approvedHeight`);
  return Object.freeze({
    id: readInteger(p.id, `${field}.id`),
    status: readOneOf(p.status, `${field}.status`, statuses),
    validators: Object.freeze(
      readList(p.validators, `${field}.validators`).map((v, i) =>
        readValidator(v, `${field}.validators[${i}]`),
      ),
    ),
    note: readText(p.note, `${field}.note`),
    proposerOrg: readText(p.proposerOrg, `${field}.proposerOrg`),
    proposedHeight: readInteger(p.proposedHeight, `${field}.proposedHeight`),
    proposedAtMs: readInteger(p.proposedAtMs, `${field}.proposedAtMs`),
    expiresAtMs: readInteger(p.expiresAtMs, `${field}.expiresAtMs`),
    approvals: Object.freeze(
      readList(p.approvals, `${field}.approvals`).map((o, i) =>
        readText(o, `${field}.approvals[${i}]`),
      ),
    ),
    approvalsNeeded: readInteger(p.approvalsNeeded, `${field}.approvalsNeeded`),
    ...(approvedHeight === undefined ? {} : { approvedHeight }),
  });
}

/**
 * Lists validator-set change proposals, newest first.
 *
 * @example
 * const { items } = await getProposals(client, { limit: 10 });
 * const open = items.find((p) => p.status === 'open');
 */
export async function getProposals(
  client: Client,
  params: GetProposalsParameters = {},
): Promise<GetProposalsReturnType> {
  const query = new URLSearchParams();
  for (const [name, value] of [
    ['limit', params.limit],
    ['before', params.before],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`${name}: expected an integer >= 1`);
    query.set(name, String(value));
  }
  const text = query.toString();
  const { body } = await client.request({
    method: 'GET',
    path: text === '' ? '/v1/governance/proposals' : `/v1/governance/proposals?${text}`,
    signed: true,
    signal: params.signal,
  });
  const page = readObject(body, 'proposals');
  const items = readList(page.items, 'proposals.items').map((item, i) =>
    readProposal(item, `proposals.items[${i}]`),
  );
  const next = readOptionalInteger(page.next, 'proposals.next');
  return Object.freeze({
    items: Object.freeze(items),
    ...(next === undefined ? {} : { next }),
  });
}
