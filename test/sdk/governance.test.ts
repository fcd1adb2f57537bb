// The SDK's governance builders: what they refuse before anything is signed, and that what they build
// is what the governance module reads (its argument readers, then a real execution over memory state).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '../../src/codec/index.ts';
import { validatorsMax } from '../../src/ledger/limits.ts';
import {
  approvalDelayBlocks,
  noteLengthMax,
  readProposalId,
  readProposal as readProposalRecord,
  readProposeValidators,
} from '../../src/modules/governance/index.ts';
import {
  buildApproveValidators,
  buildProposeValidators,
  buildWithdrawValidators,
  type GovernanceCall,
} from '../../src/sdk/index.ts';
import { Chain, consortium, nodeId, operatorKey } from '../modules/governance/harness.ts';

/** The call's arguments after the trip a transaction makes: canonical CBOR out and back. */
const wireArgs = (call: GovernanceCall) => decode(encode(call.args));

describe('buildProposeValidators', () => {
  it('builds governance.propose_validators with the nodes in order and the note', () => {
    const call = buildProposeValidators({
      validators: ['org-2-1', 'org-1-1', 'org-3-1'],
      note: 'org-2 takes the lead',
    });
    assert.equal(call.module, 'governance');
    assert.equal(call.method, 'propose_validators');
    assert.deepEqual(readProposeValidators(wireArgs(call)), {
      validators: ['org-2-1', 'org-1-1', 'org-3-1'],
      note: 'org-2 takes the lead',
    });
  });

  it('sends an empty note when none is given', () => {
    const call = buildProposeValidators({ validators: ['a-1'] });
    assert.equal(readProposeValidators(wireArgs(call)).note, '');
  });

  it('takes the module’s longest note and validator list', () => {
    assert.equal(noteLengthMax, 280);
    const validators = Array.from({ length: validatorsMax }, (_, i) => `node-${i}`);
    const call = buildProposeValidators({ validators, note: 'n'.repeat(noteLengthMax) });
    assert.equal(readProposeValidators(wireArgs(call)).validators.length, validatorsMax);
  });

  it('error: no nodes, too many, a duplicate, a malformed id, a long note', () => {
    assert.throws(() => buildProposeValidators({ validators: [] }), {
      name: 'TypeError',
      message: 'validators: name at least one node',
    });
    const many = Array.from({ length: validatorsMax + 1 }, (_, i) => `node-${i}`);
    assert.throws(() => buildProposeValidators({ validators: many }), {
      name: 'RangeError',
      message: `validators: at most ${validatorsMax} nodes`,
    });
    assert.throws(() => buildProposeValidators({ validators: ['a-1', 'b-1', 'a-1'] }), {
      name: 'TypeError',
      message: 'validators[2]: a-1 appears twice',
    });
    for (const bad of ['', 'Upper-1', '-dash', 'x'.repeat(65), 'a b'])
      assert.throws(() => buildProposeValidators({ validators: [bad] }), {
        name: 'TypeError',
        message: 'validators[0]: a node id is 1 to 64 lower-case letters, digits or dashes',
      });
    assert.throws(
      () => buildProposeValidators({ validators: ['a-1'], note: 'n'.repeat(noteLengthMax + 1) }),
      { name: 'RangeError', message: 'note: at most 280 characters' },
    );
  });
});

describe('buildApproveValidators and buildWithdrawValidators', () => {
  it('carry the proposal id as the module reads it', () => {
    const approve = buildApproveValidators({ proposalId: 7 });
    const withdraw = buildWithdrawValidators({ proposalId: 2 ** 40 });
    assert.equal(approve.method, 'approve_validators');
    assert.equal(withdraw.method, 'withdraw_validators');
    assert.equal(readProposalId(wireArgs(approve)), 7);
    assert.equal(readProposalId(wireArgs(withdraw)), 2 ** 40);
  });

  it('error: an id that is not a whole number from 1', () => {
    for (const proposalId of [0, -1, 1.5, Number.NaN, 2 ** 53])
      for (const build of [buildApproveValidators, buildWithdrawValidators])
        assert.throws(() => build({ proposalId }), {
          name: 'RangeError',
          message: 'proposalId: expected an integer >= 1',
        });
  });
});

describe('built calls executed by the governance module', () => {
  const run = (c: Chain, signer: Uint8Array, call: GovernanceCall) =>
    c.run({ signer, method: call.method, args: call.args });

  it('proposes, approves and withdraws', () => {
    const c = new Chain(consortium(4));
    const rotated = [nodeId(1), nodeId(0), nodeId(2), nodeId(3)];
    const proposed = run(c, operatorKey(0), buildProposeValidators({ validators: rotated }));
    assert.equal(proposed.code, 'ok', proposed.message);
    c.advanceTo(c.height + approvalDelayBlocks);
    const approved = run(c, operatorKey(1), buildApproveValidators({ proposalId: 1 }));
    assert.equal(approved.code, 'ok', approved.message);
    const withdrawn = run(c, operatorKey(0), buildWithdrawValidators({ proposalId: 1 }));
    assert.equal(withdrawn.code, 'ok', withdrawn.message);
    const record = readProposalRecord(c.gov, 1);
    assert.equal(record?.status, 'withdrawn');
    assert.deepEqual(record?.approvals, ['org-1']);
    assert.deepEqual(
      record?.validators.map((v) => v.nodeId),
      rotated,
    );
  });
});
