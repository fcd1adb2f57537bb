// The node's console routes (src/api/console.ts) on a bare fastify: the built app with caching and
// SPA fallback, nothing outside the build folder, the demo keys for loopback callers only, CORS.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../../src/api/console.ts';
import { installErrorHandlers } from '../../src/api/errors.ts';

const genesis = { nodes: [{ api: { host: '127.0.0.1', port: 8081 } }] };

async function consoleApp(dir: string, demoKeysFile?: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandlers(app);
  registerConsole(app, { distDir: join(dir, 'dist'), genesis, demoKeysFile });
  await app.ready();
  return app;
}

describe('console routes', () => {
  let dir: string;
  let app: FastifyInstance;
  let demoApp: FastifyInstance;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tally-console-'));
    mkdirSync(join(dir, 'dist/assets'), { recursive: true });
    writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'dist/assets/index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the build');
    writeFileSync(join(dir, 'keys.json'), '{"keys":[]}');
    app = await consoleApp(dir);
    demoApp = await consoleApp(dir, join(dir, 'keys.json'));
  });

  after(async () => {
    await app.close();
    await demoApp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache', async () => {
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.body, /<title>app/);
  });

  it('serves hashed assets as immutable, with their type', async () => {
    const res = await app.inject({ url: '/assets/index-abc.js' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/javascript/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it("answers the app's page paths with index.html", async () => {
    const res = await app.inject({ url: '/explorer/block/12?x=1' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<title>app/);
  });

  it('error: API paths and missing files are JSON 404s, not the app', async () => {
    for (const url of ['/v1/nothing', '/assets/gone.js', '/favicon.png']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'not_found', url);
    }
  });

  it('error: nothing outside the build folder is served', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await app.inject({ url });
      assert.ok(!res.body.includes('outside the build'), url);
    }
  });

  it('serves demo keys only when configured, to a loopback caller naming a loopback host', async () => {
    assert.equal((await app.inject({ url: '/console/demo-keys.json' })).statusCode, 404);
    const ok = await demoApp.inject({
      url: '/console/demo-keys.json',
      headers: { host: '127.0.0.1:8080' },
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['cache-control'], 'no-store');
    const rebound = await demoApp.inject({
      url: '/console/demo-keys.json',
      headers: { host: 'evil.example:8080' },
    });
    assert.equal(rebound.statusCode, 403);
    const remote = await demoApp.inject({
      url: '/console/demo-keys.json',
      headers: { host: '127.0.0.1:8080' },
      remoteAddress: '10.1.2.3',
    });
    assert.equal(remote.statusCode, 403);
    const crossSite = await demoApp.inject({
      url: '/console/demo-keys.json',
      headers: { host: '127.0.0.1:8080', 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(crossSite.statusCode, 403);
  });

  it("allows CORS from the genesis nodes' consoles only", async () => {
    const member = await app.inject({
      url: '/v1/nothing',
      headers: { origin: 'http://127.0.0.1:8081' },
    });
    assert.equal(member.headers['access-control-allow-origin'], 'http://127.0.0.1:8081');
    const other = await app.inject({
      url: '/v1/nothing',
      headers: { origin: 'http://evil.example' },
    });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/txs',
      headers: { origin: 'http://localhost:8081', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.match(preflight.headers['access-control-allow-headers'] as string, /authorization/);
  });
});
