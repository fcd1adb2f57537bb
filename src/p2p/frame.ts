// Length-prefixed frames on a byte stream: a 4-byte big-endian payload length, then the payload.
// The decoder takes TCP's arbitrary chunking (partial and coalesced reads) and refuses a bad length
// as soon as the 4 header bytes arrive, before buffering any of the payload.
import { assert } from '../util/assert.ts';
import { frameBytesMax, frameHeaderBytes } from './limits.ts';

export type FrameError = 'frame_empty' | 'frame_too_large';

/** One buffer holding every payload, each behind its length prefix: one socket write per batch. */
export function encodeFrames(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const p of payloads) total += frameHeaderBytes + p.length;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const p of payloads) {
    assert(p.length > 0 && p.length <= 0xffffffff, 'frame payload length fits the prefix');
    out.writeUInt32BE(p.length, offset);
    out.set(p, offset + frameHeaderBytes);
    offset += frameHeaderBytes + p.length;
  }
  assert(offset === total, 'frames filled the buffer exactly');
  return out;
}

export class FrameDecoder {
  private payloadBytesMax: number;
  private chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already consumed: cheaper than re-slicing it for every frame. */
  private offset = 0;
  private bufferedBytes = 0;
  /** Payload length of the frame being read, or -1 while its header is still incomplete. */
  private expectedBytes = -1;
  private failed: FrameError | undefined;

  constructor(payloadBytesMax = frameBytesMax) {
    this.payloadBytesMax = checkPayloadBytesMax(payloadBytesMax);
  }

  /** Changes the bound for frames whose header has not been read yet (raised after the hello). */
  setPayloadBytesMax(payloadBytesMax: number): void {
    this.payloadBytesMax = checkPayloadBytesMax(payloadBytesMax);
  }

  /** Bytes received but not yet delivered as a frame. */
  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  /**
   * Feeds one chunk; calls `onFrame` for each frame it completes, in order. Returns the error that
   * stops the stream (every later push returns it again), or undefined.
   */
  push(chunk: Uint8Array, onFrame: (payload: Uint8Array) => void): FrameError | undefined {
    if (this.failed !== undefined) return this.failed;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.length;
    }
    for (;;) {
      if (this.expectedBytes < 0) {
        if (this.bufferedBytes < frameHeaderBytes) return undefined;
        const length = this.takeLength();
        if (length === 0) return this.fail('frame_empty');
        if (length > this.payloadBytesMax) return this.fail('frame_too_large');
        this.expectedBytes = length;
      }
      if (this.bufferedBytes < this.expectedBytes) return undefined;
      const payload = this.take(this.expectedBytes);
      this.expectedBytes = -1;
      onFrame(payload);
    }
  }

  private fail(error: FrameError): FrameError {
    this.failed = error;
    this.chunks = [];
    this.offset = 0;
    this.bufferedBytes = 0;
    return error;
  }

  /** Reads the 4-byte prefix, in place when the first chunk holds it (the hot path). */
  private takeLength(): number {
    const first = this.chunks[0]!;
    const at = this.offset;
    if (first.length - at < frameHeaderBytes) {
      const header = this.take(frameHeaderBytes);
      return ((header[0]! << 24) | (header[1]! << 16) | (header[2]! << 8) | header[3]!) >>> 0;
    }
    const length =
      ((first[at]! << 24) | (first[at + 1]! << 16) | (first[at + 2]! << 8) | first[at + 3]!) >>> 0;
    this.advance(first, frameHeaderBytes);
    return length;
  }

  /** Removes the first `n` buffered bytes; copies only when they span chunks. */
  private take(n: number): Uint8Array {
    assert(n > 0 && n <= this.bufferedBytes, 'take within the buffered bytes');
    const first = this.chunks[0]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(first, n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0]!;
      const part = Math.min(head.length - this.offset, n - filled);
      out.set(head.subarray(this.offset, this.offset + part), filled);
      filled += part;
      this.advance(head, part);
    }
    assert(filled === n, 'took exactly n bytes');
    return out;
  }

  private advance(head: Uint8Array, n: number): void {
    this.offset += n;
    this.bufferedBytes -= n;
    if (this.offset === head.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}

function checkPayloadBytesMax(n: number): number {
  assert(Number.isInteger(n) && n > 0, 'payloadBytesMax positive');
  assert(n <= 0xffffffff, 'payloadBytesMax fits the 4-byte prefix');
  return n;
}
