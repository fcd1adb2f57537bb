// Where the remittance module keeps its data in its key space, and typed access to it. State has
// point reads only, so lists are counters plus numbered entries (as the bank's expiry queue does).
// Records (written once, never changed or deleted; placed by height in the state tree, so cheaper to
// add than a hashed key): r remittance as sent, v Travel-Rule envelope, u used quote, O a closed
// chunk of an organisation's log. State: S a remittance's status after the send, c corridor,
// i/I corridor list, p acceptance policy, k KYC level, d/m daily/monthly usage, s/e/x sanctions
// list, w/q/Q expiry queues, o log head, n net obligations per day.
import { allocateBytes, type CborValue } from '../../codec/index.ts';
import type { ModuleState, ModuleStateReader } from '../../execution/index.ts';
import { encodeUintBE } from '../../modules/bank/store.ts';
import { assert } from '../../util/assert.ts';
import { taggedKey, utf8 } from '../../util/bytes.ts';
import { remittanceIdBytes } from './constants.ts';
import {
  type AcceptancePolicy,
  type Corridor,
  decodeCorridor,
  decodeKyc,
  decodeLogHead,
  decodeObligations,
  decodePolicy,
  decodeRemittance,
  decodeSanctionsEntry,
  decodeSanctionsMeta,
  decodeUint64,
  decodeUintList,
  encodeCorridor,
  encodeKyc,
  encodeLaterStatus,
  encodeLogHead,
  encodeObligations,
  encodePolicy,
  encodeRemittance,
  encodeSanctionsEntry,
  encodeSanctionsMeta,
  type KycRecord,
  type LogHead,
  type Obligation,
  type Remittance,
  type SanctionsEntry,
  type SanctionsMeta,
  withLaterStatus,
} from './records.ts';

function checkId(id: Uint8Array): Uint8Array {
  assert(id.length === remittanceIdBytes, `an id is ${remittanceIdBytes} bytes`);
  return id;
}

/**
 * An organisation's log: remittance ids in closed chunks of this many (256 bytes), each written once,
 * and a head record with the ids after them. An append rewrites only the head, on average half a
 * chunk. One 1 KiB chunk per organisation, rewritten on every send with a count beside it, had made
 * the five logs more than a quarter of a send's execution time.
 */
export const logChunkIds = 16;

export const remittanceKeys = {
  remittance: (id: Uint8Array) => taggedKey('r', checkId(id)),
  laterStatus: (id: Uint8Array) => taggedKey('S', checkId(id)),
  envelope: (id: Uint8Array) => taggedKey('v', checkId(id)),
  corridor: (id: string) => taggedKey('c', utf8(id)),
  corridorCount: () => taggedKey('i'),
  corridorAt: (index: number) => taggedKey('I', encodeUintBE(index, 4)),
  policy: (corridor: string) => taggedKey('p', utf8(corridor)),
  kyc: (accountId: Uint8Array) => taggedKey('k', checkId(accountId)),
  dailyUsage: (accountId: Uint8Array, day: number) =>
    taggedKey('d', checkId(accountId), encodeUintBE(day, 4)),
  monthlyUsage: (accountId: Uint8Array, month: number) =>
    taggedKey('m', checkId(accountId), encodeUintBE(month, 4)),
  quoteUsed: (provider: string, quoteId: Uint8Array) =>
    taggedKey('u', checkId(quoteId), utf8(provider)),
  sanctions: () => taggedKey('s'),
  sanctionsEntry: (index: number) => taggedKey('e', encodeUintBE(index, 4)),
  sanctionsIndex: (key: Uint8Array) => taggedKey('x', key),
  queueWindows: () => taggedKey('w'),
  queue: (windowSec: number) => taggedKey('q', encodeUintBE(windowSec, 4)),
  queueEntry: (windowSec: number, index: number) =>
    taggedKey('Q', encodeUintBE(windowSec, 4), encodeUintBE(index, 8)),
  logHead: (org: string) => taggedKey('o', utf8(org)),
  logChunk: (org: string, chunk: number) => taggedKey('O', encodeUintBE(chunk, 4), utf8(org)),
  obligations: (day: number) => taggedKey('n', encodeUintBE(day, 4)),
};

/** Reads the module's records from committed state or from a transaction's state. */
export class RemittanceReader {
  constructor(protected readonly state: ModuleStateReader) {}

