// An account's statement between two times, from the blocks this node keeps: one entry per bank
// transfer event that touches the account, and the posted balance after the last block in range
// (closing) and before the first (opening). Booked entries (posted, and posts of pending transfers)
// sum to closing - opening; pending, voided and expired entries are shown but move no balance.
//
// Only the closing balance is read from a state version, and that version need not be the range's
// own: when the node has pruned it (`prune.keepStates`), the oldest version it keeps above the range
// is read and the entries booked between the two are taken off. The opening balance is the closing
// one less the range's booked entries. A state window therefore limits statements only through the
// blocks to read, which the statement's block budget bounds.
import type { Statement, StatementEntry } from '../../apps/remittance/iso20022/types.ts';
import type { CborValue } from '../../codec/index.ts';
import type { StateReader } from '../../execution/types.ts';
import type { BlockStore } from '../../ledger/block-store.ts';
import type { StateTree } from '../../ledger/state/index.ts';
import { bankModuleName, getAccount, getCurrency } from '../../modules/bank/index.ts';
import { bytesEqual, toHex } from '../../util/bytes.ts';
import { TallyError } from '../../util/errors.ts';

/** Blocks one statement may read: a day of one block a second, with room. */
export const statementBlocksMax = 200_000;

function readerAt(state: StateTree, height: number): StateReader {
  return { get: (key) => state.get(key, height) ?? undefined };
}

