// The queue of pending transfers waiting to expire, swept at block time with bounded work per block.
// State offers only point reads, so the queue is a calendar: per-second buckets of entries, with live
// counts per 1,024 s and per 2^20 s, so that a sweep skips empty stretches in a few steps. A cursor
// (second, index) marks the next entry to look at; it never passes the block's second + 1, and every
// new entry lands after it, since a timeout is at least one second.
import { readTuple, readUint } from '../../codec/index.ts';
import type { BlockContext } from '../../execution/index.ts';
import { assert } from '../../util/assert.ts';
import { expirySweepStepsPerBlockMax } from './constants.ts';
import { decoding, type ExpirySlot, type Transfer } from './records.ts';
import { type BankStore, bankKeys } from './store.ts';

const level1Sec = 1024;
const level2Sec = 1024 * 1024;

type Queue = { sec: number; index: number; live: number; lastTimeMs: number };

function readQueue(store: BankStore): Queue | undefined {
  const value = store.raw(bankKeys.queue());
  if (value === undefined) return undefined;
  return decoding('queue', () => {
    const f = readTuple(value, 'queue', 4);
    return {
      sec: readUint(f[0], 'sec'),
      index: readUint(f[1], 'index'),
      live: readUint(f[2], 'live'),
      lastTimeMs: readUint(f[3], 'lastTimeMs'),
    };
  });
}

function writeQueue(store: BankStore, q: Queue): void {
  assert(q.live >= 0, 'the queue never counts fewer than zero entries');
  store.putRaw(bankKeys.queue(), [q.sec, q.index, q.live, q.lastTimeMs]);
}

function readCount(store: BankStore, key: Uint8Array): number {
  const value = store.raw(key);
  return value === undefined ? 0 : decoding('count', () => readUint(value, 'count'));
}

function addCount(store: BankStore, key: Uint8Array, delta: number): void {
  const count = readCount(store, key) + delta;
  assert(count >= 0, 'a queue count never goes below zero');
  store.putRaw(key, count === 0 ? null : count);
}

function readBucket(store: BankStore, sec: number): { n: number; live: number } | undefined {
  const value = store.raw(bankKeys.bucket(sec));
  if (value === undefined) return undefined;
  return decoding('bucket', () => {
    const f = readTuple(value, 'bucket', 2);
    return { n: readUint(f[0], 'n'), live: readUint(f[1], 'live') };
  });
}

/** The second a block at `timeMs` sweeps up to, plus one: no new entry can land before it. */
function nextSec(timeMs: number): number {
  return Math.floor(timeMs / 1000) + 1;
}

/**
 * When a pending transfer made at `timeMs` with `timeoutSec` expires: the timeout after block time,
 * rounded up to a whole second, so that the sweep, which works in whole seconds, is exact.
 */
export function expiryOf(timeMs: number, timeoutSec: number): number {
  assert(timeoutSec > 0, 'only a timeout expires');
  return Math.ceil((timeMs + timeoutSec * 1000) / 1000) * 1000;
}

/** Puts a pending transfer in the queue; returns its slot, kept in the transfer to take it out. */
export function enqueueExpiry(
  store: BankStore,
  timeMs: number,
  expiresAtMs: number,
  id: Uint8Array,
): ExpirySlot {
  assert(expiresAtMs >= timeMs + 1000, 'a pending transfer expires at least one second later');
  assert(expiresAtMs % 1000 === 0, 'expiry falls on a whole second');
  const sec = expiresAtMs / 1000;
  const q = readQueue(store) ?? { sec: nextSec(timeMs), index: 0, live: 0, lastTimeMs: timeMs };
  if (q.live === 0) {
    q.sec = nextSec(timeMs); // the queue is empty: nothing behind this second needs a visit
    q.index = 0;
  }
  assert(sec >= q.sec, 'a new entry never lands behind the sweep cursor');
  const bucket = readBucket(store, sec) ?? { n: 0, live: 0 };
  const slot = { sec, index: bucket.n };
  store.putRaw(bankKeys.bucket(sec), [bucket.n + 1, bucket.live + 1]);
  store.putRaw(bankKeys.entry(sec, slot.index), id);
  addCount(store, bankKeys.level1(Math.floor(sec / level1Sec)), 1);
  addCount(store, bankKeys.level2(Math.floor(sec / level2Sec)), 1);
  q.live += 1;
  writeQueue(store, q);
  return slot;
}

