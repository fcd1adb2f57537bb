// Used quotes are remembered only while they could still be used: a send refuses a quote once block
// time reaches its expiresAtMs, so a replay after that fails as quote_expired and the record may go.
//
// The records to forget are queued in send order, in chunks of usedQuoteChunkEntries that carry the
// latest expiry among their quotes; the head chunk is forgotten once block time reaches it. A chunk
// behind one that expires later waits for it (the queue stays one FIFO and no record goes early),
// so a quote that lives a day holds back the ones used after it as long as every record was held
// before (each was forgotten quoteTtlMsMax after its send). A chunk is one state write per block
// where a record per send was one each, and one delete where there was one per send: blocks of 300
// auto-accepted sends changed 7.4 state keys a send against 8.4, and their state-tree and LMDB work
// took about a tenth less CPU; appending to a chunk re-encodes it, which costs the execution a few
// microseconds a send (16 entries: 2.2% of it more, 32: 3.4%).
// Block time never goes back; the work per block is bounded and what is left waits for the next.
import { readBytesMax, readTuple, readUint } from '../../codec/index.ts';
import { decoding } from '../../modules/bank/records.ts';
import { assert } from '../../util/assert.ts';
import { concatBytes, utf8 } from '../../util/bytes.ts';
import { type RemittanceReader, type RemittanceStore, remittanceKeys } from './store.ts';

/** Used quotes per queued chunk. */
export const usedQuoteChunkEntries = 16;
/** Used-quote records forgotten at most per block. */
export const usedQuotesForgottenPerBlockMax = 256;

const quoteIdBytes = 16;
/** An entry is quote id | provider length (one byte) | provider (UTF-8). */
const entryBytesMax = quoteIdBytes + 1 + 255;
const providerDecoder = new TextDecoder('utf-8', { fatal: true });

/** Entry indices: `head` is the next to forget, `tail` the next to queue. */
type Queue = { head: number; tail: number };
/** Queued entries, and the latest expiry among their quotes. */
type Chunk = { expiresAtMs: number; entries: Uint8Array };
type Entry = { provider: string; quoteId: Uint8Array };

function readQueue(reader: RemittanceReader): Queue {
  const v = reader.raw(remittanceKeys.usedQuoteQueue());
  if (v === undefined) return { head: 0, tail: 0 };
  return decoding('used-quote queue', () => {
    const f = readTuple(v, 'queue', 2);
    return { head: readUint(f[0], 'head'), tail: readUint(f[1], 'tail') };
  });
}

function writeQueue(store: RemittanceStore, q: Queue): void {
  assert(q.head <= q.tail, 'a queue head never passes its tail');
  store.putRaw(remittanceKeys.usedQuoteQueue(), [q.head, q.tail]);
}

function chunkIndex(entry: number): number {
  return Math.floor(entry / usedQuoteChunkEntries);
}

function readChunk(reader: RemittanceReader, index: number): Chunk {
  const v = reader.raw(remittanceKeys.usedQuoteChunk(index));
  assert(v !== undefined, 'a chunk between head and tail exists');
  return decoding('used-quote chunk', () => {
    const f = readTuple(v, 'chunk', 2);
    return {
      expiresAtMs: readUint(f[0], 'expiresAtMs'),
      entries: readBytesMax(f[1], 'entries', usedQuoteChunkEntries * entryBytesMax),
    };
  });
}

function encodeEntry(provider: string, quoteId: Uint8Array): Uint8Array {
  const name = utf8(provider);
  assert(quoteId.length === quoteIdBytes && name.length <= 255, 'a used quote fits its entry');
  return concatBytes(quoteId, Uint8Array.of(name.length), name);
}

function decodeEntries(entries: Uint8Array): Entry[] {
  const out: Entry[] = [];
  let at = 0;
  while (at < entries.length) {
    assert(at + quoteIdBytes + 1 <= entries.length, 'used-quote chunk: truncated entry');
    const quoteId = entries.subarray(at, at + quoteIdBytes);
    const nameEnd = at + quoteIdBytes + 1 + entries[at + quoteIdBytes]!;
    assert(nameEnd <= entries.length, 'used-quote chunk: truncated provider');
    out.push({
      quoteId,
      provider: providerDecoder.decode(entries.subarray(at + quoteIdBytes + 1, nameEnd)),
    });
    at = nameEnd;
  }
  return out;
}

/** Marks a quote used and queues its record to be forgotten once the quote has expired. */
export function rememberUsedQuote(
  store: RemittanceStore,
  provider: string,
  quoteId: Uint8Array,
  remittanceId: Uint8Array,
  expiresAtMs: number,
): void {
  store.markQuoteUsed(provider, quoteId, remittanceId);
  const q = readQueue(store);
  const index = chunkIndex(q.tail);
  const open = q.tail % usedQuoteChunkEntries === 0 ? undefined : readChunk(store, index);
  const entry = encodeEntry(provider, quoteId);
  store.putRaw(remittanceKeys.usedQuoteChunk(index), [
    Math.max(open?.expiresAtMs ?? 0, expiresAtMs),
    open === undefined ? entry : concatBytes(open.entries, entry),
  ]);
  writeQueue(store, { head: q.head, tail: q.tail + 1 });
}

/** Forgets the used quotes whose chunk has expired by `nowMs`; returns how many. */
export function forgetExpiredQuotes(store: RemittanceStore, nowMs: number): number {
  const q = readQueue(store);
  let { head, tail } = q;
  let forgotten = 0;
  while (head < tail && forgotten < usedQuotesForgottenPerBlockMax) {
    const index = chunkIndex(head);
    const chunk = readChunk(store, index);
    if (chunk.expiresAtMs > nowMs) break;
    const entries = decodeEntries(chunk.entries);
    const first = head - index * usedQuoteChunkEntries;
    const last = Math.min(entries.length, first + usedQuotesForgottenPerBlockMax - forgotten);
    for (let i = first; i < last; i++)
      store.forgetQuoteUsed(entries[i]!.provider, entries[i]!.quoteId);
    forgotten += last - first;
    head += last - first;
    if (head === tail) {
      // Empty: the open chunk goes too, and the next quote starts a chunk of its own.
      store.putRaw(remittanceKeys.usedQuoteChunk(index), null);
      head = tail = (index + 1) * usedQuoteChunkEntries;
    } else if (last === usedQuoteChunkEntries) {
      store.putRaw(remittanceKeys.usedQuoteChunk(index), null);
    }
  }
  if (head !== q.head || tail !== q.tail) writeQueue(store, { head, tail });
  return forgotten;
}
