// The corridor's set-up methods: the FX bank registers a corridor, a wallet sets its customers' KYC
// levels and its acceptance policy, a bank or regulator loads the sanctions list. Each checks the
// signer's organisation in the directory, then the organisations and accounts it names.
import type { MethodResult, TxContext } from '../../execution/index.ts';
import { BankReader, bankModuleName } from '../../modules/bank/index.ts';
import { type Directory, isOrgOwner, signerOrgId } from '../../modules/identity/index.ts';
import type { CorridorInput, KycInput, PolicyInput, SanctionsInput } from './args.ts';
import { corridorsMax, roles } from './constants.ts';
import { admitWindow } from './expiry.ts';
import { entriesOf, loadSanctions } from './sanctions.ts';
import type { RemittanceStore } from './store.ts';

/** The signer's organisation: genesis keys and keys added on chain alike. */
function signerOrg(ctx: TxContext, directory: Directory): string | undefined {
  return signerOrgId(ctx, directory);
}

function checkOrgRole(
  directory: Directory,
  org: string,
  role: string,
  field: string,
): MethodResult | undefined {
  if (directory.org(org) === undefined)
    return { code: 'org_not_found', message: `${field}: ${org}` };
  if (!directory.hasRole(org, role))
    return { code: 'org_role_missing', message: `${field}: ${org} is not a ${role}` };
  return undefined;
}

function checkParties(directory: Directory, input: CorridorInput): MethodResult | undefined {
  const checks: Array<[string, string, string]> = [
    [input.fxOrg, roles.bank, 'fxOrg'],
    [input.fxOrg, roles.fxProvider, 'fxOrg'],
    [input.sendingOrg, roles.wallet, 'sendingOrg'],
    [input.receivingOrg, roles.wallet, 'receivingOrg'],
    ...input.regulators.map((r, i): [string, string, string] => [
      r,
      roles.regulator,
      `regulators[${i}]`,
    ]),
  ];
  for (const [org, role, field] of checks) {
    const failed = checkOrgRole(directory, org, role, field);
    if (failed !== undefined) return failed;
  }
  return undefined;
}

/** Each corridor account: its currency, and operated by the org that may stand on that side. */
function checkAccounts(ctx: TxContext, input: CorridorInput): MethodResult | undefined {
  const bank = new BankReader(ctx.forModule(bankModuleName).state);
  for (const code of [input.sendCurrency, input.receiveCurrency]) {
    if (bank.currency(code) === undefined) return { code: 'currency_not_found', message: code };
  }
  const a = input.accounts;
  const specs: Array<[string, Uint8Array, string, string[]]> = [
    ['sendingSettlement', a.sendingSettlement, input.sendCurrency, [input.sendingOrg, input.fxOrg]],
    ['fxSend', a.fxSend, input.sendCurrency, [input.fxOrg]],
    ['fxReceive', a.fxReceive, input.receiveCurrency, [input.fxOrg]],
    [
      'receivingSettlement',
      a.receivingSettlement,
      input.receiveCurrency,
      [input.receivingOrg, input.fxOrg],
    ],
  ];
  for (const [field, id, currency, operators] of specs) {
    const account = bank.account(id);
    if (account === undefined) return { code: 'account_not_found', message: `accounts.${field}` };
    if (account.currency !== currency) {
      return {
        code: 'account_invalid',
        message: `accounts.${field} holds ${account.currency}, not ${currency}`,
      };
    }
    if (!operators.some((org) => isOrgOwner(account.owner, org))) {
      return {
        code: 'account_invalid',
        message: `accounts.${field} is not operated by ${operators.join(' or ')}`,
      };
    }
  }
  return undefined;
}

/** The accept windows corridors use once `input` is saved (bounded by corridorsMax). */
function windowsInUse(store: RemittanceStore, input: CorridorInput): Set<number> {
  const windows = new Set([input.acceptWindowSec]);
  const n = store.corridorCount();
  for (let i = 0; i < n; i++) {
    const id = store.corridorAt(i);
    if (id !== input.id) windows.add(store.corridor(id)!.acceptWindowSec);
  }
  return windows;
}

export function registerCorridor(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: CorridorInput,
): MethodResult {
  if (signerOrg(ctx, directory) !== input.fxOrg)
    return { code: 'not_authorized', message: 'the signer must act for fxOrg' };
  const existing = store.corridor(input.id);
  if (existing !== undefined && existing.fxOrg !== input.fxOrg) {
    return { code: 'not_authorized', message: `corridor ${input.id} belongs to ${existing.fxOrg}` };
  }
  if (existing === undefined && store.corridorCount() >= corridorsMax)
    return { code: 'too_many_corridors' };
  const failed = checkParties(directory, input) ?? checkAccounts(ctx, input);
  if (failed !== undefined) return failed;
  if (!admitWindow(store, input.acceptWindowSec, windowsInUse(store, input)))
    return { code: 'too_many_accept_windows' };
  const height = ctx.block.height;
  store.putCorridor({
    ...input,
    createdHeight: existing?.createdHeight ?? height,
    updatedHeight: height,
  });
  ctx.emit('corridor_registered', {
    id: input.id,
    fxOrg: input.fxOrg,
    updated: existing !== undefined,
  });
  return { code: 'ok' };
}

export function setKyc(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: KycInput,
): MethodResult {
  const org = signerOrg(ctx, directory);
  const account = new BankReader(ctx.forModule(bankModuleName).state).account(input.accountId);
  if (account === undefined) return { code: 'account_not_found' };
  if (org === undefined || !isOrgOwner(account.owner, org)) {
    return {
      code: 'not_authorized',
      message: 'only the org operating the account sets its KYC level',
    };
  }
  store.putKyc(input.accountId, { level: input.level, setBy: org, height: ctx.block.height });
  ctx.emit('kyc_level_set', { accountId: input.accountId, level: input.level, org });
  return { code: 'ok' };
}

export function setAcceptancePolicy(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: PolicyInput,
): MethodResult {
  const corridor = store.corridor(input.corridor);
  if (corridor === undefined) return { code: 'corridor_not_found' };
  if (signerOrg(ctx, directory) !== corridor.receivingOrg) {
    return {
      code: 'not_authorized',
      message: `only ${corridor.receivingOrg} sets this corridor's policy`,
    };
  }
  const policy =
    input.maxAmount === undefined
      ? { autoAccept: input.autoAccept }
      : { autoAccept: input.autoAccept, maxAmount: input.maxAmount };
  store.putPolicy(corridor.id, policy);
  ctx.emit('acceptance_policy_set', { corridor: corridor.id, autoAccept: input.autoAccept });
  return { code: 'ok' };
}

export function setSanctions(
  ctx: TxContext,
  directory: Directory,
  store: RemittanceStore,
  input: SanctionsInput,
): MethodResult {
  const org = signerOrg(ctx, directory);
  if (
    org === undefined ||
    !(directory.hasRole(org, roles.bank) || directory.hasRole(org, roles.regulator))
  ) {
    return {
      code: 'not_authorized',
      message: 'only a bank or a regulator loads the sanctions list',
    };
  }
  const entries = entriesOf(input.names, 'args.names');
  if (!loadSanctions(store, entries, input.replace, org, ctx.block.height))
    return { code: 'too_many_sanctions_entries' };
  const meta = store.sanctionsMeta()!;
  ctx.emit('sanctions_loaded', { version: meta.version, count: meta.count, loadedBy: org });
  return { code: 'ok' };
}
