// The consensus log: what a validator must remember across a crash before it signs anything
// (CONVENTIONS rule 3). It holds the latest safety record (last voted round, lock, highest TC) and
// the uncommitted blocks this validator voted for. Committed blocks need no record here: the block
// store holds them with their certificates, in the same LMDB transaction as their execution.
import { type CborValue, decodeTrusted, encode, readTuple, readUint } from '../codec/index.ts';
import type { PersistRecord } from '../consensus/index.ts';
import { type Block, decodeBlock, encodeBlock, hashHeader } from '../ledger/block.ts';
import { qcFromValue, qcToValue, tcFromValue, tcToValue } from '../ledger/certificate.ts';
import type { Store, Table } from '../storage/index.ts';
import { encodeUintKey } from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { concatBytes } from '../util/bytes.ts';

type SafetyRecord = Extract<PersistRecord, { kind: 'safety' }>;

const safetyKey = new Uint8Array([0]);
const blockPrefix = 1;

function safetyToValue(r: SafetyRecord): CborValue {
  return [
    r.epoch,
    r.lastVotedRound,
    qcToValue(r.highQc),
    r.highTc === null ? null : tcToValue(r.highTc),
  ];
}

function safetyFromValue(value: CborValue): SafetyRecord {
  const items = readTuple(value, 'safety', 4);
  const tc = items[3] ?? null;
  return {
    kind: 'safety',
    epoch: readUint(items[0], 'safety.epoch'),
    lastVotedRound: readUint(items[1], 'safety.lastVotedRound'),
    highQc: qcFromValue(items[2], 'safety.highQc'),
    highTc: tc === null ? null : tcFromValue(tc, 'safety.highTc'),
  };
}

/** Block records sort by height, so replay inserts parents before children. */
function blockKey(block: Block): Uint8Array {
  return concatBytes(
    new Uint8Array([blockPrefix]),
    encodeUintKey(block.header.height),
    hashHeader(block.header),
  );
}

export type ConsensusLogDeps = {
  /**
   * Resolves once the consensus driver is closed. A failed save (a full disk) rejects only then:
   * until then the driver waits on it, so it neither acts on a record that is not on disk nor
   * leaves the failure unhandled; it meets the error inside its close (fatal.ts, closeConsensus).
   * Without it a failed save rejects at once.
   */
  readonly driverClosed?: Promise<void>;
};

export class ConsensusLog {
  readonly #table: Table;
  readonly #store: Store;
  readonly #driverClosed: Promise<void> | undefined;

  constructor(store: Store, deps: ConsensusLogDeps = {}) {
    this.#store = store;
    this.#table = store.db('consensus-log');
    this.#driverClosed = deps.driverClosed;
  }

  /**
   * Makes records durable (fsync) before resolving: the caller sends the signature only after.
   * Commit records are skipped: the block store makes committed blocks durable when it executes them.
   */
  async save(records: readonly PersistRecord[]): Promise<void> {
    const batch = this.#store.writeBatch();
    for (const r of records) {
      if (r.kind === 'safety') batch.put(this.#table, safetyKey, encode(safetyToValue(r)));
      else if (r.kind === 'block') batch.put(this.#table, blockKey(r.block), encodeBlock(r.block));
    }
    if (batch.size === 0) return;
    try {
      await batch.commit({ durable: true });
    } catch (error) {
      // Disk trouble: held until the driver is closed (see ConsensusLogDeps); never resolved.
      await this.#driverClosed;
      throw error;
    }
  }

  /** The records to replay after a restart: blocks by height, then the safety record. */
  load(): PersistRecord[] {
    const records: PersistRecord[] = [];
    for (const { key, value } of this.#table.range({ start: new Uint8Array([blockPrefix]) })) {
      if (key[0] !== blockPrefix) break;
      records.push({ kind: 'block', block: decodeBlock(value) });
    }
    const safety = this.#table.get(safetyKey);
    if (safety !== undefined) records.push(safetyFromValue(decodeTrusted(safety)));
    return records;
  }

  /** Drops block records at or below the committed height: they either committed or never will. */
  async compact(committedHeight: number): Promise<number> {
    const end = concatBytes(new Uint8Array([blockPrefix]), encodeUintKey(committedHeight + 1));
    const batch = this.#store.writeBatch();
    for (const key of this.#table.keys({ start: new Uint8Array([blockPrefix]), end }))
      batch.del(this.#table, key);
    const dropped = batch.size;
    if (dropped > 0) await batch.commit({ durable: false });
    assert(dropped >= 0, 'consensus log: compaction count');
    return dropped;
  }
}
