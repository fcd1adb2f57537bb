// Hostile clients and peers against a real two-validator network: random JSON, wrong types, bad
// auth, oversize bodies and replayed transactions at every endpoint of docs/api.md (coded 4xx, never
// a 5xx), a slowloris client on the API port, and on the p2p port a TLS peer with a foreign
// certificate and a member sending junk and oversized frames. The node must keep serving.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import fc from 'fast-check';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { encodeFrames } from '../../src/p2p/frame.ts';
import { encodeHello } from '../../src/p2p/hello.ts';
import { frameHeaderBytes } from '../../src/p2p/limits.ts';
import { createOrgCa, issueNodeCertificate } from '../../src/p2p/pki.ts';
import { toHex } from '../../src/util/bytes.ts';
import { call } from '../api/client.ts';
import { eventually, getJson, heightOf, TestNetwork, waitHeight } from '../e2e/harness.ts';

const runsPerEndpoint = 15;
const codePattern = /^[a-z][a-z0-9_]*$/;
const hex32 = 'ab'.repeat(32);
const hex16 = 'cd'.repeat(16);

/** Every endpoint of docs/api.md, with a well-formed path to start from. */
const endpoints: readonly { method: 'GET' | 'POST'; path: string }[] = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/ready' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/v1/status' },
  { method: 'GET', path: '/v1/validators' },
  { method: 'GET', path: '/v1/epochs' },
  { method: 'GET', path: '/v1/blocks/latest' },
  { method: 'GET', path: '/v1/blocks/1' },
  { method: 'GET', path: `/v1/txs/${hex32}` },
  { method: 'GET', path: `/v1/accounts/${hex16}` },
  { method: 'GET', path: '/v1/currencies/HKD' },
  { method: 'GET', path: `/v1/state/${hex32}` },
  { method: 'GET', path: '/v1/events' },
  { method: 'GET', path: '/v1/orgs' },
  { method: 'GET', path: '/v1/remittance/corridors/hk-ph' },
  { method: 'GET', path: `/v1/remittances/${hex16}` },
  { method: 'GET', path: '/v1/remittances' },
  { method: 'GET', path: `/v1/remittances/${hex16}/pacs002` },
  { method: 'GET', path: `/v1/statements/${hex16}` },
  { method: 'GET', path: '/v1/positions/2026-01-01' },
  { method: 'POST', path: '/v1/txs' },
  { method: 'POST', path: '/v1/fx/quotes' },
  { method: 'POST', path: '/v1/remittances' },
  { method: 'POST', path: `/v1/remittances/${hex16}/accept` },
  { method: 'POST', path: `/v1/remittances/${hex16}/reject` },
  { method: 'POST', path: `/v1/remittances/${hex16}/review` },
  { method: 'POST', path: '/v1/iso20022/pacs008' },
  { method: 'GET', path: '/v1/evidence' },
  { method: 'GET', path: '/v1/orgs/hk-wallet/keys' },
  { method: 'GET', path: '/v1/remittance/corridors' },
  { method: 'GET', path: '/v1/governance/proposals' },
  { method: 'GET', path: '/v1/governance/proposals/1' },
];

/** Does one of the endpoints above stand for this route of the OpenAPI document? */
function covered(method: string, template: string): boolean {
  const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return endpoints.some((e) => e.method === method && pattern.test(e.path));
}

/** A path segment or query made hostile: random text, huge numbers, traversal, odd encodings. */
const hostileSegment = fc.oneof(
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.constantFrom('-1', '1e309', '99999999999999999999', '..%2F..', '%00', '%ff', 'null', ''),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 130 }),
);

/** JSON bodies of every shape, and shapes close to the real ones with wrong types. */
const hostileBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ txs: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 5 })) }),
  fc.record({
    id: fc.jsonValue(),
    corridor: fc.jsonValue(),
    quote: fc.jsonValue(),
    sendCurrency: fc.jsonValue(),
    receiveCurrency: fc.jsonValue(),
    sendAmount: fc.jsonValue(),
    reason: fc.jsonValue(),
    decision: fc.jsonValue(),
    wait: fc.constant(false),
  }),
);

type Answer = { status: number; body: unknown };

