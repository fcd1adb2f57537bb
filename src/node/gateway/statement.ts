// An account's statement between two times, from the blocks and state versions this node keeps:
// the posted balance before the first block in range and after the last, and one entry per bank
// transfer event that touches the account. Booked entries (posted, and posts of pending transfers)
// sum to closing - opening; pending, voided and expired entries are shown but move no balance.
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
  timeMs: number,
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
    timeMs,
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

export function buildStatement(
  deps: { blocks: BlockStore; state: StateTree; latest: StateReader; orgId: string },
  accountId: Uint8Array,
  fromMs: number,
  toMs: number,
): Statement {
  const account = getAccount(deps.latest, accountId);
  if (account === undefined)
    throw new TallyError('not_found', `account ${toHex(accountId)} not found`);
  const currency = getCurrency(deps.latest, account.currency);
  const tip = deps.blocks.executed()?.height ?? 0;
  const base = Math.max(1, (deps.blocks.baseHeight() ?? 0) + 1);
  const first = firstHeightAtOrAfter(deps.blocks, fromMs, base, tip);
  const end = firstHeightAtOrAfter(deps.blocks, toMs, base, tip); // exclusive
  if (end - first > statementBlocksMax)
    throw new TallyError(
      'range_too_large',
      `the range spans ${end - first} blocks; at most ${statementBlocksMax} in one statement`,
    );
  const entries: StatementEntry[] = [];
  for (let height = first; height < end; height++) {
    const timeMs = deps.blocks.blockAt(height)?.header.timeMs ?? 0;
    for (const receipt of deps.blocks.receiptsAt(height)) {
      if (receipt.code !== 'ok') continue;
      for (const event of receipt.events) {
        if (event.module !== bankModuleName) continue;
        if (event.type !== 'transfer_created' && event.type !== 'transfer_expired') continue;
        const entry = entryOf(
          event.attributes as TransferEvent,
          event.type,
          accountId,
          height,
          timeMs,
        );
        if (entry !== undefined) entries.push(entry);
      }
    }
  }
  return {
    orgId: deps.orgId,
    accountId: toHex(accountId),
    currency: account.currency,
    decimals: currency?.decimals ?? 0,
    fromMs,
    toMs,
    opening: postedBalance(deps.state, first - 1, accountId),
    closing: postedBalance(deps.state, end - 1, accountId),
    entries,
  };
}
