// Transactions submitted through the SDK to different nodes of a four-validator network become final
// on every node with the same results; a proof fetched from one node verifies against the validator
// set alone; a transaction is never executed twice, even when sent to every node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { decodeStored, moduleKey } from '../../src/execution/index.ts';
import { bankKeys } from '../../src/modules/bank/index.ts';
import { decodeAccount } from '../../src/modules/bank/records.ts';
import {
  accountFromSecretKey,
  type BankCall,
  buildTransaction,
  type Client,
  createAccount,
  createBankId,
  createClient,
  createTransfer,
  getBalance,
  getProof,
  getTransaction,
  getValidators,
  issue,
  registerCurrency,
  type SignedTransaction,
  signTransaction,
  submitTransactions,
  verifyStateProofResponse,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { TestNetwork, waitHeight } from './harness.ts';

describe('transactions through the SDK on four validators', { timeout: 180_000 }, () => {
  let net: TestNetwork;
  let clients: Client[];
  const issuerAccountId = createBankId();
  const alice = createBankId();
  const bob = createBankId();

  before(async () => {
    net = await TestNetwork.create(4);
    // Two nodes prepare state-tree versions on a worker thread, two on the main thread: all must
    // agree on every root (headers certify them) and serve the same state and proofs.
    for (const index of [0, 1, 2, 3])
      net.amendConfig(index, { execution: { treeWorker: index % 2 === 1 } });
    net.startAll();
    await net.waitAllReady(60_000);
    // (TALLY_TREE_WORKER, where set, overrides the configs for every node.)
    for (const index of [1, 3]) assert.match(net.logOf(index), /"treeWorker":true/);
    // hk-wallet (the first organisation) holds the issuer role; its client key signs everything.
    const account = accountFromSecretKey('ed25519', net.clientKey(0).secretKey);
    clients = net.nodes.map((n) =>
      createClient({ url: n.apiUrl, account, WebSocket, chainId: net.genesis.chainId }),
    );
  });
  after(() => net?.close());

  const sign = (call: BankCall): SignedTransaction =>
    signTransaction(
      clients[0]!.account!,
      buildTransaction({ chainId: net.genesis.chainId, ...call }),
    );

  /** Submits each transaction to a different node; waits until final on the node that took it. */
  async function finalize(txs: SignedTransaction[]) {
    await Promise.all(
      txs.map(async (tx, i) => {
        const { results } = await submitTransactions(clients[i % 4]!, { transactions: [tx] });
        assert.equal(results[0]!.status, 'admitted', results[0]!.message);
      }),
    );
    return Promise.all(
      txs.map((tx, i) => waitForTransaction(clients[i % 4]!, { txId: tx.txId, timeoutMs: 60_000 })),
    );
  }

  it('makes a transfer flow final on every node with the same results', async () => {
    const [registered] = await finalize([
      sign(registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId })),
    ]);
    assert.equal(registered!.code, 'ok');
    const opened = await finalize([
      sign(
        createAccount({ id: alice, currency: 'HKD', flags: ['debits_must_not_exceed_credits'] }),
      ),
      sign(createAccount({ id: bob, currency: 'HKD' })),
    ]);
    assert.deepEqual(
      opened.map((r) => r.code),
      ['ok', 'ok'],
    );
    const funded = await finalize([
      sign(issue({ id: createBankId(), accountId: alice, amount: 100_000n, currency: 'HKD' })),
    ]);
    assert.equal(funded[0]!.code, 'ok');
    const transfers = Array.from({ length: 8 }, () =>
      sign(
        createTransfer({
          id: createBankId(),
          debitAccountId: alice,
          creditAccountId: bob,
          amount: 1_000n,
          currency: 'HKD',
        }),
      ),
    );
    const moved = await finalize(transfers);
    assert.deepEqual(
      moved.map((r) => r.code),
      transfers.map(() => 'ok'),
    );
    const last = Math.max(...moved.map((r) => r.height));
    await Promise.all(net.nodes.map((n) => waitHeight(n.apiUrl, last)));
    for (const client of clients) {
      assert.deepEqual(await getBalance(client, { accountId: bob }), {
        currency: 'HKD',
        balance: 8_000n,
        available: 8_000n,
      });
      const receipt = await getTransaction(client, { txId: transfers[0]!.txId });
      assert.equal(receipt.status, 'final');
      assert.equal(receipt.height, moved[0]!.height);
    }
  });

  it('executes a transaction sent to every node exactly once', async () => {
    const tx = sign(
      createTransfer({
        id: createBankId(),
        debitAccountId: alice,
        creditAccountId: bob,
        amount: 500n,
        currency: 'HKD',
      }),
    );
    const answers = await Promise.all(
      clients.map((c) => submitTransactions(c, { transactions: [tx] })),
    );
    for (const a of answers) assert.equal(a.results[0]!.status, 'admitted');
    const receipt = await waitForTransaction(clients[0]!, { txId: tx.txId, timeoutMs: 60_000 });
    assert.equal(receipt.code, 'ok');
    // Later blocks carry no second copy: the balance moved once.
    await waitHeight(net.nodes[0]!.apiUrl, receipt.height + 3);
    const balance = await getBalance(clients[3]!, { accountId: bob });
    assert.equal(balance.balance, 8_500n);
    const again = await submitTransactions(clients[2]!, { transactions: [tx] });
    assert.equal(again.results[0]!.status, 'rejected');
    assert.equal(again.results[0]!.code, 'tx_already_committed');
  });

  it('serves a proof any client verifies against the validator set alone', async () => {
    const { validatorSet } = await getValidators(clients[1]!);
    const key = moduleKey('bank', bankKeys.account(bob));
    const response = await getProof(clients[2]!, { key });
    const value = verifyStateProofResponse({
      response,
      validatorSet,
      key,
      chainId: net.genesis.chainId,
    });
    assert.ok(value !== null);
    const record = decodeAccount(decodeStored(value, 'bank'));
    assert.ok(record.creditsPosted >= 8_000n);
  });
});
