// Typed access to the governance module's state: the same reads over a block's state or committed
// state, and the writes a method makes. A proposal's approvals live under their own key: 256
// validators with the longest ids fill most of a state value, and the approvals of a directory's
// largest consortium (1024 organisations) would not fit beside them.
import type { ModuleState, ModuleStateReader } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import { governanceKeys, readStoredId } from './keys.ts';
import {
  type ApprovedChange,
  decodeApprovals,
  decodeApprovedChange,
  decodeProposal,
  encodeApprovedChange,
  encodeProposal,
  type ProposalRecord,
} from './records.ts';

export class GovernanceReader {
  constructor(protected readonly state: ModuleStateReader) {}

  /** The id of the newest proposal; 0 before the first. */
  lastId(): number {
    return readStoredId(this.state, governanceKeys.lastId()) ?? 0;
  }

  /** The id of the proposal whose status is open, if one is. */
  openId(): number | undefined {
    return readStoredId(this.state, governanceKeys.open());
  }

  proposal(id: number): ProposalRecord | undefined {
    if (!Number.isSafeInteger(id) || id < 1) return undefined;
    const value = this.state.get(governanceKeys.proposal(id));
    if (value === undefined) return undefined;
    const record = decodeProposal(
      value,
      decodeApprovals(this.state.get(governanceKeys.approvals(id))),
    );
    assert(record.id === id, 'a proposal is stored under its id');
    return record;
  }

  approvedChange(): ApprovedChange | undefined {
    const value = this.state.get(governanceKeys.approvedChange());
    return value === undefined ? undefined : decodeApprovedChange(value);
  }
}

export class GovernanceStore extends GovernanceReader {
  constructor(private readonly writable: ModuleState) {
    super(writable);
  }

  /** Saves a new proposal as the open one and the newest. */
  open(record: ProposalRecord): void {
    assert(record.id === this.lastId() + 1, 'proposal ids follow each other');
    assert(this.openId() === undefined, 'one proposal is open at a time');
    assert(record.status === 'open' && record.approvals.length === 0, 'a new proposal is open');
    this.writable.set(governanceKeys.lastId(), record.id);
    this.writable.set(governanceKeys.open(), record.id);
    this.save(record);
  }

  /** Saves a proposal; closing the open one (any status but open) drops the open pointer. */
  save(record: ProposalRecord): void {
    assert(record.id <= this.lastId(), 'a saved proposal was numbered');
    const isOpen = this.openId() === record.id;
    assert(isOpen || record.status !== 'open', 'only the open proposal has status open');
    this.writable.set(governanceKeys.proposal(record.id), encodeProposal(record));
    if (record.approvals.length > 0)
      this.writable.set(governanceKeys.approvals(record.id), [...record.approvals]);
    if (isOpen && record.status !== 'open') this.writable.delete(governanceKeys.open());
    assert(this.proposal(record.id)?.status === record.status, 'a saved proposal reads back');
  }

  saveApprovedChange(change: ApprovedChange): void {
    this.writable.set(governanceKeys.approvedChange(), encodeApprovedChange(change));
    assert(this.approvedChange()?.proposalId === change.proposalId, 'the change reads back');
  }
}
