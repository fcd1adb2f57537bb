// createClient's options and the HTTP edge: a caller's fetch is used, and answers that are not the
// API's error shape (a proxy's HTML, an empty 502) still become TallyError with the status.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createClient, getStatus, TallyError, watchEvents } from '../../src/sdk/index.ts';

let server: Server;
let url: string;

before(async () => {
  server = createServer((request, response) => {
    if (request.url === '/v1/status') {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>bad gateway</html>');
    } else if (request.url === '/v1/blocks/latest') {
      response.writeHead(503, { 'retry-after': '2' });
      response.end();
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: { code: 'not_found', message: 'nothing here', details: { what: 'x' } },
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('uses the caller’s fetch', async () => {
  const seen: string[] = [];
  const client = createClient({
    url: `${url}/`,
    fetch: (target, init) => {
      seen.push(`${init.method} ${target}`);
      return fetch(target, init);
    },
  });
  await assert.rejects(getStatus(client));
  assert.deepEqual(seen, [`GET ${url}/v1/status`]);
});

test('error: a body that is not JSON is bad_response with the status', async () => {
  await assert.rejects(getStatus(createClient({ url })), (error) => {
    assert.ok(error instanceof TallyError);
    assert.equal(error.code, 'bad_response');
    assert.equal(error.details.status, 502);
    return true;
  });
});

test('error: an empty error answer keeps its status and Retry-After', async () => {
  const client = createClient({ url });
  await assert.rejects(client.request({ method: 'GET', path: '/v1/blocks/latest' }), (error) => {
    assert.ok(error instanceof TallyError);
    assert.equal(error.code, 'http_503');
    assert.deepEqual(error.details, { status: 503, retryAfterMs: 2000 });
    return true;
  });
});

test('error: the API’s error shape gives code, message and details', async () => {
  await assert.rejects(
    createClient({ url }).request({ method: 'GET', path: '/v1/other' }),
    (error) => {
      assert.ok(error instanceof TallyError);
      assert.equal(error.code, 'not_found');
      assert.equal(error.message, 'nothing here');
      assert.deepEqual(error.details, { status: 404, what: 'x' });
      return true;
    },
  );
});

test('error: bad options name the field', () => {
  assert.throws(() => createClient({ url: 'not a url' }), /url: not a valid URL/);
  assert.throws(() => createClient({ url: 'ftp://x' }), /url: expected http: or https:/);
  assert.throws(
    () => watchEvents(createClient({ url }), { onEvent: () => {} }),
    (error) => error instanceof TallyError && error.code === 'websocket_unavailable',
  );
});
