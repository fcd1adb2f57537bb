// The event stream's messages and cursors (docs/api.md, Events): cursor "H.S" names block H's block
// message (S = 0) or its receipt with index S - 1; the block-level receipt (hooks' events) comes last.
import { type BlockHeader, hashHeader } from '../ledger/block.ts';
import type { Receipt } from '../ledger/receipt.ts';
import { toHex } from '../util/bytes.ts';
import { LruCache } from '../util/lru-cache.ts';
import { ApiError, badRequest } from './errors.ts';
import { type EventJson, receiptEventsToJson } from './json.ts';
import type { RecentBlock } from './recent-blocks.ts';
import type { ApiServices } from './services.ts';

export type Cursor = { readonly height: number; readonly seq: number };

export type EventFilter = {
  readonly blocks: boolean;
  readonly txs: boolean;
  /** Only tx messages with at least one event of this module. */
  readonly module: string | undefined;
};

export type BlockMessage = {
  cursor: string;
  type: 'block';
  height: number;
  hash: string;
  timeMs: number;
  txCount: number;
  /** The state root after executing this block. */
  stateRoot: string;
};

export type TxMessage = {
  cursor: string;
  type: 'tx';
  height: number;
  index: number;
  txId: string;
  code: string;
  message: string;
  events: EventJson[];
};

export type EventMessage = BlockMessage | TxMessage;

const cursorPattern = /^(0|[1-9][0-9]{0,14})\.(0|[1-9][0-9]{0,8})$/;
const eventTypes = ['block', 'tx'] as const;

export function formatCursor(c: Cursor): string {
  return `${c.height}.${c.seq}`;
}

export function badCursor(cursor: string, reason: string): ApiError {
  return new ApiError(400, 'bad_cursor', `cursor ${JSON.stringify(cursor)}: ${reason}`, {
    details: { cursor },
  });
}

export function parseCursor(text: string): Cursor {
  const match = cursorPattern.exec(text);
  if (match === null) throw badCursor(text, 'expected "<height>.<sequence>", as in "12.0"');
  return { height: Number(match[1]), seq: Number(match[2]) };
}

export function parseFilter(types: string | undefined, module: string | undefined): EventFilter {
  const wanted = types === undefined ? [...eventTypes] : types.split(',');
  for (const t of wanted) {
    if (!(eventTypes as readonly string[]).includes(t)) {
      throw badRequest(
        'querystring.types',
        `unknown type ${JSON.stringify(t)} (expected block, tx)`,
      );
    }
  }
  return { blocks: wanted.includes('block'), txs: wanted.includes('tx'), module };
}

/**
 * Where a stream starts: just after `cursor`, or at the next block to execute. A cursor whose block
 * is gone (pruned) or that names a message its block does not have is refused with bad_cursor.
 */
export function resolveStart(services: ApiServices, cursorText: string | undefined): Cursor {
  const executed = services.blocks.executed()?.height;
  if (cursorText === undefined)
    return { height: executed === undefined ? 0 : executed + 1, seq: 0 };
  const cursor = parseCursor(cursorText);
  if (executed !== undefined && cursor.height <= executed) {
    const block = services.blocks.blockAt(cursor.height);
    if (block === undefined || stateRootAt(services, cursor.height) === undefined) {
      throw badCursor(cursorText, `block ${cursor.height} is below the pruned height`);
    }
    const seqMax = block.header.txCount + 1;
    if (cursor.seq > seqMax) {
      throw badCursor(cursorText, `block ${cursor.height} has messages 0 to ${seqMax}`);
    }
  }
  return { height: cursor.height, seq: cursor.seq + 1 };
}

/**
 * The state root after block `height`: the block store keeps one per block held (state versions
 * may be pruned sooner, prune.keepStates); blocks executed before it kept them fall back on the
 * state tree. Undefined when neither holds it.
 */
function stateRootAt(services: ApiServices, height: number): Uint8Array | undefined {
  const stored = services.blocks.executedAt(height)?.stateRoot;
  if (stored !== undefined) return stored;
  return services.state.holds(height) ? services.state.root(height) : undefined;
}

function stateRootOf(services: ApiServices, height: number): Uint8Array {
  const root = stateRootAt(services, height);
  if (root === undefined) throw new Error(`event stream: no state root for block ${height}`);
  return root;
}