/** A line for an answer that breaks the contract: any 5xx, or a 4xx without a snake_case code. */
function breach(what: string, answer: Answer): string | undefined {
  if (answer.status >= 500 && answer.status !== 503)
    return `${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
  if (answer.status < 400) return undefined;
  const code = (answer.body as { error?: { code?: unknown } } | null)?.error?.code;
  if (typeof code !== 'string' || !codePattern.test(code))
    return `${what}: ${answer.status} without a coded error: ${JSON.stringify(answer.body).slice(0, 300)}`;
  return undefined;
}

describe('hostile clients and peers', { timeout: 240_000 }, () => {
  let net: TestNetwork;
  let url: string;
  let reader: KeyPair;
  const workload = new BankWorkload({
    chainId: 'tally-e2e',
    accounts: 2,
    users: 1,
    expiresAtMs: Date.now() + 5 * 60_000,
  });

  before(async () => {
    net = await TestNetwork.create(2, {
      extraKeys: { orgIndex: 0, keys: [workload.issuer, ...workload.users] },
    });
    net.startAll();
    await net.waitAllReady(60_000);
    url = net.nodes[0]!.apiUrl;
    reader = net.clientKey(0);
  });

  after(async () => {
    await net?.close();
  });

  async function assertServing(): Promise<void> {
    const { status, body } = await getJson(`${url}/health`);
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    const h = await heightOf(url);
    await waitHeight(url, h + 1); // and it still commits blocks with its peer
  }

  it('covers every route the node documents', async () => {
    const doc = (await call(url, undefined, 'GET', '/docs/json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const missing = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), path] as const))
      .filter(([method, path]) => !covered(method, path))
      .map(([method, path]) => `${method} ${path}`);
    assert.deepEqual(missing, [], 'routes the hostile inputs never reach');
  });

  it('answers random paths, queries and bodies at every endpoint with coded 4xx, never a 5xx', async () => {
    const breaches: string[] = [];
    for (const e of endpoints) {
      await fc.assert(
        fc.asyncProperty(
          hostileSegment,
          hostileSegment,
          hostileBody,
          fc.boolean(),
          async (seg, q, body, signed) => {
            const base = e.path
              .replace(/[0-9a-f]{32,}$|\/1$|HKD$|hk-ph$|2026-01-01$/, `/${seg}`)
              .replace('//', '/');
            const path = `${base}?x=${q}`;
            for (const p of [path, e.path]) {
              const answer = await call(
                url,
                signed ? reader : undefined,
                e.method,
                p,
                e.method === 'POST' ? body : undefined,
              );
              const line = breach(
                `${e.method} ${p} ${e.method === 'POST' ? JSON.stringify(body).slice(0, 120) : ''}`,
                answer,
              );
              if (line !== undefined) breaches.push(line);
            }
          },
        ),
        { numRuns: runsPerEndpoint },
      );
    }
    assert.deepEqual(breaches.slice(0, 10), [], `${breaches.length} contract breaches`);
    await assertServing();
  });

  // Both were 500 / an uncoded 400 until the suite found them.
  it('answers a height past 2^53 and a bad percent-encoding with coded 400s', async () => {
    const huge = await call(url, undefined, 'GET', '/v1/blocks/99999999999999999999');
    assert.equal(breach('GET /v1/blocks/99999999999999999999', huge), undefined);
    const infinite = await call(url, undefined, 'GET', '/v1/blocks/1e309');
    assert.equal(breach('GET /v1/blocks/1e309', infinite), undefined);
    const badEncoding = await call(url, reader, 'GET', '/v1/txs/%ff');
    assert.equal(breach('GET /v1/txs/%ff', badEncoding), undefined);
  });

  it('refuses bad authorization with 401 unauthenticated and its reason', async () => {
    const headers = [
      'Tally',
      'Tally key=zz, ts=1, sig=00',
      `Tally key=${toHex(reader.publicKey)}, ts=${Date.now()}, sig=${'00'.repeat(64)}`,
      `Tally key=${toHex(reader.publicKey)}, ts=1, sig=${'00'.repeat(64)}`,
      `Tally key=${'11'.repeat(32)}, ts=${Date.now()}, sig=${'00'.repeat(64)}`,
      'x'.repeat(10_000),
    ];
    for (const authorization of headers) {
      const res = await fetch(`${url}/v1/txs/${hex32}`, { headers: { authorization } });
      const body = (await res.json()) as { error: { code: string; details: { reason?: string } } };
      assert.equal(res.status, 401, authorization.slice(0, 60));
      assert.equal(body.error.code, 'unauthenticated');
      assert.equal(typeof body.error.details.reason, 'string');
    }
  });

  it('refuses an oversize body with 413 payload_too_large, and keeps serving', async () => {
    // 10 MiB, over the 8 MiB limit; the node answers from the length, before the body arrives.
    const big = JSON.stringify({ txs: ['00'.repeat(5 * 2 ** 20)] });
    const answer = await postRaw(url, '/v1/txs', big);
    assert.equal(answer.status, 413);
    assert.equal(
      (JSON.parse(answer.text) as { error: { code: string } }).error.code,
      'payload_too_large',
    );
    await assertServing();
  });

  it('refuses a replayed transaction once it is final, and executes it once', async () => {
    const [registers] = workload.setupPhases();
    const tx = registers![0]!;
    const submit = () => call(url, reader, 'POST', '/v1/txs', { txs: [toHex(tx.bytes)] });
    const first = await submit();
    assert.equal(first.status, 200);
    assert.equal((first.body as { results: { status: string }[] }).results[0]?.status, 'admitted');
    const id = toHex(tx.id);
    const final = await eventually(
      async () => {
        const { body } = await call(url, reader, 'GET', `/v1/txs/${id}`);
        return (body as { status: string }).status === 'final'
          ? (body as { height: number })
          : undefined;
      },
      30_000,
      'the transaction to be final',
    );
    // Final on the first node; the second refuses it as final once it has executed that block too.
    await waitHeight(net.nodes[1]!.apiUrl, final.height);
    for (const replay of [
      await submit(),
      await call(net.nodes[1]!.apiUrl, reader, 'POST', '/v1/txs', { txs: [toHex(tx.bytes)] }),
    ]) {
      assert.equal(replay.status, 200);
      const [result] = (replay.body as { results: { status: string; code?: string }[] }).results;
      assert.equal(result?.status, 'rejected', JSON.stringify(result));
      assert.match(result?.code ?? '', codePattern);
    }
    const h = await heightOf(url);
    await waitHeight(url, h + 2);
    const { body } = await call(url, reader, 'GET', `/v1/txs/${id}`);
    assert.equal(
      (body as { height: number }).height,
      final.height,
      'still final at its first height',
    );
  });

  it('keeps serving others while slowloris clients hold connections open', async () => {
    const port = Number(new URL(url).port);
    const slow = Array.from({ length: 40 }, () => connectTcp(port, '127.0.0.1'));
    for (const s of slow) {
      s.on('error', () => {});
      s.write('GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    }
    const drip = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write('X-Slow: 1\r\n');
    }, 200);
    try {
      for (let i = 0; i < 5; i++) await assertServing();
    } finally {
      clearInterval(drip);
      for (const s of slow) s.destroy();
    }
  });

  it('closes a TLS peer whose certificate comes from a foreign CA', async () => {
    const ca = createOrgCa({ orgId: 'mallory', name: 'Mallory CA', validDays: 2 });
    const cert = issueNodeCertificate(ca, {
      orgId: 'mallory',
      nodeId: 'mallory-1',
      hosts: ['127.0.0.1'],
      validDays: 1,
    });
    const port = net.network.nodes[0]!.config.p2p.port;
    const socket = connect({
      host: '127.0.0.1',
      port,
      cert: cert.certPem,
      key: cert.keyPem,
      ca: [ca.certPem],
      minVersion: 'TLSv1.3',
      rejectUnauthorized: false,
    });
    socket.write(encodeFrames([encodeHello('tally-e2e', 'mallory-1')]));
    await closed(socket);
    await assertServing();
  });

  it('drops a member peer that sends junk frames or an oversized frame, and keeps committing', async () => {
    const member = net.network.nodes[1]!;
    const port = net.network.nodes[0]!.config.p2p.port;
    const junk = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), {
      numRuns: 200,
      seed: 7,
    });
    for (const frames of [junk, null]) {
      const socket = await memberSocket(
        member.config.tls,
        net.genesis.organizations.map((o) => o.caCertPem),
        port,
      );
      socket.write(encodeFrames([encodeHello('tally-e2e', member.nodeId)]));
      if (frames === null) {
        const header = Buffer.alloc(frameHeaderBytes);
        header.writeUInt32BE(0xffff_fff0);
        socket.write(header);
        await closed(socket);
      } else {
        socket.write(encodeFrames(frames));
        socket.destroy();
      }
    }
    await assertServing();
  });
});

/** A POST over node:http that sends the first 64 KiB of `body` and waits for the answer. */
function postRaw(
  base: string,
  path: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    // The node may close the connection once it answered: an error after the answer is expected.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.write(body.slice(0, 64 * 1024));
  });
}

function memberSocket(
  tls: { certFile: string; keyFile: string },
  cas: string[],
  port: number,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      cert: readFileSync(tls.certFile, 'utf8'),
      key: readFileSync(tls.keyFile, 'utf8'),
      ca: cas,
      minVersion: 'TLSv1.3',
      checkServerIdentity: () => undefined,
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => resolve(socket));
  });
}

/** Resolves when the node closed the socket (reading and dropping whatever it sent first). */
function closed(socket: TLSSocket): Promise<void> {
  return new Promise((resolve) => {
    socket.on('error', () => resolve());
    socket.resume();
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}
