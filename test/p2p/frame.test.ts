// Frame encoding and the stream decoder: any chunking of the byte stream gives back the same frames,
// and a bad length stops the stream with a reason. Also the relations between the network's limits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cborBytesMax } from '../../src/codec/index.ts';
import { encodeFrames, FrameDecoder } from '../../src/p2p/frame.ts';
import {
  backoffMsBase,
  backoffMsMax,
  frameBytesMax,
  frameHeaderBytes,
  helloBytesMax,
  sendQueueBytesMaxDefault,
} from '../../src/p2p/limits.ts';
import { writeBatchBytesMax } from '../../src/p2p/peer.ts';

const payloadArb = fc.uint8Array({ minLength: 1, maxLength: 300 });

/** Splits `bytes` at the given cut points (taken modulo its length, deduplicated). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  return chunks;
}

function decodeAll(chunks: readonly Uint8Array[], decoder = new FrameDecoder()): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (const chunk of chunks) {
    const error = decoder.push(chunk, (f) => frames.push(Uint8Array.from(f)));
    assert.equal(error, undefined);
  }
  assert.equal(decoder.pendingBytes, 0);
  return frames;
}

describe('p2p frames', () => {
  it('decodes frames split at arbitrary chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(payloadArb, { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (payloads, cuts) => {
          const stream = encodeFrames(payloads);
          const frames = decodeAll(split(stream, cuts));
          assert.deepEqual(
            frames,
            payloads.map((p) => Uint8Array.from(p)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes a stream delivered one byte at a time', () => {
    const payloads = [Uint8Array.of(1), new Uint8Array(1000).fill(9), Uint8Array.of(2, 3)];
    const stream = encodeFrames(payloads);
    const chunks = [...stream].map((b) => Uint8Array.of(b));
    assert.deepEqual(decodeAll(chunks), payloads);
  });

  it('decodes many frames coalesced into one chunk', () => {
    const payloads = Array.from({ length: 500 }, (_, i) => Uint8Array.of(i & 0xff, i >> 8));
    assert.deepEqual(decodeAll([encodeFrames(payloads)]), payloads);
  });

  it('writes a 4-byte big-endian length before each payload', () => {
    assert.deepEqual(
      [...encodeFrames([Uint8Array.of(0xaa), Uint8Array.of(1, 2, 3)])],
      [0, 0, 0, 1, 0xaa, 0, 0, 0, 3, 1, 2, 3],
    );
  });

  it('error: a length above the limit stops the stream as soon as the header arrives', () => {
    const decoder = new FrameDecoder(100);
    const frames: Uint8Array[] = [];
    const ok = encodeFrames([new Uint8Array(100)]);
    assert.equal(
      decoder.push(ok, (f) => frames.push(f)),
      undefined,
    );
    assert.equal(frames.length, 1);
    assert.equal(
      decoder.push(Uint8Array.of(0, 0, 0), () => {}),
      undefined,
    );
    assert.equal(
      decoder.push(Uint8Array.of(101), () => assert.fail('no frame')),
      'frame_too_large',
    );
    // Sticky: nothing after a bad header is ever delivered.
    assert.equal(
      decoder.push(encodeFrames([Uint8Array.of(1)]), () => assert.fail()),
      'frame_too_large',
    );
    assert.equal(decoder.pendingBytes, 0);
  });

  it('error: a zero length stops the stream', () => {
    const decoder = new FrameDecoder();
    assert.equal(
      decoder.push(Uint8Array.of(0, 0, 0, 0, 5), () => assert.fail()),
      'frame_empty',
    );
  });

  it('refuses an oversized header anywhere in a stream split at random points', () => {
    fc.assert(
      fc.property(
        fc.array(payloadArb, { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (payloads, cuts) => {
          const bad = Buffer.alloc(4);
          bad.writeUInt32BE(301);
          const stream = Buffer.concat([encodeFrames(payloads), bad]);
          const decoder = new FrameDecoder(300);
          let delivered = 0;
          let error: string | undefined;
          for (const chunk of split(stream, cuts)) {
            error = decoder.push(chunk, () => delivered++) ?? error;
          }
          assert.equal(error, 'frame_too_large');
          assert.equal(delivered, payloads.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps its limits in the right relation to each other', () => {
    assert.ok(frameBytesMax > cborBytesMax, 'a frame holds the largest canonical value');
    assert.ok(frameBytesMax < 2 ** 32, 'the length fits the 4-byte prefix');
    assert.ok(
      sendQueueBytesMaxDefault >= frameBytesMax + frameHeaderBytes,
      'a queue holds a frame',
    );
    assert.ok(helloBytesMax < frameBytesMax);
    assert.ok(writeBatchBytesMax < sendQueueBytesMaxDefault);
    assert.ok(backoffMsBase > 0 && backoffMsBase <= backoffMsMax);
  });
});
