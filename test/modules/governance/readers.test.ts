// The governance readers (open-proposal pointer, paging, approvalsNeeded, validatorNodeIds), the
// module's construction checks, the largest consortium the limits allow, and the node's wiring from
// a genesis (governanceSetup, chainModules).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '../../../src/crypto/sha256.ts';
import { getSuite } from '../../../src/crypto/suites.ts';
import { createMemoryState, createRegistry, executeBlock } from '../../../src/execution/index.ts';
import { validatorsMax } from '../../../src/ledger/limits.ts';
import {
  approvalDelayBlocks,
  approvalsNeeded,
  createGovernanceModule,
  listProposals,
  noteLengthMax,
  proposalsListMax,
  readApprovedChange,
  readOpenProposal,
  readProposal,
  validatorNodeIds,
} from '../../../src/modules/governance/index.ts';
import {
  chainModules,
  genesisDirectory,
  governanceSetup,
} from '../../../src/node/chain-modules.ts';
import { parseGenesis } from '../../../src/node/genesis.ts';
import { createOrgCa } from '../../../src/p2p/pki.ts';
import { toHex } from '../../../src/util/bytes.ts';
import { Chain, consortium, nodeId, operatorKey } from './harness.ts';

const rotated = [nodeId(1), nodeId(0), nodeId(2), nodeId(3)];

/** Proposals 1..5 by org-0: 1 approved, 2 withdrawn, 3 expired, 4 withdrawn, 5 open. */
function fiveProposals(): Chain {
  const c = new Chain(consortium(4));
  const sets = [rotated, [nodeId(0)], [nodeId(1)], [nodeId(2)], [nodeId(3)]];
  for (const [i, set] of sets.entries()) {
    const id = i + 1;
    assert.equal(c.propose(operatorKey(0), set).code, 'ok');
    if (id === 1) {
      c.advanceTo(c.height + approvalDelayBlocks - 1);
      for (const org of [0, 1, 2]) assert.equal(c.approve(operatorKey(org), id).code, 'ok');
    } else if (id === 3) {
      c.block([], readOpenProposal(c.gov)!.expiresAtMs);
    } else if (id !== 5) {
      assert.equal(c.withdraw(operatorKey(0), id).code, 'ok');
    }
  }
  return c;
}

describe('readers', () => {
  it('keep the open pointer only while a proposal is open', () => {
    const c = fiveProposals();
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((id) => readProposal(c.gov, id)?.status),
      ['approved', 'withdrawn', 'expired', 'withdrawn', 'open'],
    );
    assert.equal(readOpenProposal(c.gov)?.id, 5);
    assert.equal(readApprovedChange(c.gov)?.proposalId, 1);
    assert.equal(c.withdraw(operatorKey(0), 5).code, 'ok');
    assert.equal(readOpenProposal(c.gov), undefined);
  });

  it('list proposals newest first, by pages of limit below beforeId', () => {
    const c = fiveProposals();
    const ids = (items: { id: number }[]) => items.map((p) => p.id);
    assert.deepEqual(ids(listProposals(c.gov, { limit: 10 })), [5, 4, 3, 2, 1]);
    assert.deepEqual(ids(listProposals(c.gov, { limit: 2 })), [5, 4]);
    assert.deepEqual(ids(listProposals(c.gov, { limit: 2, beforeId: 4 })), [3, 2]);
    assert.deepEqual(ids(listProposals(c.gov, { limit: 2, beforeId: 2 })), [1]);
    assert.deepEqual(ids(listProposals(c.gov, { limit: 2, beforeId: 1 })), []);
    assert.deepEqual(ids(listProposals(c.gov, { limit: 3, beforeId: 99 })), [5, 4, 3]);
    assert.deepEqual(listProposals(new Chain(consortium(1)).gov, { limit: 1 }), []);
    assert.deepEqual(listProposals(c.gov, { limit: 1, beforeId: 4 })[0], readProposal(c.gov, 3));
  });

  it('error: listProposals refuses a limit outside 1..proposalsListMax and a bad beforeId', () => {
    const c = fiveProposals();
    for (const limit of [0, proposalsListMax + 1, 1.5])
      assert.throws(() => listProposals(c.gov, { limit }), RangeError);
    assert.throws(() => listProposals(c.gov, { limit: 1, beforeId: 0 }), RangeError);
    assert.equal(listProposals(c.gov, { limit: proposalsListMax }).length, 5);
  });

  it('readProposal answers undefined for ids never given', () => {
    const c = fiveProposals();
    for (const id of [0, 6, -1, 1.5, Number.MAX_SAFE_INTEGER + 1])
      assert.equal(readProposal(c.gov, id), undefined);
  });

  it('approvalsNeeded is the least count over two thirds', () => {
    const table = [
      [0, 1],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 5],
      [10, 7],
      [100, 67],
      [256, 171],
    ];
    for (const [orgs, needed] of table) assert.equal(approvalsNeeded(orgs!), needed, `${orgs}`);
  });

  it('validatorNodeIds gives the genesis set until a change is approved', () => {
    const c = new Chain(consortium(4));
    const genesis = c.consortium.genesisValidators;
    assert.deepEqual(validatorNodeIds(c.gov, genesis), genesis);
    const done = fiveProposals();
    assert.deepEqual(validatorNodeIds(done.gov, genesis), rotated);
  });
});

