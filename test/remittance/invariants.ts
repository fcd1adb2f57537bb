// The invariants every remittance test ends with, read from the whole state (a test-only scan):
// money is conserved per currency and every remittance's legs agree with its status.
import assert from 'node:assert/strict';
import {
  getRemittance,
  type Remittance,
  remittanceModuleName,
} from '../../src/apps/remittance/index.ts';
import { decodeStored, type MemoryState, modulePrefix } from '../../src/execution/index.ts';
import {
  type Account,
  bankModuleName,
  getCurrency,
  getTransfer,
  transferFlags,
} from '../../src/modules/bank/index.ts';
import { decodeAccount } from '../../src/modules/bank/records.ts';

/** What checkInvariants needs of a chain. */
export type ChainState = { readonly state: MemoryState };

/** Every account of the bank, decoded from the state (tests only: a full scan). */
export function allAccounts(state: MemoryState): Account[] {
  const prefix = [...modulePrefix(bankModuleName), 'a'.charCodeAt(0)];
  return state
    .entries()
    .filter((e) => e.key.length === prefix.length + 16 && prefix.every((b, i) => e.key[i] === b))
    .map((e) => decodeAccount(decodeStored(e.value, bankModuleName)));
}

export function allRemittances(state: MemoryState): Remittance[] {
  const prefix = [...modulePrefix(remittanceModuleName), 'r'.charCodeAt(0)];
  return state
    .entries()
    .filter((e) => e.key.length === prefix.length + 16 && prefix.every((b, i) => e.key[i] === b))
    .map((e) => getRemittance(state, e.key.slice(prefix.length))!);
}

const legStateOf: Record<string, string> = {
  pending: 'pending',
  held: 'pending',
  completed: 'posted',
  rejected: 'voided',
  refused: 'voided',
  expired: 'voided',
};

/**
 * The invariants every test ends with: per currency, balances add up to zero with the issuer
 * account (so holders hold exactly what was issued) and pending debits equal pending credits; every
 * remittance's four legs are all in the state its status implies, so none is both paid and refunded
 * and no leg is half-moved.
 */
export function checkInvariants(chain: ChainState): void {
  const accounts = allAccounts(chain.state);
  for (const code of ['HKD', 'PHP']) {
    const currency = getCurrency(chain.state, code);
    assert.ok(currency !== undefined);
    const mine = accounts.filter((a) => a.currency === code);
    const holders = mine.filter((a) => a.id.toString() !== currency.issuerAccountId.toString());
    const held = holders.reduce((sum, a) => sum + a.creditsPosted - a.debitsPosted, 0n);
    assert.equal(held, currency.supply, `${code}: balances add up to the supply`);
    const all = mine.reduce((sum, a) => sum + a.creditsPosted - a.debitsPosted, 0n);
    assert.equal(all, 0n, `${code}: double entry`);
    const debitsPending = mine.reduce((sum, a) => sum + a.debitsPending, 0n);
    const creditsPending = mine.reduce((sum, a) => sum + a.creditsPending, 0n);
    assert.equal(debitsPending, creditsPending, `${code}: pending debits equal pending credits`);
    for (const a of holders)
      assert.ok(a.creditsPosted >= a.debitsPosted + a.debitsPending, `${code}: no overdraft`);
  }
  for (const r of allRemittances(chain.state)) {
    const expected = legStateOf[r.status]!;
    for (const [leg, legId] of r.legs.entries()) {
      const t = getTransfer(chain.state, legId);
      assert.ok(t !== undefined, `remittance ${r.status}: leg ${leg + 1} exists`);
      // A remittance its receiving wallet's policy completed as it was sent has legs made posted:
      // plain transfers, which have no pending state to move.
      const madePosted = (t.flags & transferFlags.pending) === 0;
      if (madePosted) assert.equal(r.status, 'completed', `leg ${leg + 1} made posted`);
      const state = madePosted ? 'posted' : t.state;
      assert.equal(state, expected, `remittance ${r.status}: leg ${leg + 1} is ${state}`);
    }
    assert.equal(
      r.deadlineMs > 0,
      r.status === 'pending',
      'only a pending remittance has a deadline',
    );
  }
}