function txMessage(receipt: Receipt): TxMessage {
  return {
    cursor: formatCursor({ height: receipt.height, seq: receipt.index + 1 }),
    type: 'tx',
    height: receipt.height,
    index: receipt.index,
    txId: toHex(receipt.txId),
    code: receipt.code,
    message: receipt.message,
    events: receiptEventsToJson(receipt),
  };
}

/** Whether a stream with `filter`, resuming at sequence `fromSeq` of the block, sends `receipt`. */
function wanted(receipt: Receipt, fromSeq: number, filter: EventFilter): boolean {
  if (!filter.txs || receipt.index + 1 < fromSeq) return false;
  return filter.module === undefined || receipt.events.some((e) => e.module === filter.module);
}

/** An executed block as the stream reads it: from memory while recent, else from the store. */
type StreamedBlock = {
  readonly height: number;
  readonly recent: RecentBlock | undefined;
  readonly header: BlockHeader;
};

function streamedBlock(services: ApiServices, height: number): StreamedBlock {
  const recent = services.recentBlock?.(height);
  const header = recent?.header ?? services.blocks.blockAt(height)?.header;
  if (header === undefined) throw new Error(`event stream: block ${height} is not in the store`);
  return { height, recent, header };
}

/** Read only for streams that want tx messages: a block-only stream never loads receipts. */
function receiptsOf(services: ApiServices, block: StreamedBlock): readonly Receipt[] {
  return block.recent?.receipts ?? services.blocks.receiptsAt(block.height);
}

function blockMessage(services: ApiServices, block: StreamedBlock): BlockMessage {
  const { height, recent, header } = block;
  return {
    cursor: formatCursor({ height, seq: 0 }),
    type: 'block',
    height,
    hash: toHex(recent?.hash ?? hashHeader(header)),
    timeMs: header.timeMs,
    txCount: header.txCount,
    stateRoot: toHex(recent?.stateRoot ?? stateRootOf(services, height)),
  };
}

/** The messages of executed block `height` from sequence `fromSeq` on, filtered, in cursor order. */
export function blockMessages(
  services: ApiServices,
  height: number,
  fromSeq: number,
  filter: EventFilter,
): EventMessage[] {
  const block = streamedBlock(services, height);
  const out: EventMessage[] = [];
  if (fromSeq === 0 && filter.blocks) out.push(blockMessage(services, block));
  if (!filter.txs) return out;
  for (const receipt of receiptsOf(services, block)) {
    if (wanted(receipt, fromSeq, filter)) out.push(txMessage(receipt));
  }
  return out;
}

/**
 * Blocks whose message texts are kept (between half this and this many): the streams that follow
 * the chain read the newest few. A block of 1,000 transfers makes about 400 KB of texts.
 */
const textBlocksMax = 8;

type BlockTexts = {
  readonly block: StreamedBlock;
  receipts: readonly Receipt[] | undefined;
  text: string | undefined;
  /** By receipt position; each made when a stream first sends it. */
  readonly receiptTexts: (string | undefined)[];
};

/**
 * blockMessages as the JSON texts the streams send, shared by every stream of one server: each
 * message is built and serialised once, however many subscribers follow the chain.
 */
export class MessageTexts {
  readonly #services: ApiServices;
  readonly #blocks = new LruCache<number, BlockTexts>(textBlocksMax);

  constructor(services: ApiServices) {
    this.#services = services;
  }

  texts(height: number, fromSeq: number, filter: EventFilter): string[] {
    let texts = this.#blocks.get(height);
    if (texts === undefined) {
      const block = streamedBlock(this.#services, height);
      texts = { block, receipts: undefined, text: undefined, receiptTexts: [] };
      this.#blocks.set(height, texts);
    }
    const out: string[] = [];
    if (fromSeq === 0 && filter.blocks) {
      texts.text ??= JSON.stringify(blockMessage(this.#services, texts.block));
      out.push(texts.text);
    }
    if (!filter.txs) return out;
    texts.receipts ??= receiptsOf(this.#services, texts.block);
    const { receipts } = texts;
    for (let i = 0; i < receipts.length; i++) {
      const receipt = receipts[i]!;
      if (!wanted(receipt, fromSeq, filter)) continue;
      let text = texts.receiptTexts[i];
      if (text === undefined) {
        text = JSON.stringify(txMessage(receipt));
        texts.receiptTexts[i] = text;
      }
      out.push(text);
    }
    return out;
  }
}