describe('construction', () => {
  const { directory, nodes } = consortium(4);
  const build = (over: Partial<Parameters<typeof createGovernanceModule>[0]>) => () =>
    createGovernanceModule({ directory, nodes, genesisValidators: [nodeId(0)], ...over });

  it('error: refuses nodes listed twice, unknown organisations and wrong key lengths', () => {
    assert.throws(build({ nodes: [...nodes, nodes[0]!] }), /node node-0 is listed twice/);
    assert.throws(build({ nodes: [{ ...nodes[0]!, orgId: 'nobody' }] }), /unknown org nobody/);
    assert.throws(
      build({ nodes: [{ ...nodes[0]!, suite: 'p256' }] }),
      /publicKey must be 33 bytes for p256/,
    );
    assert.throws(build({ nodes: [{ ...nodes[0]!, nodeId: '' }] }), RangeError);
  });

  it('error: refuses genesis validators that are unknown or repeated', () => {
    assert.throws(build({ genesisValidators: ['node-9'] }), /names unknown node node-9/);
    assert.throws(build({ genesisValidators: [nodeId(1), nodeId(1)] }), /listed twice/);
  });
});

describe('the largest consortium', () => {
  it('keeps 256 validators with 64-character ids and 683 approvals of 1024 organisations', () => {
    const long = (prefix: string) => (i: number) => `${prefix}-${String(i).padStart(62, '0')}`;
    const orgs = 1024;
    const c = new Chain(
      consortium(orgs, {
        orgIds: long('o'),
        nodeIds: long('n'),
        nodeCount: validatorsMax * 2,
        nodeSuite: 'p256',
      }),
    );
    const validators = c.consortium.nodes.slice(validatorsMax).map((n) => n.nodeId);
    assert.equal(validators.length, validatorsMax);
    assert.equal(validators[0]!.length, 64);
    const note = '\u{1F5F3}'.repeat(noteLengthMax / 2); // four UTF-8 bytes per two characters
    assert.equal(c.propose(operatorKey(0), validators, note).code, 'ok');
    c.advanceTo(c.height + approvalDelayBlocks - 1);
    const needed = approvalsNeeded(orgs);
    assert.equal(needed, 683);
    const approvals = Array.from({ length: needed }, (_, i) => ({
      signer: operatorKey(i),
      method: 'approve_validators',
      args: { proposalId: 1 },
    }));
    const results = c.block(approvals);
    assert.deepEqual(
      results.filter((r) => r.code !== 'ok'),
      [],
    );
    assert.equal(readProposal(c.gov, 1)!.approvals.length, needed);
    assert.deepEqual(
      readApprovedChange(c.gov)!.validators.map((n) => n.nodeId),
      validators,
    );
  });
});

describe('wiring from a genesis', () => {
  const key = (byte: number) =>
    getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(byte));
  const org = (id: string) => ({
    id,
    name: id,
    caCertPem: createOrgCa({ orgId: id, name: `${id} CA`, validDays: 1 }).certPem,
    roles: ['validator'],
  });
  const node = (nodeId: string, orgId: string, kind: string, byte: number) => ({
    nodeId,
    orgId,
    kind,
    suite: 'ed25519',
    publicKey: toHex(key(byte).publicKey),
    p2p: { host: '127.0.0.1', port: 26_600 + byte },
    api: { host: '127.0.0.1', port: 8000 + byte },
  });
  const operator = key(1);
  const genesis = parseGenesis({
    version: 1,
    chainId: 'tally-gov',
    genesisTimeMs: 1_700_000_000_000,
    organizations: [org('a'), org('b')],
    nodes: [
      node('b-1', 'b', 'validator', 11),
      node('a-obs', 'a', 'observer', 12),
      node('a-1', 'a', 'validator', 13),
    ],
    keys: [
      {
        orgId: 'a',
        name: 'ops',
        suite: 'ed25519',
        publicKey: toHex(operator.publicKey),
        roles: ['submit', 'operator'],
      },
    ],
  });

  it('governanceSetup lists every node with its consensus key, validators in genesis order', () => {
    const setup = governanceSetup(genesis);
    assert.deepEqual(setup.genesisValidators, ['b-1', 'a-1']);
    assert.deepEqual(
      setup.nodes.map((n) => [n.nodeId, n.orgId, n.suite, toHex(n.publicKey)]),
      [
        ['b-1', 'b', 'ed25519', toHex(key(11).publicKey)],
        ['a-obs', 'a', 'ed25519', toHex(key(12).publicKey)],
        ['a-1', 'a', 'ed25519', toHex(key(13).publicKey)],
      ],
    );
  });

  const propose = (registry: ReturnType<typeof createRegistry>, validators: string[]) =>
    executeBlock(
      registry,
      createMemoryState(),
      { height: 1, timeMs: genesis.genesisTimeMs + 1000, seed: new Uint8Array(32) },
      [
        {
          txId: sha256(new Uint8Array([1])),
          suite: 'ed25519',
          signer: operator.publicKey,
          module: 'governance',
          method: 'propose_validators',
          args: { validators, note: 'observer joins' },
        },
      ],
    ).results[0]!;

  it('chainModules runs governance over the genesis nodes', () => {
    const directory = genesisDirectory(genesis);
    const registry = createRegistry(chainModules(directory, governanceSetup(genesis)));
    assert.equal(propose(registry, ['b-1', 'a-1']).code, 'gov_validators_unchanged');
    const result = propose(registry, ['b-1', 'a-1', 'a-obs']);
    assert.equal(result.code, 'ok', result.message);
  });

  it('chainModules without a governance setup refuses every proposal', () => {
    const registry = createRegistry(chainModules(genesisDirectory(genesis)));
    assert.equal(propose(registry, ['b-1', 'a-1', 'a-obs']).code, 'gov_validators_invalid');
  });
});
