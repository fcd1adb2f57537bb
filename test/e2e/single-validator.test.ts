// One validator makes blocks as fast as it can execute them: concurrent submissions must all become
// final, and consensus must never run ahead of execution with empty blocks while transactions wait
// (a regression: a backlogged leader proposed empty blocks forever).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  accountFromSecretKey,
  buildTransaction,
  type Client,
  createAccount,
  createBankId,
  createClient,
  registerCurrency,
  signTransaction,
  submitTransactions,
  waitForTransaction,
} from '../../src/sdk/index.ts';
import { TestNetwork } from './harness.ts';

describe('a single-validator network', { timeout: 120_000 }, () => {
  let net: TestNetwork;
  let client: Client;

  before(async () => {
    net = await TestNetwork.create(1);
    net.startAll();
    await net.waitReady(0, 60_000);
    const account = accountFromSecretKey('ed25519', net.clientKey(0).secretKey);
    client = createClient({ url: net.nodes[0]!.apiUrl, account, chainId: net.genesis.chainId });
  });
  after(() => net?.close());

  async function send(
    call: Parameters<typeof buildTransaction>[0] extends infer P
      ? Omit<P & object, 'chainId'>
      : never,
  ) {
    const tx = signTransaction(
      client.account!,
      buildTransaction({ chainId: net.genesis.chainId, ...call }),
    );
    const { results } = await submitTransactions(client, { transactions: [tx] });
    assert.equal(results[0]!.status, 'admitted');
    return waitForTransaction(client, { txId: tx.txId, timeoutMs: 20_000 });
  }

  it('makes concurrent submissions final, round after round', async () => {
    const registered = await send(
      registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId: createBankId() }),
    );
    assert.equal(registered.code, 'ok');
    for (let round = 0; round < 4; round++) {
      const receipts = await Promise.all(
        [0, 1, 2, 3].map(() => send(createAccount({ id: createBankId(), currency: 'HKD' }))),
      );
      assert.deepEqual(
        receipts.map((r) => r.code),
        ['ok', 'ok', 'ok', 'ok'],
      );
    }
  });
});
