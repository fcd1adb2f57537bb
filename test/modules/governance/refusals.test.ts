// Every refusal of the governance module, run through the real runtime over a memory state: each
// code at least once (the table is checked against governanceCodes), with no events and no writes,
// and the messages users see pinned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approvalDelayBlocks,
  governanceCodes,
  noteLengthMax,
  readOpenProposal,
} from '../../../src/modules/governance/index.ts';
import { toHex } from '../../../src/util/bytes.ts';
import {
  Chain,
  consortium,
  nodeId,
  operatorKey,
  secondOperatorKey,
  submitterKey,
} from './harness.ts';

const rotated = [nodeId(1), nodeId(2), nodeId(3), nodeId(4)];

/** Proposal 1 (by org-0), old enough to approve. */
function withProposal(c: Chain): Chain {
  assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
  c.advanceTo(1 + approvalDelayBlocks);
  return c;
}

type Scenario = {
  code: string;
  message?: string | RegExp;
  run: (c: Chain) => ReturnType<Chain['run']>;
};

const scenarios: { [name: string]: Scenario } = {
  'propose by a key without role operator': {
    code: 'gov_not_operator',
    message: 'governance needs a key of a member organisation with role operator',
    run: (c) => c.propose(submitterKey(0), rotated),
  },
  'approve by a key without role operator': {
    code: 'gov_not_operator',
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      c.advanceTo(10);
      return c.approve(submitterKey(1), 1);
    },
  },
  'withdraw by a key without role operator': {
    code: 'gov_not_operator',
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      return c.withdraw(submitterKey(0), 1);
    },
  },
  'an empty validator list': {
    code: 'gov_validators_invalid',
    message: 'validators: at least one node is required',
    run: (c) => c.propose(operatorKey(0), []),
  },
  'more than validatorsMax validators': {
    code: 'gov_validators_invalid',
    message: 'validators: at most 256 nodes, got 257',
    run: (c) =>
      c.propose(
        operatorKey(0),
        Array.from({ length: 257 }, (_, i) => `n${i}`),
      ),
  },
  'a node listed twice': {
    code: 'gov_validators_invalid',
    message: 'validators[2]: node-1 is listed twice',
    run: (c) => c.propose(operatorKey(0), [nodeId(0), nodeId(1), nodeId(1)]),
  },
  'a node the genesis does not list': {
    code: 'gov_validators_invalid',
    message: 'validators[1]: node-99 is not a node of the genesis',
    run: (c) => c.propose(operatorKey(0), [nodeId(0), 'node-99']),
  },
  'the genesis set in its order': {
    code: 'gov_validators_unchanged',
    message: 'the same validators in the same order as the set last approved, or the genesis set',
    run: (c) => c.propose(operatorKey(0), c.consortium.genesisValidators),
  },
  'another proposal open and not expired': {
    code: 'gov_proposal_open',
    message: /^proposal 1 is open until \d+ \(block time, ms\)$/,
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      return c.propose(operatorKey(1), [nodeId(0)]);
    },
  },
  'another proposal open until its last millisecond': {
    code: 'gov_proposal_open',
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      const expiresAtMs = readOpenProposal(c.gov)!.expiresAtMs;
      return c.run(
        {
          signer: operatorKey(1),
          method: 'propose_validators',
          args: { validators: [nodeId(0)], note: '' },
        },
        expiresAtMs - 1,
      );
    },
  },
  'approve a proposal that does not exist': {
    code: 'gov_proposal_unknown',
    message: 'no proposal 7',
    run: (c) => c.approve(operatorKey(0), 7),
  },
  'withdraw proposal 0': {
    code: 'gov_proposal_unknown',
    message: 'no proposal 0',
    run: (c) => c.withdraw(operatorKey(0), 0),
  },
  'approve a withdrawn proposal': {
    code: 'gov_proposal_closed',
    message: 'proposal 1 is withdrawn',
    run: (c) => {
      assert.equal(withProposal(c).withdraw(operatorKey(0), 1).code, 'ok');
      return c.approve(operatorKey(1), 1);
    },
  },
  'withdraw a withdrawn proposal': {
    code: 'gov_proposal_closed',
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      assert.equal(c.withdraw(operatorKey(0), 1).code, 'ok');
      return c.withdraw(operatorKey(0), 1);
    },
  },
  'approve at the expiry time': {
    code: 'gov_proposal_expired',
    message: 'proposal 1 expired at 1700086401000 (block time, ms)',
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      return c.approve(operatorKey(1), 1, readOpenProposal(c.gov)!.expiresAtMs);
    },
  },
  'approve one block before it may be': {
    code: 'gov_proposal_too_new',
    message: `proposal 1 can be approved from height ${1 + approvalDelayBlocks}`,
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      c.advanceTo(approvalDelayBlocks - 1);
      return c.approve(operatorKey(1), 1);
    },
  },
  'approve twice for one organisation, with another of its keys': {
    code: 'gov_already_approved',
    message: 'org-1 already approved proposal 1',
    run: (c) => {
      assert.equal(withProposal(c).approve(operatorKey(1), 1).code, 'ok');
      return c.approve(secondOperatorKey(1), 1);
    },
  },
  'withdraw by another organisation': {
    code: 'gov_not_proposer',
    message: 'only an operator of org-0 may withdraw proposal 1',
    run: (c) => {
      assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
      return c.withdraw(operatorKey(1), 1);
    },
  },
  'a note longer than noteLengthMax': {
    code: 'invalid_args',
    message: `args.note: longer than ${noteLengthMax} characters`,
    run: (c) => c.propose(operatorKey(0), rotated, 'x'.repeat(noteLengthMax + 1)),
  },
  'a node id longer than the genesis allows': {
    code: 'invalid_args',
    run: (c) => c.propose(operatorKey(0), ['n'.repeat(65)]),
  },
  'an unknown argument': {
    code: 'invalid_args',
    run: (c) =>
      c.run({
        signer: operatorKey(0),
        method: 'propose_validators',
        args: { validators: rotated, note: '', epoch: 2 },
      }),
  },
  'a proposal id that is not an unsigned integer': {
    code: 'invalid_args',
    run: (c) =>
      c.run({ signer: operatorKey(0), method: 'approve_validators', args: { proposalId: -1 } }),
  },
};

