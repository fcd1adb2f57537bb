// Validator-set proposals over the API and the `tally validators` command, against a real network of
// two validator processes. Approval needs both organisations and only hk-wallet ever approves, so no
// proposal here passes and the set never changes: the handover itself is tested where consensus is.
// ph-wallet also has a clerk key (submit and read, no operator role) to be refused with.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { saveKeyFile } from '../../src/crypto/keyfile.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import {
  accountFromSecretKey,
  buildApproveValidators,
  buildProposeValidators,
  buildTransaction,
  buildWithdrawValidators,
  type Client,
  createClient,
  type GovernanceCall,
  getBlock,
  getProposal,
  getProposals,
  signTransaction,
  submitTransactions,
  TallyError,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { fastKeysEnv, runTally } from '../cli/tally-process.ts';
import { TestNetwork, waitHeight } from '../e2e/harness.ts';
import { call } from './client.ts';

const delayBlocks = 4;
const lifetimeMs = 86_400_000;

let net: TestNetwork;
let url: string;
let operatorKey: KeyPair;
let memberKey: KeyPair;
let operator: Client;
let member: Client;
const clerk = getSuite('ed25519').generateKeyPair();
const clerkDir = mkdtempSync(join(tmpdir(), 'tally-governance-'));
const clerkFile = join(clerkDir, 'clerk.key');
const clerkPassphrase = 'clerk passphrase';

before(async () => {
  saveKeyFile(clerkFile, clerk, clerkPassphrase, { scryptN: 1024 });
  net = await TestNetwork.create(2, { extraKeys: { orgIndex: 1, keys: [clerk] } });
  net.startAll();
  await net.waitAllReady(60_000);
  url = net.nodes[0]!.apiUrl;
  operatorKey = net.clientKey(0);
  memberKey = net.clientKey(1);
  const clientOf = (key: KeyPair) =>
    createClient({
      url,
      account: accountFromSecretKey(key.suite, key.secretKey),
      chainId: net.genesis.chainId,
    });
  operator = clientOf(operatorKey);
  member = clientOf(memberKey);
});

after(async () => {
  await net?.close();
  rmSync(clerkDir, { recursive: true, force: true });
});

/** Signs, submits and waits for the receipt on node 0. */
async function execute(client: Client, governanceCall: GovernanceCall) {
  const tx = signTransaction(
    client.account!,
    buildTransaction({ chainId: net.genesis.chainId, ...governanceCall }),
  );
  const [result] = (await submitTransactions(client, { transactions: [tx] })).results;
  assert.equal(result?.status, 'admitted', result?.message);
  return waitForTransaction(client, { txId: tx.txId, timeoutMs: 60_000 });
}

const read = (path: string) => call(url, memberKey, 'GET', path);

describe('governance API on two validators', { timeout: 180_000 }, () => {
  let proposedHeight = 0;

  it("names each validator's genesis node in GET /v1/validators", async () => {
    const res = await call(url, undefined, 'GET', '/v1/validators');
    assert.equal(res.status, 200);
    const body = res.body as { validators: { nodeId: string; orgId: string }[] };
    assert.deepEqual(
      body.validators.map((v) => [v.nodeId, v.orgId]),
      [
        ['hk-wallet-1', 'hk-wallet'],
        ['ph-wallet-1', 'ph-wallet'],
      ],
    );
  });

  it('lists no proposals before the first, and none to a caller without a key', async () => {
    assert.deepEqual((await read('/v1/governance/proposals')).body, { items: [] });
    const anonymous = await call(url, undefined, 'GET', '/v1/governance/proposals');
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.body as { error: { code: string } }).error.code, 'unauthenticated');
  });

  it('serves a proposal as proposed: nodes in order, note, proposer, heights, expiry', async () => {
    const receipt = await execute(
      operator,
      buildProposeValidators({ validators: ['ph-wallet-1', 'hk-wallet-1'], note: 'ph leads' }),
    );
    assert.equal(receipt.code, 'ok', receipt.message);
    proposedHeight = receipt.height;
    const { header } = await getBlock(operator, { height: proposedHeight });
    const nodeKey = (i: number) => toHex(net.genesis.nodes[i]!.publicKey);
    const res = await read('/v1/governance/proposals/1');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      id: 1,
      status: 'open',
      validators: [
        { nodeId: 'ph-wallet-1', orgId: 'ph-wallet', publicKeyHex: nodeKey(1) },
        { nodeId: 'hk-wallet-1', orgId: 'hk-wallet', publicKeyHex: nodeKey(0) },
      ],
      note: 'ph leads',
      proposerOrg: 'hk-wallet',
      proposedHeight,
      proposedAtMs: header.timeMs,
      expiresAtMs: header.timeMs + lifetimeMs,
      approvals: [],
      approvalsNeeded: 2,
    });
  });

  it('counts approvals: 1 of 2 needed after the operator organisation approves', async () => {
    await waitHeight(url, proposedHeight + delayBlocks);
    const approved = await execute(operator, buildApproveValidators({ proposalId: 1 }));
    assert.equal(approved.code, 'ok', approved.message);
    const proposal = await getProposal(member, { id: 1 });
    assert.equal(proposal.status, 'open');
    assert.deepEqual(proposal.approvals, ['hk-wallet']);
    assert.equal(proposal.approvalsNeeded, 2);
    assert.equal(proposal.approvedHeight, undefined);
  });

  it('error: an unknown id is 404 proposal_not_found; a malformed id or limit is 400', async () => {
    const unknown = await read('/v1/governance/proposals/99');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, {
      error: {
        code: 'proposal_not_found',
        message: 'validator-set proposal 99 not found',
        details: { id: 99 },
      },
    });
    await assert.rejects(
      getProposal(member, { id: 99 }),
      (error: unknown) => error instanceof TallyError && error.code === 'proposal_not_found',
    );
    for (const path of [
      '/v1/governance/proposals/0',
      '/v1/governance/proposals/one',
      '/v1/governance/proposals/1e309',
      '/v1/governance/proposals?limit=101',
      '/v1/governance/proposals?before=0',
    ]) {
      const res = await read(path);
      assert.equal(res.status, 400, path);
      assert.equal((res.body as { error: { code: string } }).error.code, 'bad_request', path);
    }
  });

  it('shows a withdrawn proposal as withdrawn, with its approvals', async () => {
    const withdrawn = await execute(operator, buildWithdrawValidators({ proposalId: 1 }));
    assert.equal(withdrawn.code, 'ok', withdrawn.message);
    const proposal = await getProposal(member, { id: 1 });
    assert.equal(proposal.status, 'withdrawn');
    assert.deepEqual(proposal.approvals, ['hk-wallet']);
  });

  it('pages newest first with limit and before', async () => {
    const second = await execute(
      operator,
      buildProposeValidators({ validators: ['hk-wallet-1'], note: 'hk alone' }),
    );
    assert.equal(second.code, 'ok', second.message);
    const all = await getProposals(member);
    assert.deepEqual(
      all.items.map((p) => [p.id, p.status]),
      [
        [2, 'open'],
        [1, 'withdrawn'],
      ],
    );
    assert.equal(all.next, undefined);
    const first = await getProposals(member, { limit: 1 });
    assert.deepEqual(
      first.items.map((p) => p.id),
      [2],
    );
    assert.equal(first.next, 2);
    const rest = await getProposals(member, { limit: 1, before: first.next! });
    assert.deepEqual(
      rest.items.map((p) => p.id),
      [1],
    );
    assert.equal(rest.next, undefined);
    const withdrawn = await execute(operator, buildWithdrawValidators({ proposalId: 2 }));
    assert.equal(withdrawn.code, 'ok', withdrawn.message);
  });
});

