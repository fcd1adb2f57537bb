// An independent model of the bank for the auditor test: plain maps and numbers, written from the
// rules (TigerBeetle's transfer model and the bank's documented check order), sharing no code with
// src/modules/bank. Ids are small numbers; keys are numbers too.

export type ModelAccount = {
  currency: string;
  owner: number;
  dmnec: boolean;
  cmned: boolean;
  closed: boolean;
  dp: bigint;
  dpo: bigint;
  cp: bigint;
  cpo: bigint;
};
export type ModelCurrency = { issuer: number; issuerAccount: number; supply: bigint };
export type ModelTransfer = {
  flags: string;
  pendingId: number;
  timeout: number;
  debit: number;
  credit: number;
  amount: bigint;
  currency: string;
  state: 'none' | 'pending' | 'posted' | 'voided' | 'expired';
  expiresAt: number;
};
/** A transfer request as the test sends it; 0 ids and undefined fields mean "not given". */
export type ModelRequest = {
  id: number;
  debit: number;
  credit: number;
  amount: bigint | undefined;
  currency: string | undefined;
  pendingId: number;
  timeout: number;
  flags: string[];
};

export type ModelState = {
  currencies: Map<string, ModelCurrency>;
  accounts: Map<number, ModelAccount>;
  transfers: Map<number, ModelTransfer>;
};

export function cloneState(s: ModelState): ModelState {
  return {
    currencies: new Map([...s.currencies].map(([k, v]) => [k, { ...v }])),
    accounts: new Map([...s.accounts].map(([k, v]) => [k, { ...v }])),
    transfers: new Map([...s.transfers].map(([k, v]) => [k, { ...v }])),
  };
}

const flagOrder = ['linked', 'pending', 'post_pending', 'void_pending', 'issue', 'redeem'];
const flagKey = (flags: string[]) => flagOrder.filter((f) => flags.includes(f)).join(',');

export function modelRegister(
  s: ModelState,
  code: string,
  issuer: number,
  issuerAccount: number,
): void {
  s.currencies.set(code, { issuer, issuerAccount, supply: 0n });
  s.accounts.set(issuerAccount, newAccount(code, issuer, false, false));
}

function newAccount(currency: string, owner: number, dmnec: boolean, cmned: boolean): ModelAccount {
  return { currency, owner, dmnec, cmned, closed: false, dp: 0n, dpo: 0n, cp: 0n, cpo: 0n };
}

export function modelCreateAccount(
  s: ModelState,
  signer: number,
  n: number,
  currency: string,
  flags: string[],
): string {
  const dmnec = flags.includes('debits_must_not_exceed_credits');
  const cmned = flags.includes('credits_must_not_exceed_debits');
  if (dmnec && cmned) return 'flags_are_mutually_exclusive';
  const e = s.accounts.get(n);
  if (e !== undefined) {
    if (e.dmnec !== dmnec || e.cmned !== cmned) return 'exists_with_different_flags';
    if (e.currency !== currency) return 'exists_with_different_ledger';
    if (e.owner !== signer) return 'exists_with_different_owner';
    return 'exists';
  }
  const c = s.currencies.get(currency);
  if (c === undefined) return 'currency_not_found';
  if (!dmnec && c.issuer !== signer) return 'debits_must_not_exceed_credits_required';
  s.accounts.set(n, newAccount(currency, signer, dmnec, cmned));
  return 'ok';
}

export function modelClose(s: ModelState, signer: number, n: number): string {
  const a = s.accounts.get(n);
  if (a === undefined) return 'account_not_found';
  if (s.currencies.get(a.currency)?.issuerAccount === n) return 'issuer_account_reserved';
  if (a.owner !== signer) return 'not_authorized';
  if (a.closed) return 'account_already_closed';
  a.closed = true;
  return 'ok';
}

/** issue and redeem: the currency and issuer checks, then a transfer with the issue/redeem flag. */
export function modelSupply(
  s: ModelState,
  timeMs: number,
  signer: number,
  kind: 'issue' | 'redeem',
  id: number,
  account: number,
  amount: bigint,
  currency: string,
): string {
  const c = s.currencies.get(currency);
  if (c === undefined) return 'currency_not_found';
  if (c.issuer !== signer) return 'not_issuer';
  const [debit, credit] =
    kind === 'issue' ? [c.issuerAccount, account] : [account, c.issuerAccount];
  return modelTransfer(s, timeMs, signer, {
    id,
    debit,
    credit,
    amount,
    currency,
    pendingId: 0,
    timeout: 0,
    flags: [kind],
  });
}

export function modelTransfer(
  s: ModelState,
  timeMs: number,
  signer: number,
  r: ModelRequest,
): string {
  const resolving = r.flags.includes('post_pending') || r.flags.includes('void_pending');
  if (r.debit !== 0 && r.debit === r.credit) return 'accounts_must_be_different';
  if (resolving) {
    if (r.pendingId === r.id) return 'pending_id_must_be_different';
  } else if (r.amount === undefined || r.amount === 0n) return 'amount_must_not_be_zero';
  if (resolving && r.amount === 0n) return 'amount_must_not_be_zero';
  const e = s.transfers.get(r.id);
  if (e !== undefined) return compare(s, r, e);
  return resolving ? resolve(s, timeMs, signer, r) : create(s, timeMs, signer, r);
}

function compare(s: ModelState, r: ModelRequest, e: ModelTransfer): string {
  if (flagKey(r.flags) !== e.flags) return 'exists_with_different_flags';
  if (r.pendingId !== e.pendingId) return 'exists_with_different_pending_id';
  if (r.timeout !== e.timeout) return 'exists_with_different_timeout';
  if (r.debit !== 0 && r.debit !== e.debit) return 'exists_with_different_debit_account_id';
  if (r.credit !== 0 && r.credit !== e.credit) return 'exists_with_different_credit_account_id';
  const amount = r.amount ?? s.transfers.get(e.pendingId)?.amount;
  if (amount !== e.amount) return 'exists_with_different_amount';
  if (r.currency !== undefined && r.currency !== e.currency) return 'exists_with_different_ledger';
  return 'exists';
}