  /** The remittance as sent (a record), with the status it has moved to since, if any. */
  remittance(id: Uint8Array): Remittance | undefined {
    const sent = this.state.records.get(remittanceKeys.remittance(id));
    if (sent === undefined) return undefined;
    const r = decodeRemittance(sent);
    const later = this.state.get(remittanceKeys.laterStatus(id));
    return later === undefined ? r : withLaterStatus(r, later);
  }

  hasRemittance(id: Uint8Array): boolean {
    return this.state.records.has(remittanceKeys.remittance(id));
  }

  envelope(id: Uint8Array): Uint8Array | undefined {
    const v = this.state.records.get(remittanceKeys.envelope(id));
    assert(v === undefined || v instanceof Uint8Array, 'an envelope is stored as bytes');
    return v;
  }

  corridor(id: string): Corridor | undefined {
    const v = this.state.get(remittanceKeys.corridor(id));
    return v === undefined ? undefined : decodeCorridor(v);
  }

  corridorCount(): number {
    return this.count(remittanceKeys.corridorCount(), 'corridor count');
  }

  corridorAt(index: number): string {
    const v = this.state.get(remittanceKeys.corridorAt(index));
    assert(typeof v === 'string', 'a corridor list entry names a corridor');
    return v;
  }

  policy(corridor: string): AcceptancePolicy | undefined {
    const v = this.state.get(remittanceKeys.policy(corridor));
    return v === undefined ? undefined : decodePolicy(v);
  }

  kyc(accountId: Uint8Array): KycRecord | undefined {
    const v = this.state.get(remittanceKeys.kyc(accountId));
    return v === undefined ? undefined : decodeKyc(v);
  }

  amount(key: Uint8Array, what: string): bigint {
    const v = this.state.get(key);
    return v === undefined ? 0n : decodeUint64(v, what);
  }

  isQuoteUsed(provider: string, quoteId: Uint8Array): boolean {
    return this.state.records.has(remittanceKeys.quoteUsed(provider, quoteId));
  }

  sanctionsMeta(): SanctionsMeta | undefined {
    const v = this.state.get(remittanceKeys.sanctions());
    return v === undefined ? undefined : decodeSanctionsMeta(v);
  }

  sanctionsEntry(index: number): SanctionsEntry {
    const v = this.state.get(remittanceKeys.sanctionsEntry(index));
    assert(v !== undefined, 'a counted sanctions entry exists');
    return decodeSanctionsEntry(v);
  }

  /** The indices of the sanctions entries holding `key`. */
  sanctionsIndex(key: Uint8Array): number[] {
    const v = this.state.get(remittanceKeys.sanctionsIndex(key));
    return v === undefined ? [] : decodeUintList(v, 'sanctions index');
  }

  queueWindows(): number[] {
    const v = this.state.get(remittanceKeys.queueWindows());
    return v === undefined ? [] : decodeUintList(v, 'queue windows');
  }

  logHead(org: string): LogHead {
    const v = this.state.get(remittanceKeys.logHead(org));
    return v === undefined ? { closedChunks: 0, open: new Uint8Array(0) } : decodeLogHead(v);
  }

  /** How many remittance ids an organisation's log holds. */
  logCount(org: string, head = this.logHead(org)): number {
    return head.closedChunks * logChunkIds + head.open.length / remittanceIdBytes;
  }

  /**
   * The `index`-th id of an organisation's log, oldest first; `index` is below logCount. A reader
   * of many entries passes the head it read once.
   */
  logEntry(org: string, index: number, head = this.logHead(org)): Uint8Array {
    const chunk = Math.floor(index / logChunkIds);
    const ids =
      chunk < head.closedChunks
        ? this.state.records.get(remittanceKeys.logChunk(org, chunk))
        : chunk === head.closedChunks
          ? head.open
          : undefined;
    const at = (index % logChunkIds) * remittanceIdBytes;
    assert(
      ids instanceof Uint8Array && ids.length >= at + remittanceIdBytes,
      'the log holds the remittance ids up to its count',
    );
    return ids.slice(at, at + remittanceIdBytes);
  }

  obligations(day: number): Obligation[] {
    const v = this.state.get(remittanceKeys.obligations(day));
    return v === undefined ? [] : decodeObligations(v);
  }

  raw(key: Uint8Array): CborValue | undefined {
    return this.state.get(key);
  }

  protected count(key: Uint8Array, what: string): number {
    return Number(this.amount(key, what));
  }
}

/** Reads and writes the module's records within a transaction or hook. */
export class RemittanceStore extends RemittanceReader {
  constructor(private readonly writable: ModuleState) {
    super(writable);
  }

