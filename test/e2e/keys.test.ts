// API keys managed on chain, on four validator processes: an operator key registers a new key and
// every node admits its transactions as soon as it has executed that block; a revoked key is refused
// at admission on every node and fails at execution when it is already in a block; a restarted node
// rebuilds the registry from its state.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CborValue } from '../../src/codec/index.ts';
import { orgOwner } from '../../src/modules/identity/index.ts';
import {
  accountFromSecretKey,
  buildAddKey,
  buildRevokeKey,
  buildTransaction,
  type Client,
  createAccount,
  createBankId,
  createClient,
  createTransfer,
  type GeneratedAccount,
  generateAccount,
  getOrgKeys,
  getTransaction,
  type LocalAccount,
  registerCurrency,
  type SignedTransaction,
  signTransaction,
  submitTransactions,
  TallyError,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { fastKeysEnv, runTally } from '../cli/tally-process.ts';
import { eventually, TestNetwork } from './harness.ts';

describe('API keys managed on chain, four validators', { timeout: 240_000 }, () => {
  let net: TestNetwork;
  let operator: LocalAccount;
  const teller: GeneratedAccount = generateAccount();
  const temp: GeneratedAccount = generateAccount();
  const orgAccount = createBankId();
  const payee = createBankId();

  const clientsOf = (account: LocalAccount): Client[] =>
    net.nodes.map((n) => createClient({ url: n.apiUrl, account, chainId: net.genesis.chainId }));

  const sign = (account: LocalAccount, call: { module: string; method: string; args: CborValue }) =>
    signTransaction(account, buildTransaction({ chainId: net.genesis.chainId, ...call }));

  const pay = (account: LocalAccount): SignedTransaction =>
    sign(
      account,
      createTransfer({
        id: createBankId(),
        debitAccountId: orgAccount,
        creditAccountId: payee,
        amount: 5n,
        currency: 'HKD',
      }),
    );

  async function final(client: Client, txs: SignedTransaction[]) {
    const { results } = await submitTransactions(client, { transactions: txs });
    for (const r of results) assert.equal(r.status, 'admitted', r.message);
    return Promise.all(
      txs.map((tx) => waitForTransaction(client, { txId: tx.txId, timeoutMs: 60_000 })),
    );
  }

  /** Waits until every node's registry (GET /v1/orgs/:orgId/keys) shows the key with `status`. */
  async function statusEverywhere(publicKey: string, status: 'live' | 'revoked') {
    await Promise.all(
      clientsOf(operator).map((client) =>
        eventually(
          async () => {
            const { keys } = await getOrgKeys(client, { orgId: 'hk-wallet' });
            return keys.find((k) => k.publicKey === publicKey)?.status === status
              ? true
              : undefined;
          },
          30_000,
          `key ${publicKey.slice(0, 8)} ${status}`,
        ),
      ),
    );
  }

  before(async () => {
    net = await TestNetwork.create(4);
    net.startAll();
    await net.waitAllReady(60_000);
    // hk-wallet's client key holds the operator role (and the issuer role of its organisation).
    operator = accountFromSecretKey('ed25519', net.clientKey(0).secretKey);
    const [client] = clientsOf(operator);
    const setup = await final(client!, [
      sign(
        operator,
        registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId: createBankId() }),
      ),
    ]);
    assert.equal(setup[0]!.code, 'ok');
    const opened = await final(client!, [
      // Owned by the organisation, so any live key of hk-wallet may debit it; may overdraw.
      sign(
        operator,
        createAccount({ id: orgAccount, currency: 'HKD', flags: [], owner: orgOwner('hk-wallet') }),
      ),
      sign(operator, createAccount({ id: payee, currency: 'HKD' })),
    ]);
    assert.deepEqual(
      opened.map((r) => r.code),
      ['ok', 'ok'],
    );
  });
  after(() => net?.close());

  it('registers keys: each node admits their transactions once it has executed the block', async () => {
    const added = await final(clientsOf(operator)[0]!, [
      sign(
        operator,
        buildAddKey({
          name: 'teller',
          suite: 'ed25519',
          publicKey: teller.publicKey,
          roles: ['submit', 'read'],
        }),
      ),
      sign(
        operator,
        buildAddKey({
          name: 'temp',
          suite: 'ed25519',
          publicKey: temp.publicKey,
          roles: ['submit'],
        }),
      ),
    ]);
    assert.deepEqual(
      added.map((r) => r.code),
      ['ok', 'ok'],
    );
    await statusEverywhere(teller.publicKeyHex, 'live');
    await statusEverywhere(temp.publicKeyHex, 'live');
    const tellerClients = clientsOf(teller);
    for (const client of tellerClients) {
      // The new key authenticates API requests (role read) and signs a transfer on every node.
      const { keys } = await getOrgKeys(client, { orgId: 'hk-wallet' });
      const listed = keys.find((k) => k.publicKey === teller.publicKeyHex);
      assert.deepEqual(listed?.roles, ['submit', 'read']);
      assert.equal(listed?.addedHeight, added[0]!.height);
      const [receipt] = await final(client, [pay(teller)]);
      assert.equal(receipt!.code, 'ok', receipt!.message);
    }
  });

  it('revokes a key: a transaction already in a block fails at execution with signer_revoked', async () => {
    const client = clientsOf(operator)[0]!;
    // One batch, revocation first: the transfer is admitted (the key is still live here) and lands
    // in the same block or a later one, where execution refuses it.
    const revoke = sign(operator, buildRevokeKey({ publicKey: temp.publicKey }));
    const late = pay(temp);
    const [revoked, refused] = await final(client, [revoke, late]);
    assert.equal(revoked!.code, 'ok', revoked!.message);
    assert.equal(refused!.code, 'signer_revoked');
    assert.ok(refused!.height >= revoked!.height);
    await statusEverywhere(temp.publicKeyHex, 'revoked');
    for (const c of clientsOf(operator)) {
      const seen = await getTransaction(c, { txId: late.txId });
      assert.equal(seen.code, 'signer_revoked');
    }
  });

  it('error: signer_revoked at admission on every node, and its API requests are refused', async () => {
    const operators = clientsOf(operator);
    const temps = clientsOf(temp);
    for (let i = 0; i < operators.length; i++) {
      // Submitted by a live key: the API takes any signed transaction; admission judges its signer.
      const { results } = await submitTransactions(operators[i]!, { transactions: [pay(temp)] });
      assert.equal(results[0]!.status, 'rejected');
      assert.equal(results[0]!.code, 'signer_revoked');
      assert.match(results[0]!.message ?? '', /^key temp of hk-wallet was revoked at height \d+$/);
      await assert.rejects(
        getOrgKeys(temps[i]!, { orgId: 'hk-wallet' }),
        (error: unknown) => error instanceof TallyError && error.code === 'unauthenticated',
      );
    }
  });

  it('registers, lists and revokes a key with the tally command', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-keys-cli-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const keyFile = join(dir, 'cli.key');
    const ops = net.network.clients[0]!;
    const env = { ...fastKeysEnv, TALLY_PASSPHRASE: 'cli passphrase' };
    const signer = [
      '--url',
      net.nodes[1]!.apiUrl,
      '--key-file',
      ops.keyFile,
      '--passphrase-file',
      ops.passphraseFile!,
    ];
    const generated = await runTally(['keys', 'generate', '--out', keyFile], env);
    assert.equal(generated.code, 0, generated.stderr);
    const publicKey = (JSON.parse(generated.stdout) as { publicKey: string }).publicKey;
    const registered = await runTally(
      ['keys', 'register', keyFile, '--name', 'cli-key', '--roles', 'submit', ...signer],
      env,
    );
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stdout, /identity\.key_added .*name=cli-key/);
    const listed = await runTally(['keys', 'list', '--org', 'hk-wallet', ...signer], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(`^cli-key +live +submit +height \\d+ +ed25519 ${publicKey}$`, 'm'),
    );
    const again = await runTally(
      ['keys', 'register', publicKey, '--name', 'cli-key-2', ...signer],
      env,
    );
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^error \[key_exists\]: /m);
    const revoked = await runTally(['keys', 'revoke', publicKey, ...signer, '--json'], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((JSON.parse(revoked.stdout) as { code: string }).code, 'ok');
  });

  it('rebuilds the registry from state when a node restarts', async () => {
    await net.stop(3);
    net.start(3);
    await net.waitReady(3, 60_000);
    const node3 = createClient({
      url: net.nodes[3]!.apiUrl,
      account: teller,
      chainId: net.genesis.chainId,
    });
    const { keys } = await getOrgKeys(node3, { orgId: 'hk-wallet' });
    const status = Object.fromEntries(keys.map((k) => [k.name, k.status]));
    assert.equal(status.teller, 'live');
    assert.equal(status.temp, 'revoked');
    assert.equal(keys.find((k) => k.name === 'temp')?.revokedHeight !== undefined, true);
    const [receipt] = await final(node3, [pay(teller)]);
    assert.equal(receipt!.code, 'ok');
    const { results } = await submitTransactions(node3, { transactions: [pay(temp)] });
    assert.equal(results[0]!.code, 'signer_revoked');
  });
});
