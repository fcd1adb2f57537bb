// The wire seen from a hand-driven TLS client: bad frame lengths close the connection, and a peer
// that stops reading fills a bounded queue (send returns false) that empties once it reads again.
import assert from 'node:assert/strict';
import { getDefaultHighWaterMark } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { FrameDecoder } from '../../src/p2p/frame.ts';
import { frameBytesMax, frameHeaderBytes, helloBytesMax } from '../../src/p2p/limits.ts';
import { writeBatchBytesMax } from '../../src/p2p/peer.ts';
import {
  chainId,
  connectRaw,
  createPki,
  isUp,
  type Pki,
  startNode,
  type TestNode,
  waitForClose,
} from './fixtures.ts';

function lengthPrefix(length: number): Buffer {
  const header = Buffer.alloc(frameHeaderBytes);
  header.writeUInt32BE(length);
  return header;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('p2p wire', () => {
  let pki: Pki;
  const running: TestNode[] = [];
  const sockets: TLSSocket[] = [];

  before(() => {
    pki = createPki({ acme: ['n1', 'n2'] });
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(running.map((n) => n.transport.close()));
  });

  async function start(nodeId: string, options: Parameters<typeof startNode>[2] = {}) {
    const node = await startNode(pki, nodeId, options);
    running.push(node);
    return node;
  }

  async function connectN2(port: number, hello: boolean): Promise<TLSSocket> {
    const socket = await connectRaw(
      pki.nodes.n2!,
      pki.orgCaPems,
      port,
      hello ? { chainId } : undefined,
    );
    sockets.push(socket);
    return socket;
  }

  for (const [name, length, reason] of [
    ['an oversized frame', frameBytesMax + 1, 'frame_too_large'],
    ['a zero-length frame', 0, 'frame_empty'],
  ] as const) {
    it(`closes the connection on ${name}`, async () => {
      const n1 = await start('n1');
      const raw = await connectN2(n1.address.port, true);
      await n1.recorder.waitFor('n2 up', isUp(n1.recorder, 'n2'));
      raw.write(lengthPrefix(length));
      await waitForClose(raw);
      await n1.recorder.waitFor('n2 down', () => n1.recorder.events.length === 2);
      assert.equal(n1.recorder.events[1]!.type, 'down');
      assert.equal(n1.recorder.events[1]!.reason, reason);
      await n1.transport.close();
    });
  }

  it('refuses a frame larger than a hello before the hello', async () => {
    const n1 = await start('n1');
    const raw = await connectN2(n1.address.port, false);
    raw.write(lengthPrefix(helloBytesMax + 1));
    await waitForClose(raw);
    await n1.recorder.waitFor('a refusal', () =>
      n1.recorder.refusals().some((l) => l.fields.reason === 'frame_too_large'),
    );
    assert.deepEqual(n1.recorder.events, []);
    await n1.transport.close();
  });

  it('throws on an empty or oversized payload (a caller bug)', async () => {
    const n1 = await start('n1', { frameBytesMax: 1024, sendQueueBytesMax: 4096 });
    const raw = await connectN2(n1.address.port, true);
    await n1.recorder.waitFor('n2 up', isUp(n1.recorder, 'n2'));
    assert.throws(() => n1.transport.send('n2', new Uint8Array(0)), /payload: expected 1\.\.1024/);
    assert.throws(() => n1.transport.send('n2', new Uint8Array(1025)), RangeError);
    assert.equal(n1.transport.send('n2', new Uint8Array(1024)), true);
    assert.equal(n1.transport.send('nobody', new Uint8Array(1)), false);
    raw.destroy();
    await n1.transport.close();
  });

  it('bounds the send queue of a peer that stops reading, then drains it', async () => {
    const sendQueueBytesMax = 1024 * 1024;
    const frameBytes = 64 * 1024;
    const n1 = await start('n1', { sendQueueBytesMax, frameBytesMax: frameBytes });
    const raw = await connectN2(n1.address.port, true);
    raw.pause(); // reads nothing from here on: the kernel buffers fill, then the socket's, then ours
    await n1.recorder.waitFor('n2 up', isUp(n1.recorder, 'n2'));
    const payload = new Uint8Array(frameBytes).fill(7);
    // The socket holds at most what it had below its high-water mark plus one write batch.
    const socketBytesMax = getDefaultHighWaterMark(false) + writeBatchBytesMax + frameBytes;
    let accepted = 0;
    let refused = 0;
    let idleRounds = 0;
    for (let round = 0; idleRounds < 50; round++) {
      assert.ok(round < 5000, 'the queue never stopped taking frames');
      let acceptedThisRound = 0;
      while (n1.transport.send('n2', payload)) acceptedThisRound++;
      refused++;
      accepted += acceptedThisRound;
      idleRounds = acceptedThisRound === 0 ? idleRounds + 1 : 0;
      const [peer] = n1.transport.peers();
      assert.ok(peer !== undefined && peer.queuedBytes <= sendQueueBytesMax, 'queue within bound');
      assert.ok(peer.socketBufferedBytes <= socketBytesMax, 'socket buffer within bound');
      await nextTurn();
    }
    assert.equal(n1.transport.broadcast(payload), 0);
    assert.ok(refused > 0 && accepted > 0);

    // Reading again: every accepted frame arrives, after n1's hello, and the queue empties.
    let frames = 0;
    const decoder = new FrameDecoder();
    raw.on('data', (chunk: Buffer) => {
      decoder.push(chunk, () => frames++);
    });
    raw.resume();
    await n1.recorder.waitFor('all frames delivered', () => frames === accepted + 1);
    assert.equal(n1.transport.peers()[0]!.queuedBytes, 0);
    assert.equal(n1.transport.send('n2', payload), true);
    raw.destroy();
    await n1.transport.close();
  });
});