describe('tally validators against the same network', { timeout: 180_000 }, () => {
  const env = { ...fastKeysEnv };
  const signer = (index: number) => {
    const client = net.network.clients[index]!;
    return [
      '--url',
      url,
      '--key-file',
      client.keyFile,
      '--passphrase-file',
      client.passphraseFile!,
    ];
  };

  it('list prints the epoch, quorum and nodes in leader order', async () => {
    const listed = await runTally(['validators', 'list', '--url', url], env);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.equal(lines[0], 'epoch 1: 2 validators, quorum 2');
    assert.match(lines[1]!, /^# +NODE +ORG +SUITE +KEY$/);
    assert.match(lines[2]!, /^0 +hk-wallet-1 +hk-wallet +ed25519 +[0-9a-f]{64}$/);
    assert.match(lines[3]!, /^1 +ph-wallet-1 +ph-wallet +ed25519 +[0-9a-f]{64}$/);
  });

  it('proposes, approves and withdraws, printing receipts and refusals with their codes', async () => {
    const args = ['validators', 'propose', '--nodes', 'ph-wallet-1,hk-wallet-1'];
    const unsigned = await runTally(args, env);
    assert.equal(unsigned.code, 1);
    assert.match(unsigned.stderr, /^error \[key_required\]: /m);
    const proposed = await runTally([...args, '--note', 'from the CLI', ...signer(0)], env);
    assert.equal(proposed.code, 0, proposed.stderr);
    assert.match(proposed.stdout, /^result: +ok$/m);
    assert.match(proposed.stdout, /governance\.validators_proposed id=3 /);
    const height = Number(/at height (\d+)/.exec(proposed.stdout)?.[1]);
    const listed = await runTally(['validators', 'proposals', ...signer(1)], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      /^3 +open +0 of 2 needed +hk-wallet +\d+ +ph-wallet-1,hk-wallet-1 +from the CLI$/m,
    );
    await waitHeight(url, height + delayBlocks);
    const approved = await runTally(['validators', 'approve', '3', ...signer(0)], env);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /governance\.validators_approval id=3 orgId=hk-wallet /);
    const notOperator = await runTally(
      ['validators', 'approve', '3', '--url', url, '--key-file', clerkFile],
      { ...env, TALLY_PASSPHRASE: clerkPassphrase },
    );
    assert.equal(notOperator.code, 1);
    assert.match(notOperator.stderr, /^error \[gov_not_operator\]: /m);
    const withdrawn = await runTally(['validators', 'withdraw', '3', '--json', ...signer(0)], env);
    assert.equal(withdrawn.code, 0, withdrawn.stderr);
    assert.equal((JSON.parse(withdrawn.stdout) as { code: string }).code, 'ok');
    const closed = await runTally(['validators', 'approve', '3', ...signer(0)], env);
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /^error \[gov_proposal_closed\]: /m);
    const final = await getProposal(member, { id: 3 });
    assert.equal(final.status, 'withdrawn');
    assert.deepEqual(final.approvals, ['hk-wallet']);
  });
});
