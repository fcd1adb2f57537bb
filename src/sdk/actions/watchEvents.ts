// GET /v1/events (WebSocket, role read): executed blocks and receipts as they happen, resumed from
// the last cursor after a disconnect, each message delivered once.
import { TallyError } from '../../util/errors.ts';
import type { Client } from '../client.ts';
import { EventStream } from '../event-stream.ts';
import { type EventMessage, parseEventCursor } from '../events.ts';

export const watchReconnectInitialMsDefault = 100;
export const watchReconnectMaxMsDefault = 5_000;

export type WatchEventsParameters = {
  /** Called for each message, in cursor order, once. */
  onEvent: (event: EventMessage) => void;
  /**
   * Disconnects ('stream_closed', then it resumes), failures to reconnect, and a refusal retrying
   * cannot fix (bad_cursor, unauthenticated, forbidden: the watch stops).
   */
  onError?: ((error: TallyError) => void) | undefined;
  /** The last cursor already processed; the stream resumes after it. Default: from now. */
  cursor?: string | undefined;
  types?: readonly ('block' | 'tx')[] | undefined;
  /** Only tx messages with at least one event of this module. */
  module?: string | undefined;
  /** Reconnect delays: from initialMs, doubling up to maxMs (defaults 100 ms and 5 s). */
  reconnect?: { initialMs?: number; maxMs?: number } | undefined;
};

/** Stops the watch and closes the socket. */
export type WatchEventsReturnType = () => void;

/**
 * Subscribes to the node's event stream. Needs a WebSocket (Node 20: pass `ws`'s to createClient)
 * and an account with role read.
 *
 * @example
 * const unwatch = watchEvents(client, {
 *   types: ['tx'],
 *   module: 'bank',
 *   onEvent: (event) => console.log(event.cursor, event.type),
 * });
 * // later
 * unwatch();
 */
export function watchEvents(client: Client, params: WatchEventsParameters): WatchEventsReturnType {
  if (client.WebSocket === undefined)
    throw new TallyError('websocket_unavailable', 'no WebSocket: pass one to createClient');
  if (typeof params.onEvent !== 'function') throw new TypeError('onEvent: expected a function');
  if (params.cursor !== undefined) parseEventCursor(params.cursor);
  const initialMs = params.reconnect?.initialMs ?? watchReconnectInitialMsDefault;
  const maxMs = params.reconnect?.maxMs ?? watchReconnectMaxMsDefault;
  if (!(initialMs > 0 && maxMs >= initialMs))
    throw new RangeError('reconnect: expected 0 < initialMs <= maxMs');
  const stream = new EventStream(client, client.WebSocket, {
    cursor: params.cursor,
    types: params.types,
    module: params.module,
    backoff: { initialMs, maxMs },
    onEvent: params.onEvent,
    onError: params.onError,
  });
  stream.start();
  return () => stream.stop();
}
