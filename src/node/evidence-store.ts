// The evidence of Byzantine validators this node has seen, kept in its LMDB store so that it
// survives restarts, deduplicated by (epoch, round, validator), and served newest first by
// GET /v1/evidence. Only evidence whose two signatures verify against the validator set is kept.

import type { EvidenceEntry, EvidencePage, EvidenceService } from '../api/services.ts';
import {
  type CborValue,
  decodeTrusted,
  encode,
  readString,
  readTuple,
  readUint,
} from '../codec/index.ts';
import {
  type Evidence,
  evidenceFromValue,
  evidenceToValue,
  verifyEvidence,
} from '../consensus/evidence.ts';
import type { VerifyFn } from '../ledger/certificate.ts';
import { orgIdLengthMax } from '../ledger/limits.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import { encodePrefixedUintKey, type Store, type Table } from '../storage/index.ts';
import { assert } from '../util/assert.ts';
import { concatBytes } from '../util/bytes.ts';

/** Rows by recording order: [0, seq] -> the entry. */
const entryPrefix = new Uint8Array([0]);
/** Seen markers: [1, epoch, round, voter] -> empty; what deduplicates. */
const seenPrefix = new Uint8Array([1]);

export type EvidenceContext = {
  readonly chainId: string;
  readonly validators: ValidatorSet;
  readonly verify: VerifyFn;
  readonly seenAtHeight: number;
  readonly seenAtMs: number;
};

export type SaveResult = 'saved' | 'duplicate' | { readonly refused: string };

function entryToValue(e: EvidenceEntry): CborValue {
  return [e.seq, evidenceToValue(e.evidence), e.orgId, e.seenAtHeight, e.seenAtMs];
}

function entryFromValue(value: CborValue): EvidenceEntry {
  const items = readTuple(value, 'evidenceEntry', 5);
  return Object.freeze({
    seq: readUint(items[0], 'evidenceEntry.seq'),
    evidence: evidenceFromValue(items[1], 'evidenceEntry.evidence'),
    orgId: readString(items[2], 'evidenceEntry.orgId', orgIdLengthMax),
    seenAtHeight: readUint(items[3], 'evidenceEntry.seenAtHeight'),
    seenAtMs: readUint(items[4], 'evidenceEntry.seenAtMs'),
  });
}

function seenKey(e: Evidence): Uint8Array {
  const v = e.first;
  return concatBytes(
    encodePrefixedUintKey(seenPrefix, v.epoch),
    encodePrefixedUintKey(new Uint8Array(0), v.round),
    encodePrefixedUintKey(new Uint8Array(0), v.voter),
  );
}

export class EvidenceStore implements EvidenceService {
  readonly #store: Store;
  readonly #table: Table;
  /** Markers being written: a second report of the same fault before the first commits. */
  readonly #pending = new Set<string>();
  #nextSeq: number;
  #count: number;

  constructor(store: Store) {
    this.#store = store;
    this.#table = store.db('evidence');
    const last = [
      ...this.#table.keys({ start: entryPrefix, end: seenPrefix, reverse: true, limit: 1 }),
    ];
    this.#nextSeq = last[0] === undefined ? 1 : entryFromValue(this.#load(last[0])).seq + 1;
    this.#count = [...this.#table.keys({ start: entryPrefix, end: seenPrefix })].length;
  }

  /** Verifies, deduplicates and durably records one piece of evidence. */
  async save(evidence: Evidence, ctx: EvidenceContext): Promise<SaveResult> {
    const check = verifyEvidence(evidence, ctx.validators, ctx.chainId, ctx.verify);
    if (!check.ok) return { refused: check.reason };
    const validator = ctx.validators.validators[evidence.first.voter];
    assert(validator !== undefined, 'evidence: verified evidence names a validator of the set');
    const seen = seenKey(evidence);
    const pendingKey = seen.join(',');
    if (this.#pending.has(pendingKey) || this.#table.has(seen)) return 'duplicate';
    const entry: EvidenceEntry = Object.freeze({
      seq: this.#nextSeq++,
      evidence,
      orgId: validator.orgId,
      seenAtHeight: ctx.seenAtHeight,
      seenAtMs: ctx.seenAtMs,
    });
    this.#pending.add(pendingKey);
    try {
      const batch = this.#store.writeBatch();
      batch.put(
        this.#table,
        encodePrefixedUintKey(entryPrefix, entry.seq),
        encode(entryToValue(entry)),
      );
      batch.put(this.#table, seen, new Uint8Array(0));
      await batch.commit({ durable: true });
      this.#count++;
    } finally {
      this.#pending.delete(pendingKey);
    }
    return 'saved';
  }

  list(options: { readonly limit: number; readonly before?: number }): EvidencePage {
    assert(Number.isSafeInteger(options.limit) && options.limit > 0, 'evidence: a positive limit');
    const end =
      options.before === undefined
        ? seenPrefix
        : encodePrefixedUintKey(entryPrefix, options.before);
    const rows = [
      ...this.#table.range({ start: entryPrefix, end, reverse: true, limit: options.limit + 1 }),
    ];
    const items = rows.slice(0, options.limit).map((r) => entryFromValue(decodeTrusted(r.value)));
    const last = items.at(-1);
    return rows.length > options.limit && last !== undefined
      ? { items, next: last.seq }
      : { items };
  }

  count(): number {
    return this.#count;
  }

  #load(key: Uint8Array): CborValue {
    const value = this.#table.get(key);
    assert(value !== undefined, 'evidence: a key read from the table has a value');
    return decodeTrusted(value);
  }
}

type EvidenceLog = {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
};

/** Records evidence the consensus engine emitted, off its loop; failures are only logged. */
export function recordEvidence(
  store: EvidenceStore,
  evidence: Evidence,
  ctx: EvidenceContext,
  log: EvidenceLog,
): void {
  const v = evidence.first;
  const fields = { kind: evidence.kind, epoch: v.epoch, round: v.round, validator: v.voter };
  log.error(fields, 'evidence of a Byzantine validator');
  store.save(evidence, ctx).then(
    (result) => {
      if (typeof result === 'object')
        log.warn({ ...fields, reason: result.refused }, 'evidence refused');
    },
    (error: unknown) => log.warn({ ...fields, err: error }, 'recording evidence failed'),
  );
}
