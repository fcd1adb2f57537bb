// The governance module's name, limits and result codes, and where it keeps its records in its key
// space. State has point reads only, so proposals are numbered from 1 under a last-id counter.
// One-letter tags keep keys short: l last id, o open proposal, p proposal, a approvals, c change.
import type { ModuleStateReader } from '../../execution/read.ts';
import { validatorsMax } from '../../ledger/limits.ts';
import { assert } from '../../util/assert.ts';
import { taggedKey } from '../../util/bytes.ts';
import { encodeUintBE } from '../bank/store.ts';

export const governanceModuleName = 'governance';

/**
 * Blocks between a proposal and its first approval. A node that has executed height E then knows
 * that no change is approved at a height <= E + approvalDelayBlocks unless a proposal was open at E:
 * the node relies on it to decide blocks above the height it has executed.
 */
export const approvalDelayBlocks = 4;
/** How long a proposal stays open for approvals, from its block's time. */
export const proposalLifetimeMs = 86_400_000;
/** The note says why the set changes; short, as it lives in state for good. */
export const noteLengthMax = 280;
/** A node id as the genesis allows it. */
export const nodeIdLengthMax = 64;
/** Every node the genesis lists, validators and observers (the genesis reads at most this many). */
export const governanceNodesMax = validatorsMax * 2;
/** Most proposals one listProposals call returns. */
export const proposalsListMax = 100;

/** Result codes of the governance module besides the runtime's, in the order its checks run. */
export const governanceCodes = [
  'gov_not_operator',
  'gov_validators_invalid',
  'gov_validators_unchanged',
  'gov_proposal_open',
  'gov_proposal_unknown',
  'gov_proposal_closed',
  'gov_proposal_expired',
  'gov_proposal_too_new',
  'gov_already_approved',
  'gov_not_proposer',
] as const;
export type GovernanceCode = (typeof governanceCodes)[number];

function proposalIdBytes(id: number): Uint8Array {
  assert(Number.isSafeInteger(id) && id >= 1, 'a proposal id is a positive integer');
  return encodeUintBE(id, 8);
}

export const governanceKeys = {
  lastId: () => taggedKey('l'),
  open: () => taggedKey('o'),
  proposal: (id: number) => taggedKey('p', proposalIdBytes(id)),
  approvals: (id: number) => taggedKey('a', proposalIdBytes(id)),
  approvedChange: () => taggedKey('c'),
};

/** A proposal id as state holds it (a pointer or the counter), checked on the way out. */
export function readStoredId(state: ModuleStateReader, key: Uint8Array): number | undefined {
  const value = state.get(key);
  if (value === undefined) return undefined;
  assert(typeof value === 'number' && Number.isSafeInteger(value), 'a stored id is an integer');
  assert(value >= 1, 'a stored id is positive');
  return value;
}
