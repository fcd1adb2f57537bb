// The validator sets a chain has had, one record per epoch after the genesis one: the set and the
// height of the first block it certifies. A record is written in the same transaction as the block
// that ended the previous epoch, so after a crash the store never holds one without the other.
import { decode, encode, readBytes, readTuple, readUint } from '../codec/index.ts';
import { encodeUintKey, type Store, type Table, type WriteBatch } from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { decodeValidatorSet, encodeValidatorSet, type ValidatorSet } from './validator-set.ts';

export type EpochRecord = {
  readonly set: ValidatorSet;
  /** Height of the epoch's first block; the genesis epoch starts at 1 (block 0 is genesis). */
  readonly startHeight: number;
};

export class EpochStore {
  readonly #table: Table;
  readonly #genesis: EpochRecord;
  /** Every record, oldest first: a chain has few epochs, and lookups by height walk this. */
  #records: EpochRecord[];

  constructor(store: Store, genesisSet: ValidatorSet) {
    this.#table = store.db('epochs');
    this.#genesis = Object.freeze({ set: genesisSet, startHeight: 1 });
    this.#records = [this.#genesis];
    for (const { value } of this.#table.range({})) this.#records.push(decodeRecord(value));
  }

  /** The epoch in force after the last block written (with the record of the block that ended it). */
  current(): EpochRecord {
    return this.#records.at(-1)!;
  }

  byEpoch(epoch: number): EpochRecord | undefined {
    return this.#records.find((r) => r.set.epoch === epoch);
  }

  /** The epoch whose set certifies the block at `height` (the genesis block counts as the first). */
  atHeight(height: number): EpochRecord {
    for (let i = this.#records.length - 1; i > 0; i--)
      if (this.#records[i]!.startHeight <= height) return this.#records[i]!;
    return this.#genesis;
  }

  all(): readonly EpochRecord[] {
    return this.#records;
  }

  /**
   * Records `set` as the next epoch, starting at `startHeight`, in `batch`; visible to reads once
   * `onCommitted` runs (after the batch is durable).
   */
  add(batch: WriteBatch, set: ValidatorSet, startHeight: number): () => void {
    const last = this.current();
    assert(
      set.epoch === last.set.epoch + 1,
      `epochs: ${set.epoch} does not follow ${last.set.epoch}`,
    );
    assert(startHeight > last.startHeight, 'epochs: an epoch starts after the one before');
    const record = Object.freeze({ set, startHeight });
    batch.put(
      this.#table,
      encodeUintKey(set.epoch),
      encode([startHeight, encodeValidatorSet(set)]),
    );
    return () => {
      if (this.current().set.epoch < set.epoch) this.#records = [...this.#records, record];
    };
  }
}

function decodeRecord(bytes: Uint8Array): EpochRecord {
  const items = readTuple(decode(bytes, { field: 'epoch' }), 'epoch', 2);
  return Object.freeze({
    startHeight: readUint(items[0], 'epoch.startHeight'),
    set: decodeValidatorSet(readBytes(items[1], 'epoch.set')),
  });
}
