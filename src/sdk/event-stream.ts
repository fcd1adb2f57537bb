// A resumable subscription to GET /v1/events: reconnects with backoff after any disconnect, resumes
// after the last cursor delivered, and drops anything at or below it, so no message comes twice.
import { TallyError } from '../util/errors.ts';
import { getBlock } from './actions/getBlock.ts';
import { getStatus } from './actions/getStatus.ts';
import { signedSocketPath } from './auth.ts';
import { type BackoffOptions, backoffDelayMs } from './backoff.ts';
import type { Client, SocketConstructor, SocketLike } from './client.ts';
import {
  compareEventCursors,
  type EventCursor,
  type EventMessage,
  parseEventCursor,
  parseEventMessage,
} from './events.ts';

export type EventStreamOptions = {
  readonly cursor: string | undefined;
  readonly types: readonly ('block' | 'tx')[] | undefined;
  readonly module: string | undefined;
  readonly backoff: BackoffOptions;
  readonly onEvent: (event: EventMessage) => void;
  readonly onError: ((error: TallyError) => void) | undefined;
};

/** Statuses of a refused upgrade that retrying cannot fix (bad cursor, unknown key, no role). */
const fatalStatuses = new Set([400, 401, 403, 404]);
const normalCloseCode = 1000;
const textDecoder = new TextDecoder();

export class EventStream {
  readonly #client: Client;
  readonly #socketType: SocketConstructor;
  readonly #options: EventStreamOptions;
  #last: EventCursor | undefined;
  #lastText: string | undefined;
  #socket: SocketLike | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #stopped = false;

  constructor(client: Client, socketType: SocketConstructor, options: EventStreamOptions) {
    this.#client = client;
    this.#socketType = socketType;
    this.#options = options;
    if (options.cursor !== undefined) {
      this.#last = parseEventCursor(options.cursor);
      this.#lastText = options.cursor;
    }
  }

  start(): void {
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(normalCloseCode, 'unsubscribed');
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    if (this.#lastText === undefined) {
      // Pin where the stream starts, so a disconnect before the first message loses nothing.
      try {
        this.#lastText = await startCursor(this.#client);
        this.#last = parseEventCursor(this.#lastText);
      } catch (error) {
        this.#report(asTallyError(error, 'stream_unavailable'));
        this.#scheduleReconnect();
        return;
      }
      if (this.#stopped) return;
    }
    const path = this.#path();
    const account = this.#client.account;
    let socket: SocketLike;
    try {
      const signedPath = account === undefined ? path : signedSocketPath(account, path, Date.now());
      socket = new this.#socketType(socketUrl(this.#client.url) + signedPath);
    } catch (error) {
      this.#report(asTallyError(error, 'stream_unavailable'));
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
    });
    socket.addEventListener('message', (event) => {
      if (this.#socket === socket) this.#onMessage(socket, event.data);
    });
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#stopped) return;
      if (!opened) {
        void this.#probe(path);
        return;
      }
      this.#report(
        new TallyError('stream_closed', `event stream closed (${event.code}); resuming`, {
          details: { code: event.code, reason: event.reason, cursor: this.#lastText },
        }),
      );
      this.#scheduleReconnect();
    });
    socket.addEventListener('error', () => {
      // A close event always follows; reconnecting is decided there.
    });
  }

  #path(): string {
    const query = new URLSearchParams();
    if (this.#lastText !== undefined) query.set('cursor', this.#lastText);
    if (this.#options.types !== undefined) query.set('types', this.#options.types.join(','));
    if (this.#options.module !== undefined) query.set('module', this.#options.module);
    const text = query.toString();
    return text === '' ? '/v1/events' : `/v1/events?${text}`;
  }

  #onMessage(socket: SocketLike, data: unknown): void {
    let message: EventMessage;
    try {
      message = parseEventMessage(JSON.parse(messageText(data)));
    } catch (error) {
      // Off-contract: drop the connection and resume from the last good cursor.
      this.#report(asTallyError(error, 'bad_response'));
      socket.close(normalCloseCode, 'bad message');
      return;
    }
    const cursor = parseEventCursor(message.cursor);
    if (this.#last !== undefined && compareEventCursors(cursor, this.#last) <= 0) return;
    this.#last = cursor;
    this.#lastText = message.cursor;
    this.#attempt = 0; // a message arrived: the connection works, so the next failure starts afresh
    try {
      this.#options.onEvent(message);
    } catch (error) {
      this.#report(
        new TallyError('listener_failed', `onEvent threw on ${message.cursor}`, { cause: error }),
      );
    }
  }

  /** The upgrade failed: ask the same path over plain HTTP to learn whether retrying can help. */
  async #probe(path: string): Promise<void> {
    try {
      await this.#client.request({
        method: 'GET',
        path,
        signed: this.#client.account !== undefined,
      });
    } catch (error) {
      const status = error instanceof TallyError ? error.details.status : undefined;
      if (typeof status === 'number' && fatalStatuses.has(status)) {
        this.#stopped = true;
        this.#report(error as TallyError);
        return;
      }
      if (!(error instanceof TallyError && error.code === 'upgrade_required'))
        this.#report(asTallyError(error, 'stream_unavailable'));
    }
    if (this.#stopped) return;
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = backoffDelayMs(this.#attempt, this.#options.backoff);
    this.#attempt += 1;
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }

  #report(error: TallyError): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // A failing error listener must not stop the stream.
    }
  }
}

/** Cursor just after the last executed block: where a stream without a cursor starts. */
async function startCursor(client: Client): Promise<string> {
  const { executedHeight } = await getStatus(client);
  const block = await getBlock(client, { height: executedHeight });
  // The block-level receipt is the block's last message: S = txCount + 1.
  return `${executedHeight}.${block.header.txCount + 1}`;
}

function socketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

function messageText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return textDecoder.decode(data);
  if (data instanceof ArrayBuffer) return textDecoder.decode(new Uint8Array(data));
  throw new TallyError('bad_response', 'event: expected a text message');
}

function asTallyError(error: unknown, code: string): TallyError {
  if (error instanceof TallyError) return error;
  return new TallyError(code, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
