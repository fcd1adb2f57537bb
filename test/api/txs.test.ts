// POST /v1/txs and GET /v1/txs/:id over real HTTP against a real mempool and chain: admission results,
// batch order, duplicates, malformed input, overload answers, and a transaction from pending to final.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiServer } from '../../src/api/server.ts';
import { encode } from '../../src/codec/index.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { signTransaction } from '../../src/ledger/tx.ts';
import { toHex } from '../../src/util/bytes.ts';
import { call } from './client.ts';
import { bankSetupTxs } from './fixtures.ts';
import { type ApiHarness, startApiHarness } from './harness.ts';

type Result = { txId?: string; status: string; code?: string; message?: string };
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

describe('api transactions', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness();
  });
  after(() => h.close());

  const submit = (txs: unknown) => call(h.url, h.keys.submitter, 'POST', '/v1/txs', { txs });
  const txStatus = (id: string) => call(h.url, h.keys.reader, 'GET', `/v1/txs/${id}`);

  it('admits a transaction, reports it pending, then final with its receipt', async () => {
    const [hex] = bankSetupTxs(h);
    const res = await submit([hex]);
    assert.equal(res.status, 200);
    const [result] = (res.body as { results: Result[] }).results;
    assert.equal(result?.status, 'admitted');
    const id = result!.txId!;
    assert.deepEqual((await txStatus(id)).body, { txId: id, status: 'pending' });
    const height = await h.commitPending();
    const final = (await txStatus(id)).body as Record<string, unknown>;
    assert.equal(final.status, 'final');
    assert.equal(final.height, height);
    assert.equal(final.index, 0);
    assert.equal(final.code, 'ok');
    const events = final.events as { module: string; type: string; attributes: unknown }[];
    const registered = events.find((e) => e.type === 'currency_registered');
    assert.equal(registered?.module, 'bank');
  });

  it('keeps a receipt on disk pending until the node has taken its block in', async () => {
    const tx = h.signTx(h.keys.submitter, 'bank', 'close_account', { id: new Uint8Array(16) });
    await submit([toHex(tx.bytes)]);
    const height = await h.commitPending();
    // LMDB shows a batch before this thread hears it is durable and runs the block's listeners.
    const server = await createApiServer(
      { host: '127.0.0.1', port: 0 },
      { ...h.services, finalHeight: () => height - 1 },
    );
    try {
      const id = toHex(tx.id);
      const res = await call(server.url, h.keys.reader, 'GET', `/v1/txs/${id}`);
      assert.deepEqual(res.body, { txId: id, status: 'pending', height, index: 0 });
    } finally {
      await server.close();
    }
    assert.equal(((await txStatus(toHex(tx.id))).body as Result).status, 'final');
  });

  it('admits a batch with one result per input, in order', async () => {
    const txs = bankSetupTxs(h).slice(1);
    const garbage = toHex(encode(['not', 'a', 'tx']));
    const res = await submit([txs[0], garbage, txs[1]]);
    assert.equal(res.status, 200);
    const results = (res.body as { results: Result[] }).results;
    assert.deepEqual(
      results.map((r) => [r.status, r.code]),
      [
        ['admitted', undefined],
        ['rejected', 'tx_malformed'],
        ['admitted', undefined],
      ],
    );
    assert.equal(results[1]?.txId, undefined);
    await h.commitPending();
  });

  it('answers tx_duplicate for a transaction already pending', async () => {
    const tx = h.signTx(h.keys.submitter, 'bank', 'close_account', { id: new Uint8Array(16) });
    await submit([toHex(tx.bytes)]);
    const res = await submit([toHex(tx.bytes)]);
    assert.deepEqual((res.body as { results: Result[] }).results, [
      {
        txId: toHex(tx.id),
        status: 'admitted',
        code: 'tx_duplicate',
        message: 'transaction is already pending',
      },
    ]);
    await h.commitPending();
  });

  it('rejects a bad signature', async () => {
    const tx = h.signTx(h.keys.submitter, 'bank', 'close_account', { id: new Uint8Array(16) });
    const bytes = tx.bytes.slice();
    bytes[bytes.length - 1]! ^= 1;
    const res = await submit([toHex(bytes)]);
    assert.equal(res.status, 200);
    assert.deepEqual((res.body as { results: Result[] }).results, [
      {
        txId: toHex(tx.id),
        status: 'rejected',
        code: 'bad_signature',
        message: 'tx.signature: does not verify against tx.signer',
      },
    ]);
  });

  it('rejects a transaction for another chain', async () => {
    const key = h.keys.submitter;
    const tx = signTransaction(
      {
        chainId: 'other-chain',
        suite: key.suite,
        signer: key.publicKey,
        nonce: 1n,
        expiresAtMs: Date.now() + 60_000,
        module: 'bank',
        method: 'close_account',
        args: { id: new Uint8Array(16) },
      },
      getSuite(key.suite),
      key.secretKey,
    );
    const [result] = ((await submit([toHex(tx.bytes)])).body as { results: Result[] }).results;
    assert.equal(result?.code, 'wrong_chain');
    assert.equal(
      result?.message,
      'transaction is for chain "other-chain"; this node runs "tally-api-test"',
    );
  });

  it('error: malformed hex names the transaction, and nothing is admitted', async () => {
    const tx = h.signTx(h.keys.submitter, 'bank', 'close_account', { id: new Uint8Array(16) });
    const res = await submit([toHex(tx.bytes), 'ABC']);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: {
        code: 'bad_hex',
        message: 'txs[1]: expected lower-case hex with an even number of digits',
        details: { field: 'txs[1]' },
      },
    });
    assert.equal(h.services.isPending(tx.id), false);
  });

  it('error: schema failures are bad_request naming the field', async () => {
    const cases: [unknown, string][] = [
      [[], 'body.txs: must NOT have fewer than 1 items'],
      [Array.from({ length: 1001 }, () => '00'), 'body.txs: must NOT have more than 1000 items'],
      [[{}], 'body.txs[0]: must be string'],
    ];
    for (const [txs, message] of cases) {
      const res = await submit(txs);
      assert.equal(res.status, 400, message);
      assert.equal((res.body as ErrorBody).error.code, 'bad_request');
      assert.equal((res.body as ErrorBody).error.message, message);
    }
    const missing = await call(h.url, h.keys.submitter, 'POST', '/v1/txs', {});
    assert.equal((missing.body as ErrorBody).error.message, 'body.txs: is required');
    const notJson = await call(h.url, h.keys.submitter, 'POST', '/v1/txs', '{"txs": [');
    assert.equal(notJson.status, 400);
    assert.equal((notJson.body as ErrorBody).error.message, 'body: is not valid JSON');
  });

  it('answers unknown for a transaction it never saw, and bad_hex for a malformed id', async () => {
    const id = '11'.repeat(32);
    assert.deepEqual((await txStatus(id)).body, { txId: id, status: 'unknown' });
    const bad = await txStatus('1234');
    assert.equal(bad.status, 400);
    assert.equal(
      (bad.body as ErrorBody).error.message,
      'txId: expected 32 bytes (64 hex digits), got 2',
    );
  });
});