/** The first height whose block time is at least `timeMs` (heights 1..tip), or tip + 1. */
function firstHeightAtOrAfter(
  blocks: BlockStore,
  timeMs: number,
  base: number,
  tip: number,
): number {
  let lo = base;
  let hi = tip + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const block = blocks.blockAt(mid);
    if (block === undefined || block.header.timeMs < timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function postedBalance(state: StateTree, height: number, accountId: Uint8Array): bigint {
  if (height < 1) return 0n;
  const account = getAccount(readerAt(state, height), accountId);
  return account === undefined ? 0n : account.creditsPosted - account.debitsPosted;
}

type TransferEvent = { [key: string]: CborValue };

function entryOf(
  attributes: TransferEvent,
  type: string,
  accountId: Uint8Array,
  height: number,
  timeOf: () => number,
): StatementEntry | undefined {
  const debit = attributes.debitAccountId;
  const credit = attributes.creditAccountId;
  if (!(debit instanceof Uint8Array) || !(credit instanceof Uint8Array)) return undefined;
  const isDebit = bytesEqual(debit, accountId);
  if (!isDebit && !bytesEqual(credit, accountId)) return undefined;
  const flags = Array.isArray(attributes.flags) ? attributes.flags : [];
  const status: StatementEntry['status'] =
    type === 'transfer_expired'
      ? 'expired'
      : flags.includes('void_pending')
        ? 'voided'
        : flags.includes('pending')
          ? 'pending'
          : 'posted';
  const userData = attributes.userData;
  return {
    transferId: attributes.id instanceof Uint8Array ? toHex(attributes.id) : '',
    height,
    timeMs: timeOf(),
    direction: isDebit ? 'debit' : 'credit',
    amount:
      // Decoded receipts give small integers as numbers and large ones as bigints.
      typeof attributes.amount === 'number'
        ? BigInt(attributes.amount)
        : (attributes.amount as bigint),
    counterpartyAccountId: toHex(isDebit ? credit : debit),
    status,
    ...(userData instanceof Uint8Array && userData.length > 0
      ? { reference: toHex(userData) }
      : {}),
  };
}

export type StatementDeps = {
  readonly blocks: BlockStore;
  readonly state: StateTree;
  readonly latest: StateReader;
  readonly orgId: string;
  /** Blocks one statement may read (default statementBlocksMax). */
  readonly blocksMax?: number;
};

export function buildStatement(
  deps: StatementDeps,
  accountId: Uint8Array,
  fromMs: number,
  toMs: number,
): Statement {
  const blocksMax = deps.blocksMax ?? statementBlocksMax;
  const account = getAccount(deps.latest, accountId);
  if (account === undefined)
    throw new TallyError('not_found', `account ${toHex(accountId)} not found`);
  const currency = getCurrency(deps.latest, account.currency);
  const tip = deps.blocks.executed()?.height ?? 0;
  const base = Math.max(1, (deps.blocks.baseHeight() ?? 0) + 1);
  const first = firstHeightAtOrAfter(deps.blocks, fromMs, base, tip);
  const end = firstHeightAtOrAfter(deps.blocks, toMs, base, tip); // exclusive
  checkBlocksHeld(deps.blocks, base, first);
  // The closing balance is read at `closingRead`; the blocks between it and the range are read too.
  const closingRead = end - 1 < 1 ? end - 1 : stateHeightAtOrAbove(deps.state, end - 1);
  const blocksRead = end - first + (closingRead - (end - 1));
  if (blocksRead > blocksMax)
    throw new TallyError(
      'range_too_large',
      closingRead === end - 1
        ? `the range spans ${end - first} blocks; at most ${blocksMax} in one statement`
        : `the statement would read ${blocksRead} blocks: the range's ${end - first} and ${closingRead - end + 1} more up to height ${closingRead}, the oldest state version this node keeps above it; at most ${blocksMax} in one statement`,
    );
  const entries = entriesIn(deps.blocks, accountId, first, end);
  const bookedAfter = booked(entriesIn(deps.blocks, accountId, end, closingRead + 1));
  const closing = postedBalance(deps.state, closingRead, accountId) - bookedAfter;
  return {
    orgId: deps.orgId,
    accountId: toHex(accountId),
    currency: account.currency,
    decimals: currency?.decimals ?? 0,
    fromMs,
    toMs,
    opening: closing - booked(entries),
    closing,
    entries,
  };
}

/**
 * Refuses a range that may begin before the oldest block this node keeps (pruned, or below the
 * snapshot it started from): the search starts there, so a range found to begin exactly there may
 * also cover blocks below it, whose entries are gone.
 */
function checkBlocksHeld(blocks: BlockStore, base: number, first: number): void {
  if (base <= 1 || first !== base) return;
  const timeMs = blocks.blockAt(base)?.header.timeMs;
  const when = timeMs === undefined ? '' : ` (${new Date(timeMs).toISOString()})`;
  throw new TallyError(
    'block_height_unavailable',
    `the range may begin before height ${base}, the oldest block whose entries this node keeps${when}; ask for a range that begins after that block`,
    { details: { oldestHeight: base } },
  );
}

/** The lowest state version at or above `height` that the tree keeps. */
function stateHeightAtOrAbove(state: StateTree, height: number): number {
  const oldest = state.oldestHeight;
  if (oldest === undefined || height >= oldest) return height;
  return oldest;
}

/** One entry per bank transfer event of the account in blocks [from, to). */
function entriesIn(
  blocks: BlockStore,
  accountId: Uint8Array,
  from: number,
  to: number,
): StatementEntry[] {
  const entries: StatementEntry[] = [];
  for (let height = from; height < to; height++) {
    // Most blocks hold nothing of the account: a block (all its transactions) is read for its time
    // only once an entry needs it.
    let timeMs: number | undefined;
    const timeOf = () => {
      timeMs ??= blocks.blockAt(height)?.header.timeMs ?? 0;
      return timeMs;
    };
    for (const receipt of blocks.receiptsAt(height)) {
      if (receipt.code !== 'ok') continue;
      for (const event of receipt.events) {
        if (event.module !== bankModuleName) continue;
        if (event.type !== 'transfer_created' && event.type !== 'transfer_expired') continue;
        const entry = entryOf(
          event.attributes as TransferEvent,
          event.type,
          accountId,
          height,
          timeOf,
        );
        if (entry !== undefined) entries.push(entry);
      }
    }
  }
  return entries;
}

/** What the booked entries moved the posted balance by: credits less debits. */
function booked(entries: readonly StatementEntry[]): bigint {
  let sum = 0n;
  for (const e of entries) {
    if (e.status !== 'posted') continue;
    sum += e.direction === 'credit' ? e.amount : -e.amount;
  }
  return sum;
}
