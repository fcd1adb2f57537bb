// The governance module's records: genesis nodes as validators, proposals and the approved change,
// stored as CBOR maps and read back field by field.
import {
  type CborValue,
  readArray,
  readEnum,
  readRecord,
  readString,
  readUint,
} from '../../codec/index.ts';
import type { SuiteId } from '../../crypto/suite.ts';
import { readPublicKey, readSuite } from '../../ledger/keys.ts';
import { orgIdLengthMax, validatorsMax } from '../../ledger/limits.ts';
import { assert } from '../../util/assert.ts';
import { orgsMax } from '../identity/directory.ts';
import { nodeIdLengthMax, noteLengthMax } from './keys.ts';

/** A node the genesis lists (validator or observer), with its consensus key. */
export type GovernanceNode = {
  readonly nodeId: string;
  readonly orgId: string;
  readonly suite: SuiteId;
  readonly publicKey: Uint8Array;
};

export const proposalStatuses = ['open', 'approved', 'withdrawn', 'expired'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

export type ProposalRecord = {
  readonly id: number;
  /** In leader rotation order. */
  readonly validators: readonly GovernanceNode[];
  readonly note: string;
  readonly proposerOrg: string;
  readonly proposedHeight: number;
  readonly proposedAtMs: number;
  readonly expiresAtMs: number;
  /** Organisation ids in the order they approved. */
  readonly approvals: readonly string[];
  readonly status: ProposalStatus;
  /** The height of the block whose approval passed it. */
  readonly approvedHeight?: number | undefined;
};

/** The latest approved change of the validator set. */
export type ApprovedChange = {
  readonly proposalId: number;
  readonly approvedHeight: number;
  readonly validators: readonly GovernanceNode[];
};

function encodeNode(node: GovernanceNode): CborValue {
  return {
    nodeId: node.nodeId,
    orgId: node.orgId,
    suite: node.suite,
    publicKey: node.publicKey,
  };
}

function decodeNode(value: CborValue, field: string): GovernanceNode {
  const r = readRecord(value, field, ['nodeId', 'orgId', 'suite', 'publicKey']);
  const suite = readSuite(r.suite, `${field}.suite`);
  return Object.freeze({
    nodeId: readString(r.nodeId, `${field}.nodeId`, nodeIdLengthMax),
    orgId: readString(r.orgId, `${field}.orgId`, orgIdLengthMax),
    suite,
    publicKey: readPublicKey(r.publicKey, suite, `${field}.publicKey`),
  });
}

function decodeNodes(value: CborValue | undefined, field: string): readonly GovernanceNode[] {
  const nodes = readArray(value, field, validatorsMax).map((v, i) =>
    decodeNode(v, `${field}[${i}]`),
  );
  assert(nodes.length > 0, 'a stored validator set is not empty');
  return Object.freeze(nodes);
}

/** The proposal without its approvals, which are kept under their own key (store.ts says why). */
export function encodeProposal(p: ProposalRecord): CborValue {
  assert(p.validators.length > 0, 'a proposal names at least one validator');
  assert((p.status === 'approved') === (p.approvedHeight !== undefined), 'approved has a height');
  return {
    id: p.id,
    validators: p.validators.map(encodeNode),
    note: p.note,
    proposerOrg: p.proposerOrg,
    proposedHeight: p.proposedHeight,
    proposedAtMs: p.proposedAtMs,
    expiresAtMs: p.expiresAtMs,
    status: p.status,
    ...(p.approvedHeight === undefined ? {} : { approvedHeight: p.approvedHeight }),
  };
}

export function decodeProposal(value: CborValue, approvals: readonly string[]): ProposalRecord {
  const r = readRecord(
    value,
    'proposal',
    [
      'id',
      'validators',
      'note',
      'proposerOrg',
      'proposedHeight',
      'proposedAtMs',
      'expiresAtMs',
      'status',
    ],
    ['approvedHeight'],
  );
  return Object.freeze({
    id: readUint(r.id, 'proposal.id'),
    validators: decodeNodes(r.validators, 'proposal.validators'),
    note: readString(r.note, 'proposal.note', noteLengthMax),
    proposerOrg: readString(r.proposerOrg, 'proposal.proposerOrg', orgIdLengthMax),
    proposedHeight: readUint(r.proposedHeight, 'proposal.proposedHeight'),
    proposedAtMs: readUint(r.proposedAtMs, 'proposal.proposedAtMs'),
    expiresAtMs: readUint(r.expiresAtMs, 'proposal.expiresAtMs'),
    approvals: Object.freeze([...approvals]),
    status: readEnum(r.status, 'proposal.status', proposalStatuses),
    approvedHeight:
      r.approvedHeight === undefined
        ? undefined
        : readUint(r.approvedHeight, 'proposal.approvedHeight'),
  });
}

export function decodeApprovals(value: CborValue | undefined): readonly string[] {
  if (value === undefined) return [];
  return readArray(value, 'approvals', orgsMax).map((v, i) =>
    readString(v, `approvals[${i}]`, orgIdLengthMax),
  );
}

export function encodeApprovedChange(c: ApprovedChange): CborValue {
  assert(c.validators.length > 0, 'an approved set is not empty');
  return {
    proposalId: c.proposalId,
    approvedHeight: c.approvedHeight,
    validators: c.validators.map(encodeNode),
  };
}

export function decodeApprovedChange(value: CborValue): ApprovedChange {
  const r = readRecord(value, 'approvedChange', ['proposalId', 'approvedHeight', 'validators']);
  return Object.freeze({
    proposalId: readUint(r.proposalId, 'approvedChange.proposalId'),
    approvedHeight: readUint(r.approvedHeight, 'approvedChange.approvedHeight'),
    validators: decodeNodes(r.validators, 'approvedChange.validators'),
  });
}
