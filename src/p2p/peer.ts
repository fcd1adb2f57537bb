// One authenticated TLS connection to a peer: hello exchange, frame decoding, and a bounded send
// queue whose frames are gathered into one socket write per tick (coalesced) and held while the
// socket waits for 'drain' (backpressure reaches the caller as send() returning false).
import type { TLSSocket } from 'node:tls';
import { assert } from '../util/assert.ts';
import { encodeFrames, FrameDecoder } from './frame.ts';
import { decodeHello, encodeHello, type Hello, helloVersion } from './hello.ts';
import { frameHeaderBytes, helloBytesMax } from './limits.ts';
import type { PeerIdentity } from './pki.ts';

/** Largest buffer handed to the socket in one write; bigger queues go out over several writes. */
export const writeBatchBytesMax = 1024 * 1024;

export type Direction = 'inbound' | 'outbound';

export type PeerConnectionOptions = {
  readonly chainId: string;
  readonly nodeId: string;
  readonly identity: PeerIdentity;
  readonly direction: Direction;
  readonly frameBytesMax: number;
  readonly sendQueueBytesMax: number;
  readonly helloTimeoutMs: number;
};

export type PeerConnectionHandlers = {
  readonly onOpen: (conn: PeerConnection) => void;
  readonly onFrame: (conn: PeerConnection, payload: Uint8Array) => void;
  readonly onClose: (conn: PeerConnection, reason: string) => void;
};

type State = 'hello' | 'open' | 'closed';

export class PeerConnection {
  readonly identity: PeerIdentity;
  readonly direction: Direction;
  private readonly socket: TLSSocket;
  private readonly options: PeerConnectionOptions;
  private readonly handlers: PeerConnectionHandlers;
  private readonly decoder: FrameDecoder;
  private state: State = 'hello';
  private queue: Uint8Array[] = [];
  private queued = 0;
  private flushScheduled = false;
  private awaitingDrain = false;
  private helloTimer: NodeJS.Timeout | undefined;

  constructor(socket: TLSSocket, options: PeerConnectionOptions, handlers: PeerConnectionHandlers) {
    assert(
      options.sendQueueBytesMax >= options.frameBytesMax + frameHeaderBytes,
      'queue fits a frame',
    );
    assert(options.frameBytesMax >= helloBytesMax, 'frames fit a hello');
    this.socket = socket;
    this.options = options;
    this.handlers = handlers;
    this.identity = options.identity;
    this.direction = options.direction;
    // Until the peer has said hello, a frame larger than a hello is refused unread.
    this.decoder = new FrameDecoder(helloBytesMax);
  }

  /** Sends our hello and starts reading; the connection opens once the peer's hello checks out. */
  start(): void {
    assert(this.state === 'hello', 'start once');
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('drain', () => this.onDrain());
    this.socket.on('close', () => this.close('socket_closed'));
    this.socket.on('error', (error: Error) => this.close(`socket_error: ${error.message}`));
    // Frames are already gathered into one write per tick. With Nagle's algorithm on as well, a small
    // write behind one the peer has not acknowledged yet waited for its delayed ACK: a proposal sent
    // 25 ms after a QC reached the other validators about 40 ms late (measured on loopback).
    this.socket.setNoDelay(true);
    this.helloTimer = setTimeout(() => this.close('hello_timeout'), this.options.helloTimeoutMs);
    this.socket.write(encodeFrames([encodeHello(this.options.chainId, this.options.nodeId)]));
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Bytes queued here and not yet handed to the socket (at most sendQueueBytesMax). */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Bytes the socket holds that the kernel has not taken yet. */
  get socketBufferedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Queues one frame. False when the connection is not open or the queue would pass its bound: the
   * caller drops the message or waits. The payload is read at flush time: do not reuse it.
   */
  send(payload: Uint8Array): boolean {
    if (payload.length === 0 || payload.length > this.options.frameBytesMax) {
      throw new RangeError(`payload: expected 1..${this.options.frameBytesMax} bytes`);
    }
    if (this.state !== 'open') return false;
    const cost = frameHeaderBytes + payload.length;
    if (this.queued + cost > this.options.sendQueueBytesMax) return false;
    this.queue.push(payload);
    this.queued += cost;
    this.scheduleFlush();
    assert(this.queued <= this.options.sendQueueBytesMax, 'send queue within its bound');
    return true;
  }

  /** Closes once; the reason is reported to onClose (and logged by the transport). */
  close(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    this.queue = [];
    this.queued = 0;
    this.socket.destroy();
    this.handlers.onClose(this, reason);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.awaitingDrain) return;
    this.flushScheduled = true;
    // Everything sent in this tick leaves in one write: fewer syscalls and TLS records.
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.state === 'open' && !this.awaitingDrain && this.queue.length > 0) {
      let count = 0;
      let bytes = 0;
      while (count < this.queue.length && (count === 0 || bytes < writeBatchBytesMax)) {
        bytes += frameHeaderBytes + this.queue[count]!.length;
        count++;
      }
      const batch = this.queue.splice(0, count);
      this.queued -= bytes;
      assert(this.queued >= 0, 'queued bytes never negative');
      if (!this.socket.write(encodeFrames(batch))) this.awaitingDrain = true;
    }
  }

  private onDrain(): void {
    this.awaitingDrain = false;
    this.flush();
  }

  private onData(chunk: Buffer): void {
    const error = this.decoder.push(chunk, (payload) => this.onFrame(payload));
    if (error !== undefined) this.close(error);
  }

  private onFrame(payload: Uint8Array): void {
    if (this.state === 'open') {
      this.handlers.onFrame(this, payload);
      return;
    }
    if (this.state === 'closed') return;
    const refusal = this.checkHello(decodeHello(payload));
    if (refusal !== undefined) {
      this.close(refusal);
      return;
    }
    clearTimeout(this.helloTimer);
    this.decoder.setPayloadBytesMax(this.options.frameBytesMax);
    this.state = 'open';
    this.handlers.onOpen(this);
  }

  private checkHello(hello: Hello | undefined): string | undefined {
    if (hello === undefined) return 'bad_hello';
    if (hello.version !== helloVersion) return 'wrong_version';
    if (hello.chainId !== this.options.chainId) return 'wrong_chain';
    // The hello must agree with the certificate: the certificate is what TLS authenticated.
    if (hello.nodeId !== this.identity.nodeId) return 'hello_node_mismatch';
    return undefined;
  }
}
