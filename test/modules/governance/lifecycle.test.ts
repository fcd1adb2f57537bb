// A validator-set change from proposal to approval (or withdrawal, or expiry) through the real
// runtime over a memory state: thresholds for 1, 4 and 7 organisations, the approval delay at its
// boundary, expiry at its boundary, the approved-change record, and determinism.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approvalDelayBlocks,
  proposalLifetimeMs,
  readApprovedChange,
  readOpenProposal,
  readProposal,
  validatorNodeIds,
} from '../../../src/modules/governance/index.ts';
import {
  Chain,
  consortium,
  nodeId,
  operatorKey,
  secondOperatorKey,
  startTimeMs,
} from './harness.ts';

const rotated = [nodeId(3), nodeId(1), nodeId(2), nodeId(0)];

/** Proposes `validators` from org-0 at the next height, then waits until it may be approved. */
function proposeAndWait(c: Chain, validators: readonly string[] = rotated): number {
  const proposed = c.propose(operatorKey(0), validators);
  assert.equal(proposed.code, 'ok', proposed.message);
  const id = readOpenProposal(c.gov)!.id;
  c.advanceTo(c.height + approvalDelayBlocks - 1);
  return id;
}

describe('governance.propose_validators', () => {
  it('opens proposal 1 with no approvals, the proposer’s included', () => {
    const c = new Chain(consortium(4));
    c.advanceTo(6);
    const result = c.propose(operatorKey(2), rotated, 'org-3 takes the lead');
    assert.equal(result.code, 'ok', result.message);
    const proposedAtMs = startTimeMs + 7 * 1000;
    assert.deepEqual(result.events, [
      {
        module: 'governance',
        type: 'validators_proposed',
        attributes: {
          id: 1,
          validators: rotated,
          proposerOrg: 'org-2',
          expiresAtMs: proposedAtMs + proposalLifetimeMs,
        },
      },
    ]);
    const record = readProposal(c.gov, 1);
    assert.deepEqual(record, {
      id: 1,
      validators: rotated.map((id) => c.consortium.nodes.find((n) => n.nodeId === id)),
      note: 'org-3 takes the lead',
      proposerOrg: 'org-2',
      proposedHeight: 7,
      proposedAtMs,
      expiresAtMs: proposedAtMs + proposalLifetimeMs,
      approvals: [],
      status: 'open',
      approvedHeight: undefined,
    });
    assert.deepEqual(readOpenProposal(c.gov), record);
    assert.equal(readApprovedChange(c.gov), undefined);
  });

  it('takes observers, a subset, and a single validator', () => {
    const c = new Chain(consortium(6));
    assert.equal(c.propose(operatorKey(0), [nodeId(5)]).code, 'ok');
    assert.deepEqual(
      readProposal(c.gov, 1)!.validators.map((n) => n.nodeId),
      [nodeId(5)],
    );
  });

  it('closes an expired open proposal and opens the next in the same transaction', () => {
    const c = new Chain(consortium(4));
    const first = proposeAndWait(c);
    const expiresAtMs = readOpenProposal(c.gov)!.expiresAtMs;
    const result = c.run(
      {
        signer: operatorKey(1),
        method: 'propose_validators',
        args: { validators: [nodeId(1), nodeId(0)], note: 'again' },
      },
      expiresAtMs,
    );
    assert.equal(result.code, 'ok', result.message);
    assert.deepEqual(
      result.events.map((e) => e.type),
      ['validators_proposed'],
    );
    assert.equal(readProposal(c.gov, first)!.status, 'expired');
    assert.equal(readOpenProposal(c.gov)!.id, 2);
    assert.equal(c.approve(operatorKey(2), first).code, 'gov_proposal_closed');
  });
});

