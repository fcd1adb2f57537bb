// The SDK against a real API server over a real single-validator chain (test/api/harness.ts): a
// transfer flow to finality, balances, a state proof checked against the validator set, the event
// stream across a forced disconnect, and the server's errors as TallyError.
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import WebSocket from 'ws';
import { decodeStored, moduleKey } from '../../src/execution/index.ts';
import { encodeValidatorSet } from '../../src/ledger/validator-set.ts';
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
  type EventMessage,
  getAccount,
  getBalance,
  getBlock,
  getCurrency,
  getLatestBlock,
  getProof,
  getStatus,
  getTransaction,
  getValidators,
  issue,
  registerCurrency,
  type SignedTransaction,
  signTransaction,
  submitTransactions,
  TallyError,
  verifyBlockResponse,
  verifyStateProofResponse,
  waitForTransaction,
  watchEvents,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import { type ApiHarness, startApiHarness } from '../api/harness.ts';

/** Polls `check` until it holds; the test's own timeout bounds the wait. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function rejectsWith(code: string, status?: number) {
  return (error: unknown) => {
    assert.ok(error instanceof TallyError, String(error));
    assert.equal(error.code, code, error.message);
    if (status !== undefined) assert.equal(error.details.status, status);
    return true;
  };
}

/** A `ws` WebSocket that remembers each instance, so a test can cut the connection under the SDK. */
function trackedWebSocket(sockets: WebSocket[]) {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  };
}