  /**
   * Saves `r`: a new one (`sent`) as its record, a later status change as the status key beside it.
   * Most remittances are accepted as they are sent and never change again: they cost one record.
   */
  putRemittance(r: Remittance, sent: boolean): void {
    assert(r.totalDebit === r.sendAmount + r.fee, 'totalDebit is sendAmount + fee');
    assert(
      r.status === 'pending' ? r.deadlineMs > 0 : r.deadlineMs === 0,
      'only pending has a deadline',
    );
    if (sent) this.writable.records.add(remittanceKeys.remittance(r.id), encodeRemittance(r));
    else this.writable.set(remittanceKeys.laterStatus(r.id), encodeLaterStatus(r));
  }

  putEnvelope(id: Uint8Array, envelope: Uint8Array): void {
    this.writable.records.add(remittanceKeys.envelope(id), envelope);
  }

  /** Saves a corridor; a new one is appended to the corridor list. */
  putCorridor(c: Corridor): void {
    const key = remittanceKeys.corridor(c.id);
    if (!this.writable.has(key)) {
      const n = this.corridorCount();
      this.writable.set(remittanceKeys.corridorAt(n), c.id);
      this.writable.set(remittanceKeys.corridorCount(), n + 1);
    }
    this.writable.set(key, encodeCorridor(c));
  }

  putPolicy(corridor: string, p: AcceptancePolicy): void {
    this.writable.set(remittanceKeys.policy(corridor), encodePolicy(p));
  }

  putKyc(accountId: Uint8Array, k: KycRecord): void {
    this.writable.set(remittanceKeys.kyc(accountId), encodeKyc(k));
  }

  /** Adds `delta` (negative to give back) to a stored amount; zero deletes the key. */
  addAmount(key: Uint8Array, delta: bigint, what: string): bigint {
    const next = this.amount(key, what) + delta;
    assert(next >= 0n, `${what} never goes below zero`);
    if (next === 0n) this.writable.delete(key);
    else this.writable.set(key, next);
    return next;
  }

  /**
   * Marks a quote used, for good: the record costs less than the remittance it paid for, and where
   * one that was forgotten after its expiry took a hashed key, a queue entry and a delete later,
   * this is one record added in the send's block.
   */
  markQuoteUsed(provider: string, quoteId: Uint8Array, remittanceId: Uint8Array): void {
    this.writable.records.add(remittanceKeys.quoteUsed(provider, quoteId), remittanceId);
  }

  putSanctionsMeta(m: SanctionsMeta): void {
    this.writable.set(remittanceKeys.sanctions(), encodeSanctionsMeta(m));
  }

  putSanctionsEntry(index: number, e: SanctionsEntry | null): void {
    const key = remittanceKeys.sanctionsEntry(index);
    if (e === null) this.writable.delete(key);
    else this.writable.set(key, encodeSanctionsEntry(e));
  }

  putSanctionsIndex(key: Uint8Array, indices: readonly number[]): void {
    const k = remittanceKeys.sanctionsIndex(key);
    if (indices.length === 0) this.writable.delete(k);
    else this.writable.set(k, [...indices]);
  }

  putQueueWindows(windows: readonly number[]): void {
    this.writable.set(remittanceKeys.queueWindows(), [...windows]);
  }

  /** Appends a remittance id to an organisation's log: to its head, which closes when full. */
  appendLog(org: string, id: Uint8Array): void {
    checkId(id);
    const head = this.logHead(org);
    // allocateBytes: a new Uint8Array over 64 bytes costs an allocation outside V8's heap.
    const open = allocateBytes(head.open.length + remittanceIdBytes);
    open.set(head.open);
    open.set(id, head.open.length);
    if (open.length < logChunkIds * remittanceIdBytes) {
      this.writable.set(remittanceKeys.logHead(org), encodeLogHead({ ...head, open }));
      return;
    }
    this.writable.records.add(remittanceKeys.logChunk(org, head.closedChunks), open);
    this.writable.set(
      remittanceKeys.logHead(org),
      encodeLogHead({ closedChunks: head.closedChunks + 1, open: new Uint8Array(0) }),
    );
  }

  putObligations(day: number, list: readonly Obligation[]): void {
    this.writable.set(remittanceKeys.obligations(day), encodeObligations(list));
  }

  putRaw(key: Uint8Array, value: CborValue | null): void {
    if (value === null) this.writable.delete(key);
    else this.writable.set(key, value);
  }
}
