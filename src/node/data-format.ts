// Which layout of blocks and state records a node's data directory holds. A change that leaves data
// written before it unreadable (a record that decodes differently, a key that moved) raises
// dataFormat; a node then refuses a directory of another format at start, with a way forward,
// instead of failing an assertion at the first transaction that meets an old record.
import { BlockStore } from '../ledger/block-store.ts';
import type { Store } from '../storage/index.ts';
import { TallyError } from '../util/errors.ts';

/**
 * 5: a remittance as sent, its Travel-Rule envelope, its used quote (kept for good, no queue) and a
 * closed chunk of an organisation's log are records; a later status is in state beside the record.
 * 4: a bank transfer is a record (state tree records, kept by position; its pending status stays
 * in state under its own key). 3: the remittance module queues used quotes in chunks of 16 with their latest expiry (it was a
 * record per quote, forgotten a day after its send). 2: a remittance organisation's log is a head
 * record and closed chunks of 16 ids (it was a count and chunks of 64). 1 stands for every
 * directory written before the format was recorded.
 */
export const dataFormat = 5;

const tableName = 'node-format';
const formatKey = Uint8Array.of(1);

/** The format `store` records, 1 for a chain written before formats were recorded, or undefined when it is empty. */
export function storedDataFormat(store: Store): number | undefined {
  const raw = store.db(tableName).get(formatKey);
  if (raw !== undefined) return readFormat(raw);
  return new BlockStore(store).latestHeight() === undefined ? undefined : 1;
}

/**
 * Records this version's format in an empty store, or checks the one a store holds: call before
 * anything else writes to it (state sync included, which fills an empty store).
 */
export async function checkDataFormat(store: Store, dataDir: string): Promise<void> {
  const found = storedDataFormat(store);
  if (found === undefined) {
    await store.batch([
      { type: 'put', table: store.db(tableName), key: formatKey, value: writeFormat(dataFormat) },
    ]);
    return;
  }
  if (found === dataFormat) return;
  const written = found < dataFormat ? 'an older' : 'a newer';
  throw new TallyError(
    'data_format_mismatch',
    `${dataDir} holds a chain written by ${written} version of Tally (data format ${found}; this version reads ${dataFormat}). Start a new network (npm start -- --fresh), or give this node an empty data directory to sync from its peers.`,
    { details: { dataDir, found, expected: dataFormat } },
  );
}

function writeFormat(format: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, format);
  return out;
}

function readFormat(raw: Uint8Array): number {
  if (raw.length !== 4)
    throw new TallyError('data_format_mismatch', 'the data format record is damaged');
  return new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
}
