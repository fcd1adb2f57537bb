// The event stream's messages and cursors (docs/api.md "Events"): cursor "H.S" names block H's block
// message (S = 0) or its S-th receipt; messages arrive in cursor order, so order is all that dedupes.
import { TallyError } from '../util/errors.ts';
import { readHex, readInteger, readObject, readOneOf, readText } from './json.ts';
import { type ModuleEvent, readModuleEvents } from './types.ts';

export type EventCursor = { readonly height: number; readonly seq: number };

export type BlockEventMessage = {
  readonly cursor: string;
  readonly type: 'block';
  readonly height: number;
  readonly hash: string;
  readonly timeMs: number;
  readonly txCount: number;
  /** The state root after executing this block. */
  readonly stateRoot: string;
};

export type TxEventMessage = {
  readonly cursor: string;
  readonly type: 'tx';
  readonly height: number;
  readonly index: number;
  readonly txId: string;
  readonly code: string;
  readonly message: string;
  readonly events: readonly ModuleEvent[];
};

export type EventMessage = BlockEventMessage | TxEventMessage;

const cursorPattern = /^(0|[1-9][0-9]{0,14})\.(0|[1-9][0-9]{0,8})$/;

/** Parses "H.S"; a malformed cursor is a TypeError naming `field`. */
export function parseEventCursor(text: string, field = 'cursor'): EventCursor {
  const match = typeof text === 'string' ? cursorPattern.exec(text) : null;
  if (match === null) throw new TypeError(`${field}: expected "<height>.<sequence>", as in "12.0"`);
  return { height: Number(match[1]), seq: Number(match[2]) };
}

export function compareEventCursors(a: EventCursor, b: EventCursor): number {
  return a.height !== b.height ? a.height - b.height : a.seq - b.seq;
}

/** Reads one stream message; anything off-contract is TallyError 'bad_response'. */
export function parseEventMessage(value: unknown): EventMessage {
  const m = readObject(value, 'event');
  const cursor = readText(m.cursor, 'event.cursor');
  try {
    parseEventCursor(cursor, 'event.cursor');
  } catch (cause) {
    throw new TallyError('bad_response', (cause as Error).message, { cause });
  }
  const type = readOneOf(m.type, 'event.type', ['block', 'tx'] as const);
  const height = readInteger(m.height, 'event.height');
  if (type === 'block')
    return Object.freeze({
      cursor,
      type,
      height,
      hash: readHex(m.hash, 'event.hash', 32),
      timeMs: readInteger(m.timeMs, 'event.timeMs'),
      txCount: readInteger(m.txCount, 'event.txCount'),
      stateRoot: readHex(m.stateRoot, 'event.stateRoot', 32),
    });
  return Object.freeze({
    cursor,
    type,
    height,
    index: readInteger(m.index, 'event.index'),
    txId: readHex(m.txId, 'event.txId', 32),
    code: readText(m.code, 'event.code'),
    message: readText(m.message, 'event.message'),
    events: readModuleEvents(m.events, 'event.events'),
  });
}