describe('governance.approve_validators', () => {
  const thresholds = [
    { orgs: 1, needed: 1 },
    { orgs: 4, needed: 3 },
    { orgs: 7, needed: 5 },
  ];
  for (const { orgs, needed } of thresholds) {
    it(`approves with ${needed} of ${orgs} organisations, not one fewer`, () => {
      // A lone organisation runs two nodes, so that there is another order to propose.
      const c = new Chain(consortium(orgs, { nodeCount: Math.max(orgs, 2) }));
      const id = proposeAndWait(c, [...c.consortium.genesisValidators].reverse());
      for (let i = 0; i < needed - 1; i++) {
        const result = c.approve(operatorKey(i), id);
        assert.equal(result.code, 'ok', result.message);
        assert.deepEqual(result.events, [
          {
            module: 'governance',
            type: 'validators_approval',
            attributes: { id, orgId: `org-${i}`, approvals: i + 1, needed },
          },
        ]);
        assert.equal(readOpenProposal(c.gov)?.status, 'open');
        assert.equal(readApprovedChange(c.gov), undefined);
      }
      const last = c.approve(operatorKey(needed - 1), id);
      assert.equal(last.code, 'ok', last.message);
      assert.deepEqual(
        last.events.map((e) => [e.type, e.attributes]),
        [
          ['validators_approval', { id, orgId: `org-${needed - 1}`, approvals: needed, needed }],
          [
            'validators_approved',
            {
              id,
              approvedHeight: c.height,
              validators: readProposal(c.gov, id)!.validators.map((n) => n.nodeId),
            },
          ],
        ],
      );
      const record = readProposal(c.gov, id)!;
      assert.equal(record.status, 'approved');
      assert.equal(record.approvedHeight, c.height);
      assert.deepEqual(
        record.approvals,
        Array.from({ length: needed }, (_, i) => `org-${i}`),
      );
      assert.deepEqual(readApprovedChange(c.gov), {
        proposalId: id,
        approvedHeight: c.height,
        validators: record.validators,
      });
      assert.equal(readOpenProposal(c.gov), undefined);
    });
  }

  it('refuses one block before proposedHeight + approvalDelayBlocks and takes it at that height', () => {
    const c = new Chain(consortium(4));
    c.advanceTo(10);
    assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
    const from = 11 + approvalDelayBlocks;
    c.advanceTo(from - 2);
    const early = c.approve(operatorKey(1), 1);
    assert.equal(c.height, from - 1);
    assert.equal(early.code, 'gov_proposal_too_new');
    assert.equal(early.message, `proposal 1 can be approved from height ${from}`);
    const onTime = c.approve(operatorKey(1), 1);
    assert.equal(c.height, from);
    assert.equal(onTime.code, 'ok', onTime.message);
  });

  it('takes an approval until the millisecond before expiresAtMs, then refuses it', () => {
    const c = new Chain(consortium(4));
    const id = proposeAndWait(c);
    const expiresAtMs = readOpenProposal(c.gov)!.expiresAtMs;
    assert.equal(c.approve(operatorKey(1), id, expiresAtMs - 1).code, 'ok');
    const late = c.approve(operatorKey(2), id, expiresAtMs);
    assert.equal(late.code, 'gov_proposal_expired');
    // Expired but not closed: it stays the open proposal until the next propose.
    assert.equal(readOpenProposal(c.gov)?.id, id);
    assert.deepEqual(readOpenProposal(c.gov)?.approvals, ['org-1']);
  });

  it('counts an organisation once, whichever of its operator keys approves', () => {
    const c = new Chain(consortium(4));
    const id = proposeAndWait(c);
    assert.equal(c.approve(secondOperatorKey(3), id).code, 'ok');
    assert.equal(c.approve(operatorKey(3), id).code, 'gov_already_approved');
    assert.deepEqual(readProposal(c.gov, id)!.approvals, ['org-3']);
  });

  it('approves in the block where the threshold is reached, with later approvals refused', () => {
    const c = new Chain(consortium(4));
    const id = proposeAndWait(c);
    const results = c.block([0, 1, 2, 3].map((i) => approveCall(i, id)));
    assert.deepEqual(
      results.map((r) => r.code),
      ['ok', 'ok', 'ok', 'gov_proposal_closed'],
    );
    assert.equal(readApprovedChange(c.gov)?.approvedHeight, c.height);
  });
});