function removeSlot(store: BankStore, q: Queue, slot: ExpirySlot): void {
  const bucket = readBucket(store, slot.sec);
  assert(bucket !== undefined && bucket.live > 0, 'a slot being removed is in a live bucket');
  store.putRaw(bankKeys.entry(slot.sec, slot.index), null);
  if (bucket.live === 1) {
    store.putRaw(bankKeys.bucket(slot.sec), null);
    if (q.sec === slot.sec) q.index = 0; // a bucket made again later numbers its entries from 0
  } else {
    store.putRaw(bankKeys.bucket(slot.sec), [bucket.n, bucket.live - 1]);
  }
  addCount(store, bankKeys.level1(Math.floor(slot.sec / level1Sec)), -1);
  addCount(store, bankKeys.level2(Math.floor(slot.sec / level2Sec)), -1);
  q.live -= 1;
}

/** Takes a pending transfer out of the queue when it is posted or voided. */
export function dequeueExpiry(store: BankStore, slot: ExpirySlot): void {
  const q = readQueue(store);
  assert(q !== undefined, 'a queued transfer implies a queue');
  removeSlot(store, q, slot);
  writeQueue(store, q);
}

export type ExpireFn = (transfer: Transfer) => void;

/**
 * Expires what is due at the block's time, in (second, index) order, at most
 * `expirySweepStepsPerBlockMax` steps; the rest waits for the next block. Returns the steps used.
 */
export function sweepExpiries(ctx: BlockContext, store: BankStore, expire: ExpireFn): number {
  const q = readQueue(store);
  if (q === undefined) return 0;
  const timeMs = ctx.block.timeMs;
  assert(timeMs >= q.lastTimeMs, 'block time never goes back');
  q.lastTimeMs = timeMs;
  const lastSec = nextSec(timeMs) - 1;
  let steps = 0;
  while (steps < expirySweepStepsPerBlockMax && q.live > 0 && q.sec <= lastSec) {
    steps += 1;
    const skipTo = emptyStretchEnd(store, q.sec);
    if (skipTo !== undefined) {
      q.sec = Math.min(skipTo, lastSec + 1);
      q.index = 0;
      continue;
    }
    const bucket = readBucket(store, q.sec);
    if (bucket === undefined || q.index >= bucket.n) {
      q.sec += 1;
      q.index = 0;
      continue;
    }
    const id = store.raw(bankKeys.entry(q.sec, q.index));
    q.index += 1;
    if (id === undefined) continue; // posted or voided before it expired
    assert(id instanceof Uint8Array, 'a queue entry holds a transfer id');
    const transfer = store.transfer(id);
    assert(transfer?.state === 'pending', 'a live queue entry names a pending transfer');
    assert(transfer.expiresAtMs <= timeMs, 'a swept transfer is due');
    assert(transfer.expirySlot !== null, 'a queued transfer knows its slot');
    removeSlot(store, q, transfer.expirySlot);
    transfer.expirySlot = null;
    expire(transfer);
  }
  // An idle queue is left as it is, so that a quiet block changes no state.
  if (steps > 0) writeQueue(store, q);
  return steps;
}

/** When the stretch holding `sec` has no live entry at all: the second where that stretch ends. */
function emptyStretchEnd(store: BankStore, sec: number): number | undefined {
  const slot2 = Math.floor(sec / level2Sec);
  if (readCount(store, bankKeys.level2(slot2)) === 0) return (slot2 + 1) * level2Sec;
  const slot1 = Math.floor(sec / level1Sec);
  if (readCount(store, bankKeys.level1(slot1)) === 0) return (slot1 + 1) * level1Sec;
  return undefined;
}
