// Request authentication over real HTTP: the signed digest, every 401 reason with its pinned text,
// role checks (403), and the query form a browser uses for WebSocket upgrades.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiRequestDigest } from '../../src/crypto/request-digest.ts';
import { toHex } from '../../src/util/bytes.ts';
import { authorization, call, openEvents, refusedUpgrade, signedEventsPath } from './client.ts';
import { type ApiHarness, startApiHarness } from './harness.ts';

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

const txPath = `/v1/txs/${'ab'.repeat(32)}`;

describe('api request digest', () => {
  it('hashes tag, method, path, ts and the body hash', () => {
    const body = new TextEncoder().encode('{"txs":[]}');
    const bodyHash = createHash('sha256').update(body).digest();
    const expected = createHash('sha256')
      .update('tally/api/v1\0POST\n/v1/txs?x=1\n1700000000000\n')
      .update(bodyHash)
      .digest();
    assert.equal(
      toHex(apiRequestDigest('POST', '/v1/txs?x=1', 1_700_000_000_000, body)),
      toHex(expected),
    );
  });

  it('hashes an empty body for GET', () => {
    const empty = createHash('sha256').update(new Uint8Array(0)).digest();
    const expected = createHash('sha256')
      .update('tally/api/v1\0GET\n/v1/status\n5\n')
      .update(empty)
      .digest();
    assert.equal(toHex(apiRequestDigest('GET', '/v1/status', 5)), toHex(expected));
  });
});

describe('api authentication', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness();
  });
  after(() => h.close());

  async function expect401(headers: Record<string, string>, reason: string, message: string) {
    const res = await fetch(h.url + txPath, { headers });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), {
      error: { code: 'unauthenticated', message, details: { reason } },
    });
  }

  it('accepts a request signed by a registered key', async () => {
    const res = await call(h.url, h.keys.reader, 'GET', txPath);
    assert.equal(res.status, 200);
  });

  it('error: missing authorization', async () => {
    await expect401(
      {},
      'missing',
      'authorization: missing; sign the request with a registered key',
    );
  });

  it('error: malformed authorization', async () => {
    const message = 'authorization: expected "Tally key=<hex>, ts=<unix ms>, sig=<hex>"';
    await expect401({ authorization: 'Bearer abc' }, 'malformed', message);
    await expect401({ authorization: 'Tally key=abc, ts=1, sig=00' }, 'malformed', message);
  });

  it('error: unknown key', async () => {
    const header = authorization(h.keys.outsider, 'GET', txPath);
    await expect401(
      { authorization: header },
      'unknown_key',
      'authorization.key: not a registered key',
    );
  });

  it('error: bad signature, another path, another body', async () => {
    const message = 'authorization.sig: does not verify for this request';
    const corrupt = authorization(h.keys.reader, 'GET', txPath, undefined, { corrupt: true });
    await expect401({ authorization: corrupt }, 'bad_signature', message);
    const otherPath = authorization(h.keys.reader, 'GET', `/v1/txs/${'cd'.repeat(32)}`);
    await expect401({ authorization: otherPath }, 'bad_signature', message);
    const signedBody = new TextEncoder().encode('{"txs":["00"]}');
    const res = await fetch(`${h.url}/v1/txs`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: authorization(h.keys.submitter, 'POST', '/v1/txs', signedBody),
      },
      body: '{"txs":["01"]}',
    });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ErrorBody).error.message, message);
  });

  it('error: the same signed POST sent twice is refused as replayed; a fresh signature is not', async () => {
    const tx = h.signTx(h.keys.submitter, 'bank', 'register_currency', {
      code: 'SGD',
      decimals: 2,
      issuerAccountId: new Uint8Array(16).fill(7),
    });
    const body = new TextEncoder().encode(JSON.stringify({ txs: [toHex(tx.bytes)] }));
    const post = (auth: string) =>
      fetch(`${h.url}/v1/txs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body,
      });
    const signed = authorization(h.keys.submitter, 'POST', '/v1/txs', body);
    assert.equal((await post(signed)).status, 200);
    const replay = await post(signed);
    assert.equal(replay.status, 401);
    assert.deepEqual(await replay.json(), {
      error: {
        code: 'unauthenticated',
        message:
          'authorization.sig: this signed request was already accepted; sign each request afresh',
        details: { reason: 'replayed' },
      },
    });
    // Signed again one millisecond later: a new request (the mempool knows the transaction).
    const again = authorization(h.keys.submitter, 'POST', '/v1/txs', body, {
      tsMs: Date.now() + 1,
    });
    assert.equal((await post(again)).status, 200);
    // A signed read may repeat.
    const read = authorization(h.keys.reader, 'GET', txPath);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(h.url + txPath, { headers: { authorization: read } });
      assert.equal(res.status, 200);
      await res.json();
    }
  });

  it('error: stale or future timestamp', async () => {
    const message = "authorization.ts: more than 60 s from the server's clock";
    for (const tsMs of [Date.now() - 61_000, Date.now() + 61_000]) {
      const header = authorization(h.keys.reader, 'GET', txPath, undefined, { tsMs });
      await expect401({ authorization: header }, 'stale_timestamp', message);
    }
  });

  it('error: a key without the role is forbidden', async () => {
    const res = await call(h.url, h.keys.reader, 'POST', '/v1/txs', { txs: ['00'] });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      error: {
        code: 'forbidden',
        message: 'this endpoint needs a key with role "submit"',
        details: { role: 'submit', orgId: 'regulator' },
      },
    });
  });

  it('checks the key before the body schema', async () => {
    const res = await call(h.url, undefined, 'POST', '/v1/txs', { wrong: true });
    assert.equal(res.status, 401);
  });

  it('serves public endpoints without a key', async () => {
    for (const path of ['/health', '/v1/status', '/v1/validators', '/v1/blocks/latest']) {
      assert.equal((await call(h.url, undefined, 'GET', path)).status, 200, path);
    }
  });

  it('accepts credentials in the query of a WebSocket upgrade', async () => {
    const client = await openEvents(h.url, signedEventsPath(h.keys.reader, 'types=block'));
    await client.close();
  });

  it('error: a WebSocket upgrade with a bad query signature is refused', async () => {
    const path = signedEventsPath(h.keys.reader, 'types=block', { corrupt: true });
    const refused = await refusedUpgrade(h.url, path);
    assert.equal(refused.status, 401);
    assert.equal((refused.body as ErrorBody).error.code, 'unauthenticated');
  });

  it('error: query credentials count only on WebSocket upgrades', async () => {
    const ts = Date.now();
    const res = await fetch(`${h.url}${txPath}?key=${toHex(h.keys.reader.publicKey)}&ts=${ts}`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ErrorBody).error.details?.reason, 'missing');
  });
});