describe('governance refusals', () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(`error: ${scenario.code}: ${name}`, () => {
      const c = new Chain(consortium(5));
      const result = scenario.run(c);
      assert.equal(result.code, scenario.code, result.message);
      assert.deepEqual(result.events, []);
      if (typeof scenario.message === 'string') assert.equal(result.message, scenario.message);
      else if (scenario.message !== undefined) assert.match(result.message ?? '', scenario.message);
    });
  }

  it('covers every governance code', () => {
    const covered = new Set(Object.values(scenarios).map((s) => s.code));
    assert.deepEqual(
      governanceCodes.filter((code) => !covered.has(code)),
      [],
    );
  });

  it('writes nothing when it refuses', () => {
    const c = new Chain(consortium(5));
    assert.equal(c.propose(operatorKey(0), rotated).code, 'ok');
    const before = c.state.entries().map((e) => [toHex(e.key), toHex(e.value)]);
    assert.equal(c.propose(operatorKey(1), [nodeId(0)]).code, 'gov_proposal_open');
    assert.equal(c.approve(operatorKey(1), 1).code, 'gov_proposal_too_new');
    assert.equal(c.withdraw(operatorKey(2), 1).code, 'gov_not_proposer');
    assert.deepEqual(
      c.state.entries().map((e) => [toHex(e.key), toHex(e.value)]),
      before,
    );
  });

  it('refuses every proposal in a chain built without genesis nodes', () => {
    const { directory } = consortium(4);
    const c = new Chain({ directory, nodes: [], genesisValidators: [] });
    const result = c.propose(operatorKey(0), [nodeId(0)]);
    assert.equal(result.code, 'gov_validators_invalid');
    assert.equal(result.message, 'validators[0]: node-0 is not a node of the genesis');
  });
});