describe('sdk client against a real node API', { timeout: 60_000 }, () => {
  let h: ApiHarness;
  let client: Client;
  const issuerAccountId = createBankId();
  const alice = createBankId();
  const bob = createBankId();

  before(async () => {
    h = await startApiHarness();
    const account = accountFromSecretKey('ed25519', h.keys.submitter.secretKey);
    client = createClient({ url: h.url, account, WebSocket, chainId: h.chainId });
  });
  after(() => h.close());

  const sign = (call: BankCall): SignedTransaction =>
    signTransaction(client.account!, buildTransaction({ chainId: h.chainId, ...call }));

  /** Submits, then commits a block while waitForTransaction polls; returns each receipt. */
  async function submitAndFinalize(txs: SignedTransaction[]) {
    const { results } = await submitTransactions(client, { transactions: txs });
    assert.deepEqual(
      results.map((r) => r.status),
      txs.map(() => 'admitted'),
    );
    assert.deepEqual(
      results.map((r) => r.txId),
      txs.map((t) => t.txId),
    );
    const waits = txs.map((tx) => waitForTransaction(client, { txId: tx.txId, pollInitialMs: 20 }));
    const pending = await getTransaction(client, { txId: txs[0]!.txId });
    assert.equal(pending.status, 'pending');
    await h.commitPending();
    return Promise.all(waits);
  }

  it('reads status, the validator set and the latest block, and verifies the block', async () => {
    const status = await getStatus(client);
    assert.equal(status.chainId, h.chainId);
    const validators = await getValidators(client);
    assert.deepEqual(
      encodeValidatorSet(validators.validatorSet),
      encodeValidatorSet(h.validatorSet),
    );
    assert.equal(validators.quorum, 1);
    const latest = await getLatestBlock(client);
    assert.equal(latest.height, status.height);
    const header = verifyBlockResponse({
      block: latest,
      validatorSet: h.validatorSet,
      chainId: h.chainId,
    });
    assert.equal(header.height, latest.height);
    assert.deepEqual((await getBlock(client, { height: latest.height })).hash, latest.hash);
  });

  it('runs a transfer flow to finality: currency, accounts, issue, transfer', async () => {
    const [registered] = await submitAndFinalize([
      sign(registerCurrency({ code: 'HKD', decimals: 2, issuerAccountId })),
    ]);
    assert.equal(registered!.code, 'ok');
    assert.ok(
      registered!.events.some((e) => e.module === 'bank' && e.type === 'currency_registered'),
    );
    const opened = await submitAndFinalize([
      sign(
        createAccount({ id: alice, currency: 'HKD', flags: ['debits_must_not_exceed_credits'] }),
      ),
      sign(createAccount({ id: bob, currency: 'HKD' })),
      sign(issue({ id: createBankId(), accountId: alice, amount: 100_000n, currency: 'HKD' })),
    ]);
    assert.deepEqual(
      opened.map((r) => r.code),
      ['ok', 'ok', 'ok'],
    );
    const [moved] = await submitAndFinalize([
      sign(
        createTransfer({
          id: createBankId(),
          debitAccountId: alice,
          creditAccountId: bob,
          amount: 2_500n,
          currency: 'HKD',
        }),
      ),
    ]);
    assert.equal(moved!.code, 'ok');
    const [refused] = await submitAndFinalize([
      sign(
        createTransfer({
          id: createBankId(),
          debitAccountId: alice,
          creditAccountId: bob,
          amount: 1_000_000n,
          currency: 'HKD',
        }),
      ),
    ]);
    assert.equal(refused!.code, 'exceeds_credits');
    assert.deepEqual(await getBalance(client, { accountId: alice }), {
      currency: 'HKD',
      balance: 97_500n,
      available: 97_500n,
    });
    assert.equal((await getAccount(client, { id: bob })).creditsPosted, 2_500n);
    assert.equal((await getCurrency(client, { code: 'HKD' })).supply, 100_000n);
  });

  it('sends identical signed requests at once without the node taking the second for a replay', async () => {
    const tx = sign(createAccount({ id: createBankId(), currency: 'HKD' }));
    // The same body and path, signed while the clock stands still: only the request time the SDK
    // picks can tell them apart.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    let answers: Awaited<ReturnType<typeof submitTransactions>>[];
    try {
      answers = await Promise.all(
        [1, 2, 3].map(() => submitTransactions(client, { transactions: [tx] })),
      );
    } finally {
      mock.timers.reset();
    }
    for (const { results } of answers) assert.deepEqual(results[0]?.txId, tx.txId);
    await h.commitPending();
  });

  it('fetches an account’s state with its proof and verifies it against the validator set', async () => {
    await h.commitPending(); // a later header carries the state of the last transfer
    const key = moduleKey('bank', bankKeys.account(alice));
    const response = await getProof(client, { key });
    const value = verifyStateProofResponse({
      response,
      validatorSet: h.validatorSet,
      key,
      chainId: h.chainId,
    });
    assert.ok(value !== null);
    const record = decodeAccount(decodeStored(value, 'bank'));
    assert.equal(record.creditsPosted - record.debitsPosted, 97_500n);
    const absent = await getProof(client, {
      key: moduleKey('bank', bankKeys.account(createBankId())),
    });
    assert.equal(
      verifyStateProofResponse({ response: absent, validatorSet: h.validatorSet }),
      null,
    );
    // The node's word is not needed: a changed value fails the check.
    const changed = new Uint8Array(value);
    changed[changed.length - 1]! ^= 1;
    const forged = { ...response, value: toHex(changed) };
    assert.throws(
      () => verifyStateProofResponse({ response: forged, validatorSet: h.validatorSet }),
      rejectsWith('proof_invalid'),
    );
  });

  it('watches events across a forced disconnect, each message once and in order', async () => {
    const sockets: WebSocket[] = [];
    const watcher = createClient({
      url: h.url,
      account: client.account!,
      WebSocket: trackedWebSocket(sockets),
    });
    const seen: EventMessage[] = [];
    const errors: TallyError[] = [];
    const unwatch = watchEvents(watcher, {
      onEvent: (event) => seen.push(event),
      onError: (error) => errors.push(error),
      reconnect: { initialMs: 20, maxMs: 200 },
    });
    await until(() => sockets[0]?.readyState === WebSocket.OPEN);
    const first = await h.commitPending();
    await until(() => seen.some((e) => e.type === 'block' && e.height === first));
    sockets[0]!.terminate(); // the connection drops under the SDK
    const tx = sign(
      createTransfer({
        id: createBankId(),
        debitAccountId: alice,
        creditAccountId: bob,
        amount: 1n,
        currency: 'HKD',
      }),
    );
    await submitTransactions(client, { transactions: [tx] });
    const second = await h.commitPending(); // executed while the SDK is disconnected or reconnecting
    const third = await h.commitPending();
    await until(() => seen.some((e) => e.type === 'block' && e.height === third));
    unwatch();
    assert.ok(sockets.length >= 2, 'reconnected');
    assert.ok(errors.some((e) => e.code === 'stream_closed'));
    const cursors = seen.map((e) => e.cursor);
    assert.equal(new Set(cursors).size, cursors.length, 'no message twice');
    const blocks = seen.filter((e) => e.type === 'block').map((e) => e.height);
    assert.deepEqual(blocks, [first, second, third]);
    const txMessage = seen.find((e) => e.type === 'tx' && e.txId === tx.txId);
    assert.equal(txMessage?.height, second);
  });

  it('resumes from a given cursor and stops on a cursor the node refuses', async () => {
    const latest = await getLatestBlock(client);
    const seen: EventMessage[] = [];
    const unwatch = watchEvents(client, {
      cursor: `${latest.height - 1}.0`,
      types: ['block'],
      onEvent: (event) => seen.push(event),
    });
    await until(() => seen.length >= 1);
    unwatch();
    assert.deepEqual(
      seen.map((e) => e.cursor),
      [`${latest.height}.0`],
    );
    const errors: TallyError[] = [];
    watchEvents(client, {
      cursor: '1.999',
      onEvent: () => assert.fail('no event expected'),
      onError: (error) => errors.push(error),
    });
    await until(() => errors.length > 0);
    assert.equal(errors[0]!.code, 'bad_cursor');
    assert.equal(errors[0]!.details.status, 400);
  });

  it('error: the server’s code, message and status reach the caller as TallyError', async () => {
    const outsider = createClient({
      url: h.url,
      account: accountFromSecretKey('ed25519', h.keys.outsider.secretKey),
    });
    await assert.rejects(getAccount(outsider, { id: alice }), rejectsWith('unauthenticated', 401));
    const reader = createClient({
      url: h.url,
      account: accountFromSecretKey('ed25519', h.keys.reader.secretKey),
    });
    const tx = sign(
      registerCurrency({ code: 'PHP', decimals: 2, issuerAccountId: createBankId() }),
    );
    await assert.rejects(
      submitTransactions(reader, { transactions: [tx] }),
      rejectsWith('forbidden', 403),
    );
    await assert.rejects(getBlock(client, { height: 1_000_000 }), rejectsWith('not_found', 404));
    await assert.rejects(getAccount(client, { id: createBankId() }), rejectsWith('not_found', 404));
    const anonymous = createClient({ url: h.url });
    await assert.rejects(
      getTransaction(anonymous, { txId: tx.txId }),
      rejectsWith('account_required'),
    );
    const nowhere = createClient({ url: 'http://127.0.0.1:1' });
    await assert.rejects(getStatus(nowhere), rejectsWith('network_error'));
    await assert.rejects(
      waitForTransaction(client, { txId: tx.txId, timeoutMs: 50, pollInitialMs: 10 }),
      rejectsWith('wait_timeout'),
    );
  });
});