function create(s: ModelState, timeMs: number, signer: number, r: ModelRequest): string {
  const d = s.accounts.get(r.debit);
  if (d === undefined) return 'debit_account_not_found';
  const c = s.accounts.get(r.credit);
  if (c === undefined) return 'credit_account_not_found';
  if (d.currency !== c.currency) return 'accounts_must_have_the_same_ledger';
  if (r.currency !== d.currency) return 'transfer_must_have_the_same_ledger_as_accounts';
  const cur = s.currencies.get(d.currency)!;
  const kind = r.flags.includes('issue')
    ? 'issue'
    : r.flags.includes('redeem')
      ? 'redeem'
      : 'plain';
  if (kind === 'plain' && (r.debit === cur.issuerAccount || r.credit === cur.issuerAccount))
    return 'issuer_account_reserved';
  if (kind !== 'issue' && d.owner !== signer) return 'not_authorized';
  if (d.closed) return 'debit_account_already_closed';
  if (c.closed) return 'credit_account_already_closed';
  const amount = r.amount!;
  if (d.dmnec && d.dp + d.dpo + amount > d.cpo) return 'exceeds_credits';
  if (c.cmned && c.cp + c.cpo + amount > c.dpo) return 'exceeds_debits';
  if (kind === 'redeem' && amount > cur.supply) return 'exceeds_supply';
  const pending = r.flags.includes('pending');
  if (pending) {
    d.dp += amount;
    c.cp += amount;
  } else {
    d.dpo += amount;
    c.cpo += amount;
  }
  if (kind === 'issue') cur.supply += amount;
  if (kind === 'redeem') cur.supply -= amount;
  s.transfers.set(r.id, {
    flags: flagKey(r.flags),
    pendingId: 0,
    timeout: r.timeout,
    debit: r.debit,
    credit: r.credit,
    amount,
    currency: d.currency,
    state: pending ? 'pending' : 'none',
    // Expiry rounds up to a whole second (the bank's documented rule).
    expiresAt: pending && r.timeout > 0 ? Math.ceil((timeMs + r.timeout * 1000) / 1000) * 1000 : 0,
  });
  return 'ok';
}

function resolve(s: ModelState, timeMs: number, signer: number, r: ModelRequest): string {
  const p = s.transfers.get(r.pendingId);
  if (p === undefined) return 'pending_transfer_not_found';
  if (!p.flags.split(',').includes('pending')) return 'pending_transfer_not_pending';
  const post = r.flags.includes('post_pending');
  if (post && r.amount !== undefined && r.amount > p.amount)
    return 'exceeds_pending_transfer_amount';
  if (p.state === 'posted') return 'pending_transfer_already_posted';
  if (p.state === 'voided') return 'pending_transfer_already_voided';
  if (p.state === 'expired' || (p.expiresAt !== 0 && timeMs >= p.expiresAt))
    return 'pending_transfer_expired';
  const d = s.accounts.get(p.debit)!;
  const c = s.accounts.get(p.credit)!;
  if (d.owner !== signer && c.owner !== signer) return 'not_authorized';
  if (post && d.closed) return 'debit_account_already_closed';
  if (post && c.closed) return 'credit_account_already_closed';
  const amount = post ? (r.amount ?? p.amount) : p.amount;
  d.dp -= p.amount;
  c.cp -= p.amount;
  if (post) {
    d.dpo += amount;
    c.cpo += amount;
  }
  p.state = post ? 'posted' : 'voided';
  s.transfers.set(r.id, {
    flags: flagKey(r.flags),
    pendingId: r.pendingId,
    timeout: 0,
    debit: p.debit,
    credit: p.credit,
    amount,
    currency: p.currency,
    state: 'none',
    expiresAt: 0,
  });
  return 'ok';
}

/** A batch: chains of linked transfers commit together on a copy of the state. */
export function modelBatch(
  s: ModelState,
  timeMs: number,
  signer: number,
  rs: ModelRequest[],
): { state: ModelState; codes: string[] } {
  const codes = rs.map(() => 'linked_event_failed');
  let state = s;
  let start = 0;
  while (start < rs.length) {
    let end = start;
    while (end < rs.length && rs[end]!.flags.includes('linked')) end++;
    if (end === rs.length) {
      codes[rs.length - 1] = 'linked_event_chain_open';
      break;
    }
    const trial = cloneState(state);
    let failed = false;
    for (let i = start; i <= end && !failed; i++) {
      const code = modelTransfer(trial, timeMs, signer, rs[i]!);
      if (code !== 'ok') {
        codes[i] = code;
        failed = true;
      }
    }
    if (!failed) {
      codes.fill('ok', start, end + 1);
      state = trial;
    }
    start = end + 1;
  }
  return { state, codes };
}

/** End of block: every pending transfer due at the block's time expires. Returns their ids, sorted. */
export function modelExpire(s: ModelState, timeMs: number): number[] {
  const expired: number[] = [];
  for (const [id, t] of s.transfers) {
    if (t.state !== 'pending' || t.expiresAt === 0 || t.expiresAt > timeMs) continue;
    const d = s.accounts.get(t.debit)!;
    const c = s.accounts.get(t.credit)!;
    d.dp -= t.amount;
    c.cp -= t.amount;
    t.state = 'expired';
    expired.push(id);
  }
  return expired.sort((a, b) => a - b);
}