describe('api transactions under load limits', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness({ bodyBytesMax: 4096, mempoolTxsMax: 2, perSignerTxsMax: 1 });
  });
  after(() => h.close());

  const txFrom = (key: ApiHarness['keys']['reader']) =>
    toHex(h.signTx(key, 'bank', 'close_account', { id: new Uint8Array(16) }).bytes);
  const submit = (txs: string[]) => call(h.url, h.keys.submitter, 'POST', '/v1/txs', { txs });

  it('error: a body over the limit is payload_too_large', async () => {
    const res = await submit(['00'.repeat(2100)]);
    assert.equal(res.status, 413);
    assert.deepEqual(res.body, {
      error: { code: 'payload_too_large', message: 'request body is larger than the limit' },
    });
  });

  it('error: a signer over its quota gets 429 with Retry-After; a full mempool 503', async () => {
    assert.equal((await submit([txFrom(h.keys.submitter)])).status, 200);
    const quota = await submit([txFrom(h.keys.submitter)]);
    assert.equal(quota.status, 429);
    assert.equal(quota.headers.get('retry-after'), '1');
    const quotaError = (quota.body as ErrorBody).error;
    assert.equal(quotaError.code, 'signer_quota_exceeded');
    assert.equal(
      quotaError.message,
      'signer has reached its limit of 1 pending transactions; retry after 1000 ms',
    );
    assert.equal((await submit([txFrom(h.keys.reader)])).status, 200);
    const full = await submit([txFrom(h.keys.outsider)]);
    assert.equal(full.status, 503);
    assert.equal(full.headers.get('retry-after'), '1');
    assert.equal((full.body as ErrorBody).error.code, 'mempool_full');
    const results = (full.body as ErrorBody).error.details?.results as Result[];
    assert.equal(results[0]?.code, 'mempool_full');
  });

  it('answers 200 when only some transactions met the full mempool', async () => {
    const res = await submit([txFrom(h.keys.outsider), 'zz'.slice(0, 0)]);
    assert.equal(res.status, 200);
    const codes = (res.body as { results: Result[] }).results.map((r) => r.code);
    assert.deepEqual(codes, ['mempool_full', 'tx_malformed']);
  });
});
