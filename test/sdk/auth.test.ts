// Request authentication (docs/api.md): the SDK signs the server's digest (src/crypto/request-digest.ts),
// and the signatures in the header and the WebSocket query verify with node:crypto.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { test } from 'node:test';
import { apiRequestDigest as serverDigest } from '../../src/crypto/request-digest.ts';
import { sha256 } from '../../src/crypto/sha256.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { signedSocketPath } from '../../src/sdk/auth.ts';
import {
  apiRequestDigest,
  authorizationHeader,
  generateAccount,
  signRequest,
} from '../../src/sdk/index.ts';
import { concatBytes, fromHex, utf8 } from '../../src/util/bytes.ts';

test('the digest follows the documented layout', () => {
  const body = utf8('{"txs":[]}');
  const expected = sha256(
    concatBytes(utf8('tally/api/v1\0POST\n/v1/txs\n1750000000000\n'), sha256(body)),
  );
  assert.deepEqual(apiRequestDigest('POST', '/v1/txs', 1_750_000_000_000, body), expected);
  assert.deepEqual(
    apiRequestDigest('GET', '/v1/status', 5),
    sha256(concatBytes(utf8('tally/api/v1\0GET\n/v1/status\n5\n'), sha256(new Uint8Array(0)))),
  );
});

test('an ed25519 request signature verifies with node:crypto', () => {
  const account = generateAccount('ed25519');
  const body = utf8('{"txs":["00"]}');
  const signature = signRequest(account, 'POST', '/v1/txs', 1_750_000_000_000, body);
  const header = authorizationHeader(signature);
  const match = /^Tally key=([0-9a-f]{64}), ts=(\d+), sig=([0-9a-f]{128})$/.exec(header);
  assert.ok(match, header);
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(fromHex(match[1]!)).toString('base64url') },
    format: 'jwk',
  });
  const digest = serverDigest('POST', '/v1/txs', Number(match[2]), body);
  assert.ok(verify(null, digest, key, fromHex(match[3]!)));
});

test('a p256 request signature verifies with the node suite', () => {
  const account = generateAccount('p256');
  const signature = signRequest(account, 'GET', '/v1/accounts/00', 42);
  const digest = serverDigest('GET', '/v1/accounts/00', 42);
  assert.ok(getSuite('p256').verify(digest, fromHex(signature.sig), account.publicKey));
});

test('a WebSocket path signs the path with its own query and appends key, ts and sig', () => {
  const account = generateAccount('ed25519');
  const path = '/v1/events?cursor=3.1&types=tx';
  const signed = signedSocketPath(account, path, 1234);
  const url = new URL(`http://x${signed}`);
  assert.deepEqual([...url.searchParams.keys()], ['cursor', 'types', 'key', 'ts', 'sig']);
  assert.equal(url.searchParams.get('key'), account.publicKeyHex);
  assert.equal(url.searchParams.get('ts'), '1234');
  const digest = serverDigest('GET', path, 1234);
  assert.ok(
    getSuite('ed25519').verify(digest, fromHex(url.searchParams.get('sig')!), account.publicKey),
  );
});

test('error: digest inputs are checked', () => {
  assert.throws(
    () => apiRequestDigest('get', '/v1', 1),
    /method: expected an upper-case HTTP method/,
  );
  assert.throws(() => apiRequestDigest('GET', 'v1', 1), /path: expected to start with "\/"/);
  assert.throws(() => apiRequestDigest('GET', '/v1', -1), /timestampMs/);
});
