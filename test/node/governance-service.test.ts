// What the API is told about validator-set proposals (node/services.ts governanceService), over a
// real block executor and LMDB store: the records the module wrote, the approvals needed for the
// consortium's size, and an open proposal shown as expired once a block's time passed its expiry.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import type { CborValue } from '../../src/codec/index.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { readModuleState } from '../../src/execution/index.ts';
import { signTransaction } from '../../src/ledger/tx.ts';
import {
  createGovernanceModule,
  governanceModuleName,
  proposalLifetimeMs,
  readProposal,
} from '../../src/modules/governance/index.ts';
import { createDirectory, createIdentityModule } from '../../src/modules/identity/index.ts';
import { governanceService, latestState } from '../../src/node/services.ts';
import { openStore, type Store } from '../../src/storage/index.ts';

const chainId = 'tally-governance-service';
const startMs = 1_700_000_000_000;
const orgs = ['org-a', 'org-b', 'org-c', 'org-d'];
const keyOf = (i: number): KeyPair =>
  getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(i + 1));
const nodes = orgs.map((orgId, i) => ({
  nodeId: `${orgId}-1`,
  orgId,
  suite: 'ed25519' as const,
  publicKey: keyOf(10 + i).publicKey,
}));

describe('governanceService', () => {
  let dir: string;
  let store: Store;
  let chain: LocalChain;
  let nonce = 0n;

  const tx = (key: KeyPair, method: string, args: CborValue, timeMs: number) =>
    signTransaction(
      {
        chainId,
        suite: 'ed25519',
        signer: key.publicKey,
        nonce: ++nonce,
        expiresAtMs: timeMs + 60_000,
        module: governanceModuleName,
        method,
        args,
      },
      getSuite('ed25519'),
      key.secretKey,
    );

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-governance-service-'));
    store = openStore({ path: dir });
    const directory = createDirectory({
      orgs: orgs.map((id) => ({ id, name: id, roles: ['validator'] })),
      keys: orgs.map((orgId, i) => ({
        publicKey: keyOf(i).publicKey,
        orgId,
        roles: ['submit', 'read', 'operator'],
        name: `${orgId}-api`,
        suite: 'ed25519',
      })),
    });
    chain = new LocalChain(
      {
        chainId,
        validator: keyOf(9),
        modules: [
          createIdentityModule({ directory }),
          createGovernanceModule({
            directory,
            nodes,
            genesisValidators: nodes.map((n) => n.nodeId),
          }),
        ],
        genesisTimeMs: startMs,
      },
      { store },
    );
    await chain.commitBlock([], startMs);
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the stored proposal with the approvals needed for four organisations', async () => {
    const proposedAtMs = startMs + 1000;
    const rotated = ['org-b-1', 'org-a-1', 'org-c-1', 'org-d-1'];
    const block = await chain.commitBlock(
      [tx(keyOf(0), 'propose_validators', { validators: rotated, note: 'b leads' }, proposedAtMs)],
      proposedAtMs,
    );
    assert.equal(block.receipts[0]?.code, 'ok', block.receipts[0]?.message);
    const service = governanceService(orgs.length, chain.executor, latestState(chain.executor));
    const proposal = service.get(1);
    assert.deepEqual(
      { ...proposal, validators: proposal?.validators.map((v) => v.nodeId) },
      {
        id: 1,
        status: 'open',
        validators: rotated,
        note: 'b leads',
        proposerOrg: 'org-a',
        proposedHeight: 1,
        proposedAtMs,
        expiresAtMs: proposedAtMs + proposalLifetimeMs,
        approvals: [],
        approvedHeight: undefined,
        approvalsNeeded: 3,
      },
    );
    assert.deepEqual(proposal?.validators[0]?.publicKey, nodes[1]!.publicKey);
    assert.equal(service.get(2), undefined);
    assert.deepEqual(
      service.list({ limit: 10 }).map((p) => p.id),
      [1],
    );
  });

  it('shows an open proposal as expired once a block reaches its expiry', async () => {
    const service = governanceService(orgs.length, chain.executor, latestState(chain.executor));
    const expiresAtMs = service.get(1)!.expiresAtMs;
    await chain.commitBlock([], expiresAtMs - 1);
    assert.equal(service.get(1)?.status, 'open');
    await chain.commitBlock([], expiresAtMs);
    assert.equal(service.get(1)?.status, 'expired');
    assert.equal(service.list({ limit: 1 })[0]?.status, 'expired');
    // State still holds it as open: the next proposal closes it there.
    const stored = readProposal(
      readModuleState(latestState(chain.executor), governanceModuleName),
      1,
    );
    assert.equal(stored?.status, 'open');
  });
});
