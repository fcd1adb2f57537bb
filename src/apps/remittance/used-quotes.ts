// Used quotes are remembered only while they could still be used. A send refuses a quote that
// expires more than quoteTtlMsMax after its block, so a quote used at block time t is expired by
// t + quoteTtlMsMax and its record may go: a replay then fails as quote_expired, not quote_used.
// Block time never goes back, so one FIFO queue in send order is in forget-time order; the work per
// block is bounded and what is left waits for the next block.
import { readBytes, readString, readTuple, readUint } from '../../codec/index.ts';
import { decoding } from '../../modules/bank/records.ts';
import { quoteTtlMsMax } from '../../modules/fx/pricing.ts';
import { assert } from '../../util/assert.ts';
import { type RemittanceReader, type RemittanceStore, remittanceKeys } from './store.ts';

/** Used-quote records forgotten at most per block. */
export const usedQuotesForgottenPerBlockMax = 256;

type Queue = { head: number; tail: number };

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

/** Marks a quote used at `nowMs` and queues its record to be forgotten once it has expired. */
export function rememberUsedQuote(
  store: RemittanceStore,
  provider: string,
  quoteId: Uint8Array,
  remittanceId: Uint8Array,
  nowMs: number,
): void {
  store.markQuoteUsed(provider, quoteId, remittanceId);
  const q = readQueue(store);
  store.putRaw(remittanceKeys.usedQuoteEntry(q.tail), [provider, quoteId, nowMs + quoteTtlMsMax]);
  writeQueue(store, { head: q.head, tail: q.tail + 1 });
}

/** Forgets the used quotes that have expired by `nowMs`; returns how many. */
export function forgetExpiredQuotes(store: RemittanceStore, nowMs: number): number {
  const q = readQueue(store);
  let head = q.head;
  while (head < q.tail && head - q.head < usedQuotesForgottenPerBlockMax) {
    const key = remittanceKeys.usedQuoteEntry(head);
    const v = store.raw(key);
    assert(v !== undefined, 'an entry between head and tail exists');
    const entry = decoding('used-quote entry', () => {
      const f = readTuple(v, 'entry', 3);
      return {
        provider: readString(f[0], 'provider', 64),
        quoteId: readBytes(f[1], 'quoteId', 16),
        forgetAtMs: readUint(f[2], 'forgetAtMs'),
      };
    });
    if (entry.forgetAtMs > nowMs) break;
    store.forgetQuoteUsed(entry.provider, entry.quoteId);
    store.putRaw(key, null);
    head += 1;
  }
  if (head !== q.head) writeQueue(store, { head, tail: q.tail });
  return head - q.head;
}
