// The events the bank emits; their attributes are what the API and the explorers show.
import type { BlockContext, EventAttributes } from '../../execution/index.ts';
import { accountFlags, transferFlags } from './constants.ts';
import type { Account, Currency, Transfer } from './records.ts';

type FlagBits = ReadonlyArray<readonly [string, number]>;

// Listed once: an event is emitted for every transfer.
const transferFlagBits: FlagBits = Object.entries(transferFlags);
const accountFlagBits: FlagBits = Object.entries(accountFlags);

/** The names of the bits set in `flags`, in the order the flag table lists them. */
function flagNames(flags: number, bits: FlagBits): string[] {
  const names: string[] = [];
  for (const [name, bit] of bits) if ((flags & bit) !== 0) names.push(name);
  return names;
}

function transferAttributes(t: Transfer): EventAttributes {
  const attributes: { [key: string]: EventAttributes[string] } = {
    id: t.id,
    debitAccountId: t.debitAccountId,
    creditAccountId: t.creditAccountId,
    amount: t.amount,
    currency: t.currency,
    flags: flagNames(t.flags, transferFlagBits),
  };
  if (t.pendingId !== null) attributes.pendingId = t.pendingId;
  if (t.expiresAtMs !== 0) attributes.expiresAtMs = t.expiresAtMs;
  // What the client keeps with the transfer (an invoice, a UETR): statements show it as the reference.
  if (t.userData !== undefined && t.userData.length > 0) attributes.userData = t.userData;
  return attributes;
}

export function emitTransferCreated(ctx: BlockContext, t: Transfer): void {
  ctx.emit('transfer_created', transferAttributes(t));
}

export function emitTransferExpired(ctx: BlockContext, t: Transfer): void {
  ctx.emit('transfer_expired', transferAttributes(t));
}

export function emitTransferFailed(
  ctx: BlockContext,
  index: number,
  id: Uint8Array,
  code: string,
): void {
  ctx.emit('transfer_failed', { index, id, code });
}

export function emitAccountCreated(ctx: BlockContext, a: Account): void {
  ctx.emit('account_created', {
    id: a.id,
    currency: a.currency,
    owner: a.owner,
    flags: flagNames(a.flags, accountFlagBits),
  });
}

export function emitAccountClosed(ctx: BlockContext, a: Account): void {
  ctx.emit('account_closed', { id: a.id });
}

export function emitCurrencyRegistered(ctx: BlockContext, c: Currency): void {
  ctx.emit('currency_registered', {
    code: c.code,
    decimals: c.decimals,
    issuer: c.issuer,
    issuerAccountId: c.issuerAccountId,
  });
}
