// An organisation cannot lock its own node out by revoking the key the node's gateway signs with:
// the node names that key in GET /v1/status, refuses to admit its revocation (key_gateway), and
// `tally keys revoke` stops before signing when any of the organisation's nodes reports it. Two
// validator processes, hk-wallet's and ph-wallet's, each acting for its organisation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gatewayKeyMessage } from '../../src/api/gateway-key-guard.ts';
import {
  accountFromSecretKey,
  buildRevokeKey,
  buildTransaction,
  type Client,
  createClient,
  generateAccount,
  getOrgKeys,
  getStatus,
  type LocalAccount,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { fastKeysEnv, runTally } from '../cli/tally-process.ts';
import { TestNetwork } from './harness.ts';

describe("a node's gateway key is not revoked by mistake", { timeout: 180_000 }, () => {
  let net: TestNetwork;
  let operator: LocalAccount;
  let hkNode: Client;
  let gatewayKey: string;

  before(async () => {
    net = await TestNetwork.create(2);
    net.startAll();
    await net.waitAllReady(60_000);
    // hk-wallet's client key holds role operator, as every organisation's does.
    operator = accountFromSecretKey('ed25519', net.clientKey(0).secretKey);
    hkNode = createClient({ url: net.nodes[0]!.apiUrl, account: operator });
    const registered = net.genesis.keys.find((k) => k.name === 'hk-wallet-gateway');
    assert.ok(registered !== undefined);
    gatewayKey = toHex(registered.publicKey);
  });

  after(async () => {
    await net?.close();
  });

  const revoke = (publicKey: string) =>
    signTransaction(
      operator,
      buildTransaction({ chainId: net.genesis.chainId, ...buildRevokeKey({ publicKey }) }),
    );

  it('names the key its gateway signs with in /v1/status', async () => {
    const status = await getStatus(hkNode);
    assert.deepEqual(status.gateway, {
      orgId: 'hk-wallet',
      suite: 'ed25519',
      publicKey: gatewayKey,
    });
    const other = await getStatus(createClient({ url: net.nodes[1]!.apiUrl }));
    assert.equal(other.gateway?.orgId, 'ph-wallet');
    assert.notEqual(other.gateway?.publicKey, gatewayKey);
  });

  it('error: refuses to admit a revocation of its gateway key, and only that one', async () => {
    const unknown = generateAccount().publicKeyHex;
    const txs = [revoke(gatewayKey), revoke(unknown)];
    const { results } = await submitTransactions(hkNode, { transactions: txs });
    assert.deepEqual(results[0], {
      txId: txs[0]!.txId,
      status: 'rejected',
      code: 'key_gateway',
      message: gatewayKeyMessage('hk-wallet'),
    });
    assert.equal(
      results[0]?.message,
      "hk-wallet's gateway on this node signs with this key: revoking it would stop that gateway " +
        'acting for hk-wallet for good, since a gateway key must be a genesis key and cannot be ' +
        'rotated on chain. To revoke it anyway (a leaked key), remove `org` from the config of ' +
        'every node that holds it, restart them, then revoke it',
    );
    // The other revocation in the batch goes on to the chain, which refuses it for its own reason.
    assert.equal(results[1]?.status, 'admitted');
    const receipt = await waitForTransaction(hkNode, { txId: txs[1]!.txId, timeoutMs: 60_000 });
    assert.equal(receipt.code, 'key_unknown');
    const { keys } = await getOrgKeys(hkNode, { orgId: 'hk-wallet' });
    assert.equal(keys.find((k) => k.publicKey === gatewayKey)?.status, 'live');
  });

  it("error: tally keys revoke asks the organisation's nodes and stops, whichever node it uses", async () => {
    // Through ph-wallet's node, which cannot know hk-wallet's gateway key: the CLI asks hk-wallet's.
    const result = await runTally(
      [
        'keys',
        'revoke',
        gatewayKey,
        '--network',
        net.network.dir,
        '--org',
        'hk-wallet',
        '--url',
        net.nodes[1]!.apiUrl,
      ],
      fastKeysEnv,
    );
    assert.equal(result.code, 1, result.stdout);
    assert.equal(
      result.stderr.trim(),
      `error [key_gateway]: ${gatewayKeyMessage('hk-wallet', 'hk-wallet-1')}`,
    );
    const { keys } = await getOrgKeys(hkNode, { orgId: 'hk-wallet' });
    assert.equal(keys.find((k) => k.publicKey === gatewayKey)?.status, 'live');
  });
});
