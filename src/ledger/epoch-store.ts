// The validator sets a chain has had, one record per epoch after the genesis one: the set and the
// height of the first block it certifies. A record is written in the same transaction as the block
// that ended the previous epoch, so after a crash the store never holds one without the other. With
// the set go the bytes that prove the hand-over to a light client (docs/consensus.md, "Proofs of
// hand-overs"), kept here because the block store may prune the blocks they come from.
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readBytes,
  readTuple,
  readUint,
} from '../codec/index.ts';
import { encodeUintKey, type Store, type Table, type WriteBatch } from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { decodeValidatorSet, encodeValidatorSet, type ValidatorSet } from './validator-set.ts';

/**
 * Why the epoch's set follows from the one before, as canonical bytes: block B (the last of the
 * epoch before), the QC certifying B, B's parent header, and the governance module's approved-change
 * record in the state B certifies, with its proof under B's stateRoot.
 */
export type EpochProof = {
  readonly header: Uint8Array;
  readonly qc: Uint8Array;
  readonly parentHeader: Uint8Array;
  /** The approved-change record as state stores it (the value the state proof proves). */
  readonly value: Uint8Array;
  readonly stateProof: Uint8Array;
};

export type EpochRecord = {
  readonly set: ValidatorSet;
  /** Height of the epoch's first block; the genesis epoch starts at 1 (block 0 is genesis). */
  readonly startHeight: number;
  /** Absent for the genesis epoch, and where the state B certifies was no longer kept here. */
  readonly proof?: EpochProof | undefined;
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
    for (const { value } of this.#table.range({}))
      this.#records.push(epochRecordFromValue(decode(value, { field: 'epoch' }), 'epoch'));
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
  add(
    batch: WriteBatch,
    set: ValidatorSet,
    startHeight: number,
    proof?: EpochProof | undefined,
  ): () => void {
    const last = this.current();
    assert(
      set.epoch === last.set.epoch + 1,
      `epochs: ${set.epoch} does not follow ${last.set.epoch}`,
    );
    assert(startHeight > last.startHeight, 'epochs: an epoch starts after the one before');
    const record: EpochRecord = Object.freeze({ set, startHeight, proof });
    batch.put(this.#table, encodeUintKey(set.epoch), encode(epochRecordToValue(record)));
    return () => {
      if (this.current().set.epoch < set.epoch) this.#records = [...this.#records, record];
    };
  }
}

const proofFields = ['header', 'qc', 'parentHeader', 'value', 'stateProof'] as const;

function proofToValue(proof: EpochProof): CborValue {
  return proofFields.map((name) => proof[name]);
}

/** A record as the store keeps it and state sync sends it: [startHeight, set, proof?]. */
export function epochRecordToValue(record: EpochRecord): CborValue {
  const fields: CborValue[] = [record.startHeight, encodeValidatorSet(record.set)];
  if (record.proof !== undefined) fields.push(proofToValue(record.proof));
  return fields;
}

/** Records written before proofs were kept have two items; those since, three. */
export function epochRecordFromValue(value: CborValue | undefined, field: string): EpochRecord {
  const items = readArray(value, field, 3);
  if (items.length < 2) throw new CodecError('wrong_type', field, 'expected 2 or 3 items');
  return Object.freeze({
    startHeight: readUint(items[0], `${field}.startHeight`),
    set: readSet(items[1], `${field}.set`),
    proof: items[2] === undefined ? undefined : proofFromValue(items[2], `${field}.proof`),
  });
}

/** The set's own decoder names its fields from the set down; the error names them from `field`. */
function readSet(value: CborValue | undefined, field: string): ValidatorSet {
  const bytes = readBytes(value, field);
  try {
    return decodeValidatorSet(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    const message = error.message.slice(error.field.length + 2);
    throw new CodecError(error.code, `${field}.${error.field}`, message, { cause: error });
  }
}

function proofFromValue(value: CborValue, field: string): EpochProof {
  const items = readTuple(value, field, proofFields.length);
  const read = (i: number) => readBytes(items[i], `${field}.${proofFields[i]}`);
  return Object.freeze({
    header: read(0),
    qc: read(1),
    parentHeader: read(2),
    value: read(3),
    stateProof: read(4),
  });
}
