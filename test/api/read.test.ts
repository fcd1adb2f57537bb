// The read endpoints over real HTTP: blocks with their QCs, state values with proofs checked as a
// light client would, bank accounts and currencies, validators, status, probes, metrics and the
// OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiServer } from '../../src/api/server.ts';
import { decode } from '../../src/codec/index.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { moduleKey } from '../../src/execution/index.ts';
import { decodeHeader, hashHeader } from '../../src/ledger/block.ts';
import { qcFromValue, verifyQuorumCertificate } from '../../src/ledger/certificate.ts';
import { decodeStateProof, verifyStateProof } from '../../src/ledger/state/index.ts';
import { bankKeys } from '../../src/modules/bank/index.ts';
import { bytesEqual, fromHex, toHex } from '../../src/util/bytes.ts';
import { call } from './client.ts';
import { bankSetupTxs, fundingMinor, issuerAccountId, userAccountId } from './fixtures.ts';
import { type ApiHarness, startApiHarness } from './harness.ts';

type ErrorBody = { error: { code: string; message: string } };
type StateAnswer = {
  key: string;
  value: string | null;
  height: number;
  proofHex: string;
  blockHeight: number;
  headerHex: string;
  qcHex: string;
};

describe('api reads', () => {
  let h: ApiHarness;
  let setupIds: string[];
  before(async () => {
    h = await startApiHarness();
    const res = await call(h.url, h.keys.submitter, 'POST', '/v1/txs', { txs: bankSetupTxs(h) });
    setupIds = (res.body as { results: { txId: string }[] }).results.map((r) => r.txId);
    await h.commitPending(); // block 1: the bank setup
    await h.commitPending(); // block 2: its header carries the state after block 1
  });
  after(() => h.close());

  const read = (path: string) => call(h.url, h.keys.reader, 'GET', path);
  const verifyQc = (qcHex: string) =>
    verifyQuorumCertificate(
      qcFromValue(decode(fromHex(qcHex)), 'qc'),
      h.validatorSet,
      h.chainId,
      (suite, message, signature, publicKey) =>
        getSuite(suite).verify(message, signature, publicKey),
    );

  it('serves a block with its canonical header, transaction ids and QC', async () => {
    const block = (await call(h.url, undefined, 'GET', '/v1/blocks/1')).body as Record<
      string,
      unknown
    >;
    assert.deepEqual(block.txIds, setupIds);
    const header = decodeHeader(fromHex(block.headerHex as string));
    assert.equal(block.hash, toHex(hashHeader(header)));
    assert.equal((block.header as { stateRoot: string }).stateRoot, toHex(header.stateRoot));
    assert.equal((block.header as { txCount: number }).txCount, 3);
    assert.deepEqual(verifyQc(block.qcHex as string), { ok: true });
    const qc = qcFromValue(decode(fromHex(block.qcHex as string)), 'qc');
    assert.ok(bytesEqual(qc.blockHash, hashHeader(header)));
    const latest = await call(h.url, undefined, 'GET', '/v1/blocks/latest');
    assert.equal((latest.body as { height: number }).height, 2);
  });

  it('error: a block that does not exist, a height that is not one', async () => {
    const missing = await call(h.url, undefined, 'GET', '/v1/blocks/99');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: { code: 'not_found', message: 'block 99 not found' } });
    const bad = await call(h.url, undefined, 'GET', '/v1/blocks/abc');
    assert.equal(bad.status, 400);
    assert.equal((bad.body as ErrorBody).error.message, 'params.height: must be integer');
  });

  it('serves a state value whose proof and QC check against the validator set', async () => {
    const key = moduleKey('bank', bankKeys.account(userAccountId));
    const res = await read(`/v1/state/${toHex(key)}`);
    assert.equal(res.status, 200);
    const answer = res.body as StateAnswer;
    assert.equal(answer.height, 1);
    assert.equal(answer.blockHeight, 2);
    assert.notEqual(answer.value, null);
    const header = decodeHeader(fromHex(answer.headerHex));
    assert.equal(header.stateHeight, answer.height);
    assert.deepEqual(verifyQc(answer.qcHex), { ok: true });
    const qc = qcFromValue(decode(fromHex(answer.qcHex)), 'qc');
    assert.ok(bytesEqual(qc.blockHash, hashHeader(header)), 'the QC certifies the header');
    const proof = decodeStateProof(fromHex(answer.proofHex));
    assert.ok(verifyStateProof(header.stateRoot, key, fromHex(answer.value!), proof));
    assert.ok(!verifyStateProof(header.stateRoot, key, new Uint8Array([1]), proof));
  });

  it('proves absence, and serves an older height on request', async () => {
    const key = moduleKey('bank', bankKeys.account(new Uint8Array(16).fill(0x7e)));
    const answer = (await read(`/v1/state/${toHex(key)}`)).body as StateAnswer;
    assert.equal(answer.value, null);
    const header = decodeHeader(fromHex(answer.headerHex));
    assert.ok(
      verifyStateProof(header.stateRoot, key, null, decodeStateProof(fromHex(answer.proofHex))),
    );
    const userKey = moduleKey('bank', bankKeys.account(userAccountId));
    const old = (await read(`/v1/state/${toHex(userKey)}?height=0`)).body as StateAnswer;
    assert.equal(old.height, 0);
    assert.equal(old.blockHeight, 1);
    assert.equal(old.value, null, 'the account did not exist before block 1');
  });

  it('error: a state height no certified block carries', async () => {
    const res = await read(`/v1/state/00?height=99`);
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, {
      error: { code: 'not_found', message: 'certified state at height 99 not found' },
    });
  });

  it('serves bank accounts and currencies with amounts as decimal strings', async () => {
    const user = await read(`/v1/accounts/${toHex(userAccountId)}`);
    assert.deepEqual(user.body, {
      id: toHex(userAccountId),
      currency: 'HKD',
      owner: toHex(h.keys.submitter.publicKey),
      debitsPending: '0',
      debitsPosted: '0',
      creditsPending: '0',
      creditsPosted: fundingMinor.toString(),
      balance: fundingMinor.toString(),
      available: fundingMinor.toString(),
      flags: ['debits_must_not_exceed_credits'],
      pendingCount: 0,
      createdHeight: 1,
    });
    const issuer = (await read(`/v1/accounts/${toHex(issuerAccountId)}`)).body as {
      balance: string;
    };
    assert.equal(issuer.balance, (-fundingMinor).toString());
    const hkd = await read('/v1/currencies/HKD');
    assert.deepEqual(hkd.body, {
      code: 'HKD',
      decimals: 2,
      issuer: toHex(h.keys.submitter.publicKey),
      issuerAccountId: toHex(issuerAccountId),
      supply: fundingMinor.toString(),
    });
  });

  it('error: unknown account and currency, malformed ids', async () => {
    const id = 'ee'.repeat(16);
    assert.deepEqual((await read(`/v1/accounts/${id}`)).body, {
      error: { code: 'not_found', message: `account ${id} not found` },
    });
    assert.deepEqual((await read('/v1/currencies/USD')).body, {
      error: { code: 'not_found', message: 'currency USD not found' },
    });
    const shortId = await read('/v1/accounts/abcd');
    assert.equal(shortId.status, 400);
    assert.equal(
      (shortId.body as ErrorBody).error.message,
      'id: expected 16 bytes (32 hex digits), got 2',
    );
    const lower = await read('/v1/currencies/usd');
    assert.equal(lower.status, 400);
    assert.equal(
      (lower.body as ErrorBody).error.message,
      'params.code: must match pattern "^[A-Z]{3}$"',
    );
  });

  it('serves the validator set with its canonical encoding', async () => {
    const res = await call(h.url, undefined, 'GET', '/v1/validators');
    assert.deepEqual(res.body, {
      epoch: 1,
      quorum: 1,
      validators: [
        { orgId: 'local', suite: 'ed25519', publicKey: toHex(h.validatorKey.publicKey) },
      ],
      setHex: (res.body as { setHex: string }).setHex,
    });
    const missing = await call(h.url, undefined, 'GET', '/v1/validators?height=99');
    assert.equal(missing.status, 404);
  });

  it('serves status, health and readiness', async () => {
    const status = (await call(h.url, undefined, 'GET', '/v1/status')).body as Record<
      string,
      unknown
    >;
    assert.equal(status.chainId, h.chainId);
    assert.equal(status.height, 2);
    assert.equal(status.executedHeight, 2);
    assert.deepEqual(status.mempool, { txs: 0, bytes: 0 });
    assert.deepEqual(status.retained, { blocksFrom: 0, stateFrom: 0 }, 'nothing pruned');
    assert.deepEqual((await call(h.url, undefined, 'GET', '/health')).body, {
      status: 'ok',
      height: 2,
    });
    assert.deepEqual((await call(h.url, undefined, 'GET', '/ready')).body, {
      ready: true,
      height: 2,
    });
  });

  it('answers 503 on /ready while the node is not ready', async () => {
    const server = await createApiServer(
      { host: '127.0.0.1', port: 0 },
      { ...h.services, readiness: () => ({ ready: false, reason: 'catching up' }) },
    );
    try {
      const res = await call(server.url, undefined, 'GET', '/ready');
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { ready: false, reason: 'catching up', height: 2 });
    } finally {
      await server.close();
    }
  });

  it('serves Prometheus metrics by route and status', async () => {
    await call(h.url, undefined, 'GET', '/v1/status');
    const res = await call(h.url, undefined, 'GET', '/metrics');
    assert.equal(res.status, 200);
    const text = res.body as string;
    assert.match(
      text,
      /tally_api_requests_total\{method="GET",route="\/v1\/status",status="200"\} \d+/,
    );
    assert.match(text, /tally_api_request_duration_seconds_bucket\{le="0\.005",method="GET"/);
    assert.match(text, /tally_api_event_streams 0/);
  });

  it('serves an OpenAPI 3 document that lists every route', async () => {
    const doc = (await call(h.url, undefined, 'GET', '/docs/json')).body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.match(doc.openapi, /^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(routes.sort(), [
      'GET /health',
      'GET /metrics',
      'GET /ready',
      'GET /v1/accounts/{id}',
      'GET /v1/blocks/latest',
      'GET /v1/blocks/{height}',
      'GET /v1/currencies/{code}',
      'GET /v1/epochs',
      'GET /v1/events',
      'GET /v1/evidence',
      'GET /v1/governance/proposals',
      'GET /v1/governance/proposals/{id}',
      'GET /v1/orgs',
      'GET /v1/orgs/{orgId}/keys',
      'GET /v1/positions/{day}',
      'GET /v1/remittance/corridors',
      'GET /v1/remittance/corridors/{id}',
      'GET /v1/remittances',
      'GET /v1/remittances/{id}',
      'GET /v1/remittances/{id}/pacs002',
      'GET /v1/state/{keyHex}',
      'GET /v1/statements/{accountId}',
      'GET /v1/status',
      'GET /v1/txs/{txId}',
      'GET /v1/validators',
      'POST /v1/fx/quotes',
      'POST /v1/iso20022/pacs008',
      'POST /v1/remittances',
      'POST /v1/remittances/{id}/accept',
      'POST /v1/remittances/{id}/reject',
      'POST /v1/remittances/{id}/review',
      'POST /v1/txs',
    ]);
    const ui = await fetch(`${h.url}/docs/`);
    assert.equal(ui.status, 200);
    await ui.text();
  });
});