function approveCall(org: number, proposalId: number) {
  return { signer: operatorKey(org), method: 'approve_validators', args: { proposalId } };
}

describe('governance.withdraw_validators', () => {
  it('lets any operator of the proposing organisation withdraw, and nobody else', () => {
    const c = new Chain(consortium(4));
    assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
    assert.equal(c.withdraw(operatorKey(1), 1).code, 'gov_not_proposer');
    const result = c.withdraw(secondOperatorKey(0), 1);
    assert.equal(result.code, 'ok', result.message);
    assert.deepEqual(result.events, [
      { module: 'governance', type: 'validators_withdrawn', attributes: { id: 1 } },
    ]);
    assert.equal(readProposal(c.gov, 1)!.status, 'withdrawn');
    assert.equal(readOpenProposal(c.gov), undefined);
    c.advanceTo(20);
    assert.equal(c.approve(operatorKey(1), 1).code, 'gov_proposal_closed');
    assert.equal(c.propose(operatorKey(1), rotated).code, 'ok');
    assert.equal(readOpenProposal(c.gov)!.id, 2);
  });

  it('withdraws a proposal that has approvals, and one whose expiry has passed', () => {
    const c = new Chain(consortium(4));
    const id = proposeAndWait(c);
    assert.equal(c.approve(operatorKey(1), id).code, 'ok');
    const expiresAtMs = readOpenProposal(c.gov)!.expiresAtMs;
    c.block([], expiresAtMs + 1);
    assert.equal(c.withdraw(operatorKey(0), id).code, 'ok');
    assert.deepEqual(readProposal(c.gov, id)!.approvals, ['org-1']);
  });
});

describe('after an approval', () => {
  it('opens proposal 2, compared with the approved set, and its approval replaces the change', () => {
    const c = new Chain(consortium(4));
    const first = proposeAndWait(c);
    for (const i of [0, 1, 2]) assert.equal(c.approve(operatorKey(i), first).code, 'ok');
    const genesis = c.consortium.genesisValidators;
    assert.deepEqual(validatorNodeIds(c.gov, genesis), rotated);

    assert.equal(c.propose(operatorKey(1), rotated).code, 'gov_validators_unchanged');
    const second = proposeAndWait(c, genesis);
    assert.equal(second, 2);
    for (const i of [3, 2, 1]) assert.equal(c.approve(operatorKey(i), second).code, 'ok');
    const change = readApprovedChange(c.gov)!;
    assert.equal(change.proposalId, 2);
    assert.equal(change.approvedHeight, c.height);
    assert.deepEqual(validatorNodeIds(c.gov, genesis), genesis);
    assert.equal(readProposal(c.gov, first)!.status, 'approved');
  });
});

describe('determinism', () => {
  it('gives the same results and state on two chains fed the same blocks', () => {
    const script = (c: Chain) => [
      c.propose(operatorKey(0), rotated),
      c.approve(operatorKey(1), 1),
      ...Array.from({ length: approvalDelayBlocks }, () => c.approve(operatorKey(1), 1)),
      c.approve(operatorKey(2), 1),
      c.withdraw(operatorKey(0), 1),
      c.propose(operatorKey(3), [nodeId(0)]),
      c.approve(operatorKey(0), 2, c.timeMs + proposalLifetimeMs),
      c.propose(operatorKey(3), [nodeId(1)]),
    ];
    const a = new Chain(consortium(4));
    const b = new Chain(consortium(4));
    const ra = script(a);
    const rb = script(b);
    assert.deepEqual(ra, rb);
    assert.deepEqual(
      ra.map((r) => r.code),
      [
        'ok',
        'gov_proposal_too_new',
        'gov_proposal_too_new',
        'gov_proposal_too_new',
        'ok',
        'gov_already_approved',
        'ok',
        'ok',
        'ok',
        'gov_proposal_expired',
        'ok',
      ],
    );
    assert.deepEqual(a.state.entries(), b.state.entries());
  });
});
