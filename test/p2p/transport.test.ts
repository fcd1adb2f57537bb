// Transports over real TLS on 127.0.0.1: frames between two and three nodes, one connection per
// pair, reconnection after a restart, and a clean close.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { keepNewConnection } from '../../src/p2p/tie-break.ts';
import { createTransport, type Transport } from '../../src/p2p/transport.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { createPki, isUp, type Pki, startNode, type TestNode, waitTimeoutMs } from './fixtures.ts';

const text = (m: { from: string; payload: Uint8Array }): [string, string] => [
  m.from,
  Buffer.from(m.payload).toString('utf8'),
];

describe('p2p transport', () => {
  let pki: Pki;
  const running: TestNode[] = [];

  before(() => {
    pki = createPki({ acme: ['n1', 'n2'], bravo: ['n3'] });
  });

  after(async () => {
    await Promise.all(running.map((n) => n.transport.close()));
  });

  async function start(nodeId: string, options: Parameters<typeof startNode>[2] = {}) {
    const node = await startNode(pki, nodeId, options);
    running.push(node);
    return node;
  }

  it('exchanges frames between two nodes in both directions', async () => {
    const a = await start('n1');
    const b = await start('n2', { peers: [a.address] });
    await a.recorder.waitFor('n2 up at n1', isUp(a.recorder, 'n2'));
    await b.recorder.waitFor('n1 up at n2', isUp(b.recorder, 'n1'));
    assert.equal(a.transport.send('n2', utf8('ping')), true);
    assert.equal(b.transport.send('n1', utf8('pong')), true);
    await b.recorder.waitFor('ping', () => b.recorder.messages.length === 1);
    await a.recorder.waitFor('pong', () => a.recorder.messages.length === 1);
    assert.deepEqual(b.recorder.messages.map(text), [['n1', 'ping']]);
    assert.deepEqual(a.recorder.messages.map(text), [['n2', 'pong']]);
    assert.deepEqual(
      a.transport.peers().map((p) => [p.nodeId, p.orgId, p.direction]),
      [['n2', 'acme', 'inbound']],
    );
    await Promise.all([a.transport.close(), b.transport.close()]);
    assert.deepEqual(a.transport.peers(), []);
    assert.equal(a.transport.send('n2', utf8('late')), false);
  });

  it('connects three nodes that all dial each other, one connection per pair', async () => {
    const nodes = await Promise.all(['n1', 'n2', 'n3'].map((id) => start(id)));
    for (const node of nodes) {
      for (const other of nodes) if (other !== node) node.transport.addPeer(other.address);
    }
    const [n1] = nodes;
    await n1!.recorder.waitFor('a settled mesh', () =>
      isSettledMesh(nodes.map((n) => n.transport)),
    );
    for (const node of nodes) {
      assert.equal(node.transport.broadcast(utf8(`hello from ${node.nodeId}`)), 2);
    }
    for (const node of nodes) {
      await node.recorder.waitFor('two greetings', () => node.recorder.messages.length === 2);
      const got = node.recorder.messages.map(text).sort();
      const others = nodes
        .filter((n) => n !== node)
        .map((n) => [n.nodeId, `hello from ${n.nodeId}`]);
      assert.deepEqual(got, others);
    }
    await Promise.all(nodes.map((n) => n.transport.close()));
  });

  it('keeps the same connection at both ends of a duplicate pair', () => {
    const directions = ['inbound', 'outbound'] as const;
    for (const [self, peer] of [
      ['n1', 'n2'],
      ['n2', 'n1'],
    ] as const) {
      for (const existing of directions) {
        for (const incoming of directions) {
          const here = keepNewConnection(self, peer, existing, incoming);
          const flip = (d: 'inbound' | 'outbound') => (d === 'inbound' ? 'outbound' : 'inbound');
          const there = keepNewConnection(peer, self, flip(existing), flip(incoming));
          assert.equal(here, there, `${self}/${peer} existing ${existing} incoming ${incoming}`);
        }
      }
    }
    // Simultaneous dials: the connection n1 (the lower id) started wins at both ends.
    assert.equal(keepNewConnection('n1', 'n2', 'inbound', 'outbound'), true);
    assert.equal(keepNewConnection('n1', 'n2', 'outbound', 'inbound'), false);
    // A redial from the same side replaces the stale connection.
    assert.equal(keepNewConnection('n2', 'n1', 'inbound', 'inbound'), true);
  });

  it('reconnects to a peer that stopped and restarted, with backoff', async () => {
    const backoff = { baseMs: 20, maxMs: 200 };
    const first = await startNode(pki, 'n1');
    const dialer = await start('n2', { peers: [first.address], backoff });
    await dialer.recorder.waitFor('n1 up', isUp(dialer.recorder, 'n1'));
    await first.transport.close();
    await dialer.recorder.waitFor('n1 down', () => !isUp(dialer.recorder, 'n1')());
    const failures = () => dialer.recorder.logs.filter((l) => l.message === 'dial failed').length;
    await dialer.recorder.waitFor('three failed redials', () => failures() >= 3);
    const restarted = await start('n1', { port: first.address.port });
    await dialer.recorder.waitFor('n1 up again', isUp(dialer.recorder, 'n1'));
    assert.deepEqual(
      dialer.recorder.events.map((e) => `${e.type} ${e.nodeId}`),
      ['up n1', 'down n1', 'up n1'],
    );
    assert.equal(dialer.transport.send('n1', utf8('back')), true);
    await restarted.recorder.waitFor('message', () => restarted.recorder.messages.length === 1);
    assert.deepEqual(restarted.recorder.messages.map(text), [['n2', 'back']]);
  });

  it('error: options every peer would refuse fail at construction', () => {
    const n1 = pki.nodes.n1!;
    const base = {
      chainId: 'tally-test',
      nodeId: 'n1',
      certPem: n1.certPem,
      keyPem: n1.keyPem,
      orgCaPems: pki.orgCaPems,
      isAllowedPeer: () => true,
    };
    const deps = { random: () => 0.5 };
    assert.throws(
      () => createTransport({ ...base, nodeId: 'n2' }, deps),
      /^RangeError: certPem: names node n1, not n2/,
    );
    assert.throws(
      () => createTransport({ ...base, orgCaPems: { bravo: pki.orgCaPems.bravo! } }, deps),
      /^RangeError: certPem: refused by the consortium's rules \(unknown_org\)/,
    );
    assert.throws(
      () => createTransport({ ...base, frameBytesMax: 1024, sendQueueBytesMax: 1024 }, deps),
      /^RangeError: sendQueueBytesMax: /,
    );
  });

  it('close() leaves no open handles: the process exits by itself', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'close-child.ts')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), waitTimeoutMs);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.equal(code, 0, output);
    assert.match(output, /exchanged and closed/);
  });
});

/** Every node has every other as a peer, directions agree, and no socket is left in flight. */
function isSettledMesh(transports: readonly Transport[]): boolean {
  const n = transports.length;
  for (const t of transports) {
    const stats = t.stats();
    if (stats.peers !== n - 1 || stats.connections !== n - 1 || stats.sockets !== n - 1)
      return false;
  }
  return true;
}