describe('sdk submit under a full mempool', { timeout: 30_000 }, () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness({ mempoolTxsMax: 1, perSignerTxsMax: 1 });
  });
  after(() => h.close());

  /** A small signed transaction from `account`; each nonce gives a distinct one. */
  const closeAccountTx = (account: ReturnType<typeof accountFromSecretKey>, nonce: bigint) =>
    signTransaction(
      account,
      buildTransaction({
        chainId: h.chainId,
        module: 'bank',
        method: 'close_account',
        args: { id: new Uint8Array(16) },
        nonce,
      }),
    );

  it('honours Retry-After: refused while full, admitted on the retry once a block frees room', async () => {
    const account = accountFromSecretKey('ed25519', h.keys.submitter.secretKey);
    const client = createClient({ url: h.url, account });
    const txs = [1n, 2n].map((nonce) => closeAccountTx(account, nonce));
    await submitTransactions(client, { transactions: [txs[0]!] });
    await assert.rejects(
      submitTransactions(client, { transactions: [txs[1]!] }),
      (error: unknown) => {
        assert.ok(error instanceof TallyError);
        assert.ok(['mempool_full', 'signer_quota_exceeded'].includes(error.code), error.code);
        assert.ok([429, 503].includes(error.details.status as number));
        assert.equal(typeof error.details.retryAfterMs, 'number');
        return true;
      },
    );
    const retried = submitTransactions(client, {
      transactions: [txs[1]!],
      retry: { attemptsMax: 3 },
    });
    await h.commitPending(); // frees the mempool while the SDK waits out Retry-After
    const { results } = await retried;
    assert.equal(results[0]!.status, 'admitted');
  });

  it('sends again what a 200 answer refused as busy, and answers for the whole batch in order', async () => {
    const account = accountFromSecretKey('ed25519', h.keys.submitter.secretKey);
    const client = createClient({ url: h.url, account });
    await h.commitPending(); // the test before may have left its transaction pending
    const txs = [11n, 12n].map((nonce) => closeAccountTx(account, nonce));
    // Without retry, the node takes the first and refuses the second: a 200 with one busy result.
    const once = await submitTransactions(client, { transactions: txs });
    assert.deepEqual(
      once.results.map((r) => r.status),
      ['admitted', 'rejected'],
    );
    assert.ok(['mempool_full', 'signer_quota_exceeded'].includes(once.results[1]!.code ?? ''));
    await h.commitPending();
    const later = [13n, 14n].map((nonce) => closeAccountTx(account, nonce));
    const retried = submitTransactions(client, { transactions: later, retry: { attemptsMax: 3 } });
    while (h.mempool.size() === 0) await new Promise((r) => setTimeout(r, 10));
    await h.commitPending(); // frees room while the SDK waits to send the refused one again
    const { results } = await retried;
    assert.deepEqual(
      results.map((r) => [r.txId, r.status]),
      later.map((t) => [t.txId, 'admitted']),
    );
  });

  it('out of attempts after part of a batch was taken: answers for it all rather than throw', async () => {
    const account = accountFromSecretKey('ed25519', h.keys.submitter.secretKey);
    const client = createClient({ url: h.url, account });
    await h.commitPending();
    const txs = [21n, 22n].map((nonce) => closeAccountTx(account, nonce));
    // Nothing commits: the second is refused again, this time as a whole-batch 503 or 429.
    const { results } = await submitTransactions(client, {
      transactions: txs,
      retry: { attemptsMax: 1 },
    });
    assert.equal(results[0]!.status, 'admitted');
    assert.equal(results[1]!.status, 'rejected');
    assert.ok(['mempool_full', 'signer_quota_exceeded'].includes(results[1]!.code ?? ''));
    await h.commitPending();
  });
});
