// GET /v1/events (WebSocket): executed blocks and receipts in cursor order, rebuilt from the block
// store and then followed live through onExecuted. Exactly once, resumable, and paced by the socket:
// the server reads one block ahead and sends only while the client keeps draining what it was sent.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ApiError } from './errors.ts';
import {
  type Cursor,
  type EventFilter,
  MessageTexts,
  parseFilter,
  resolveStart,
} from './event-messages.ts';
import type { ApiMetrics } from './metrics.ts';
import { errorResponses, signedSecurity } from './schemas.ts';
import type { ApiServices } from './services.ts';

/** Open event streams at most; more are refused with 503 until one closes. */
export const eventStreamsMax = 1024;
/** Messages sent but not yet written to the socket, per stream, before the pump waits. */
export const eventSendsInFlightMax = 64;
/** Bytes queued in the socket, per stream, before the pump waits. */
export const eventBufferedBytesMax = 1024 * 1024;
/** The close code of a stream that failed on the server (RFC 6455 section 7.4.1: 1011). */
const internalErrorCloseCode = 1011;

type EventsQuery = { cursor?: string; types?: string; module?: string };
type StreamStart = { start: Cursor; filter: EventFilter };

/** A wake-up that is not lost when it fires before anyone waits. */
class Signal {
  #notified = false;
  #wake: (() => void) | undefined;

  notify(): void {
    this.#notified = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async wait(): Promise<void> {
    if (!this.#notified) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#notified = false;
  }
}

/** What the WebSocket writes to: corked, its writes wait and then go out in one system call. */
type Corkable = { cork(): void; uncork(): void };

/** One subscriber's stream: the pump sends block after block, waiting on execution and on drain. */
class EventStream {
  readonly #socket: WebSocket;
  /**
   * The connection under the WebSocket. A block's messages are written corked: ws writes each
   * message on its own (a system call per transaction), and a block carries up to thousands.
   */
  readonly #wire: Corkable;
  #corked = false;
  readonly #services: ApiServices;
  readonly #texts: MessageTexts;
  readonly #filter: EventFilter;
  readonly #signal = new Signal();
  #next: Cursor;
  #inFlight = 0;
  closed = false;

  constructor(
    socket: WebSocket,
    services: ApiServices,
    texts: MessageTexts,
    start: StreamStart,
    wire: Corkable,
  ) {
    this.#socket = socket;
    this.#wire = wire;
    this.#services = services;
    this.#texts = texts;
    this.#filter = start.filter;
    this.#next = start.start;
  }

  /** Wakes the pump: a block was executed, a send completed, or the socket closed. */
  wake(): void {
    this.#signal.notify();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  async run(): Promise<void> {
    while (!this.closed) {
      const executed = this.#services.blocks.executed()?.height;
      if (executed === undefined || this.#next.height > executed) {
        await this.#signal.wait();
        continue;
      }
      const { height, seq } = this.#next;
      this.#cork();
      try {
        for (const text of this.#texts.texts(height, seq, this.#filter)) {
          await this.#send(text);
          if (this.closed) return;
        }
      } finally {
        this.#uncork();
      }
      this.#next = { height: height + 1, seq: 0 };
    }
  }

  #cork(): void {
    if (this.#corked) return;
    this.#wire.cork();
    this.#corked = true;
  }

  #uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#wire.uncork();
  }

  async #send(text: string): Promise<void> {
    while (
      !this.closed &&
      (this.#inFlight >= eventSendsInFlightMax ||
        this.#socket.bufferedAmount > eventBufferedBytesMax)
    ) {
      // What waits corked is not written, so its completions (which wake this loop) never come.
      this.#uncork();
      await this.#signal.wait();
      this.#cork();
    }
    if (this.closed) return;
    this.#inFlight += 1;
    this.#socket.send(text, () => {
      this.#inFlight -= 1;
      this.wake();
    });
  }
}

const eventsSchema = {
  summary: 'WebSocket stream of executed blocks and receipts, resumable from a cursor',
  description:
    'Upgrade to WebSocket; outside the browser the authorization header works too, in the browser ' +
    'put key, ts and sig in the query. Each message is one JSON object with a cursor "H.S".',
  tags: ['events'],
  security: signedSecurity,
  querystring: {
    type: 'object',
    properties: {
      cursor: { type: 'string', description: 'the last cursor processed; resume after it' },
      types: { type: 'string', description: 'comma list of block, tx (default both)' },
      module: { type: 'string', maxLength: 32, description: 'only tx messages with its events' },
      key: { type: 'string' },
      ts: { type: 'string' },
      sig: { type: 'string' },
    },
  },
  response: { ...errorResponses },
} as const;

export function registerEventRoutes(
  app: FastifyInstance,
  services: ApiServices,
  metrics: ApiMetrics,
): void {
  const starts = new WeakMap<FastifyRequest, StreamStart>();
  const texts = new MessageTexts(services);
  let open = 0;
  app.route<{ Querystring: EventsQuery }>({
    method: 'GET',
    url: '/v1/events',
    schema: eventsSchema,
    config: { role: 'read' },
    // Checked before the upgrade, so a bad cursor is an ordinary HTTP 400.
    preHandler: async (request) => {
      if (open >= eventStreamsMax) {
        throw new ApiError(503, 'event_streams_full', `${eventStreamsMax} event streams are open`, {
          retryAfterSec: 1,
        });
      }
      const filter = parseFilter(request.query.types, request.query.module);
      starts.set(request, { start: resolveStart(services, request.query.cursor), filter });
    },
    handler: async () => {
      throw new ApiError(426, 'upgrade_required', '/v1/events is a WebSocket endpoint');
    },
    wsHandler: (socket, request) => {
      const start = starts.get(request as FastifyRequest);
      if (start === undefined) return socket.close(internalErrorCloseCode, 'no stream start');
      const stream = new EventStream(socket, services, texts, start, request.raw.socket);
      const unsubscribe = services.onExecuted(() => stream.wake());
      open += 1;
      metrics.eventStreams.inc();
      socket.on('close', () => {
        stream.close();
        unsubscribe();
        open -= 1;
        metrics.eventStreams.dec();
      });
      stream.run().catch((error: unknown) => {
        request.log.error({ err: error }, 'event stream failed');
        socket.close(internalErrorCloseCode, 'internal error');
      });
    },
  });
}
