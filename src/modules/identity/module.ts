// The identity module: an organisation adds and revokes its own API keys by transaction, signed by
// one of its keys holding the operator role, and every transaction's signer must be a live key at
// the point of the block where it runs (checkSigner). Genesis keys are the initial set.
import {
  type CborValue,
  CodecError,
  readArray,
  readBytesMax,
  readRecord,
  readString,
} from '../../codec/index.ts';
import { suiteIds } from '../../crypto/suite.ts';
import type { MethodResult, Module, TxContext } from '../../execution/index.ts';
import { checkPublicKey } from '../../ledger/keys.ts';
import { assert } from '../../util/assert.ts';
import { latin1FromBytes, toHex } from '../../util/bytes.ts';
import type { Directory } from './directory.ts';
import {
  identityModuleName,
  type KeyRecord,
  type KeyRoleName,
  KeyStore,
  keyChangesPerOrgMax,
  keyNamePattern,
  keyRoleNames,
  publicKeyBytesMax,
} from './keys.ts';
import { LiveKeys } from './live.ts';

export type AddKeyInput = {
  name: string;
  suite: string;
  publicKey: Uint8Array;
  roles: readonly string[];
};

/** Shape only: a field of the wrong type is 'invalid_args'; what the values mean gets its own code. */
function readAddKey(value: CborValue): AddKeyInput {
  const f = readRecord(value, 'args', ['name', 'suite', 'publicKey', 'roles']);
  return {
    name: readString(f.name, 'args.name', 256),
    suite: readString(f.suite, 'args.suite', 16),
    publicKey: readBytesMax(f.publicKey, 'args.publicKey', publicKeyBytesMax),
    roles: readArray(f.roles, 'args.roles', 8).map((r, i) => readString(r, `args.roles[${i}]`, 16)),
  };
}

function readRevokeKey(value: CborValue): Uint8Array {
  const f = readRecord(value, 'args', ['publicKey']);
  return readBytesMax(f.publicKey, 'args.publicKey', publicKeyBytesMax);
}

function refuse(code: string, message: string): MethodResult {
  return { code, message };
}

function keysOf(ctx: TxContext, directory: Directory): LiveKeys {
  return new LiveKeys(ctx.state, directory);
}

/** The signer's own live key, if it holds the operator role: only such a key manages its org's keys. */
function operatorOf(keys: LiveKeys, ctx: TxContext): KeyRecord | MethodResult {
  const signer = keys.live(ctx.signer.publicKey, ctx.signer.suite);
  if (signer === undefined || !signer.roles.includes('operator'))
    return refuse(
      'key_not_operator',
      'managing keys needs a key of the organisation with role operator',
    );
  return signer;
}

function checkNewKey(input: AddKeyInput): MethodResult | undefined {
  if (!keyNamePattern.test(input.name))
    return refuse(
      'key_name_invalid',
      'name: 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
    );
  if (!(suiteIds as readonly string[]).includes(input.suite))
    return refuse('key_suite_unknown', `suite: expected one of ${suiteIds.join(', ')}`);
  try {
    checkPublicKey(input.publicKey, input.suite as (typeof suiteIds)[number], 'publicKey');
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    return refuse('key_invalid', error.message);
  }
  const roles = input.roles;
  if (roles.length === 0) return refuse('key_roles_invalid', 'roles: at least one role');
  if (new Set(roles).size !== roles.length)
    return refuse('key_roles_invalid', 'roles: listed twice');
  const unknown = roles.find((r) => !(keyRoleNames as readonly string[]).includes(r));
  if (unknown !== undefined)
    return refuse(
      'key_roles_invalid',
      `roles: ${unknown} is not one of ${keyRoleNames.join(', ')}`,
    );
  return undefined;
}

function addKey(ctx: TxContext, directory: Directory, input: AddKeyInput): MethodResult {
  const keys = keysOf(ctx, directory);
  const signer = operatorOf(keys, ctx);
  if ('code' in signer) return signer;
  const invalid = checkNewKey(input);
  if (invalid !== undefined) return invalid;
  const existing = keys.lookup(input.publicKey);
  if (existing?.revokedHeight !== undefined)
    return refuse('key_revoked', 'this key was revoked; a revoked key is never registered again');
  if (existing !== undefined) return refuse('key_exists', 'this key is already registered');
  const orgId = signer.orgId;
  if (keys.liveNamed(orgId, input.name) !== undefined)
    return refuse('key_name_taken', `${orgId} already has a live key named ${input.name}`);
  const store = new KeyStore(ctx.state);
  if (store.changedKeys(orgId).length >= keyChangesPerOrgMax)
    return refuse(
      'key_limit_reached',
      `an organisation changes at most ${keyChangesPerOrgMax} keys`,
    );
  const record: KeyRecord = {
    orgId,
    name: input.name,
    suite: input.suite,
    publicKey: input.publicKey,
    roles: keyRoleNames.filter((r) => input.roles.includes(r)),
    addedHeight: ctx.block.height,
  };
  store.save(record);
  ctx.emit('key_added', {
    orgId,
    publicKey: record.publicKey,
    name: record.name,
    suite: record.suite,
    roles: [...record.roles],
    height: record.addedHeight,
  });
  return { code: 'ok' };
}

// A node's gateway key is revocable here like any other: the chain cannot tell which key a node's
// gateway uses (its config names it), so the node that holds it refuses such a revocation at
// admission (api/gateway-key-guard.ts), and a leaked gateway key can still be revoked on purpose.
function revokeKey(ctx: TxContext, directory: Directory, publicKey: Uint8Array): MethodResult {
  const keys = keysOf(ctx, directory);
  const signer = operatorOf(keys, ctx);
  if ('code' in signer) return signer;
  const target = keys.lookup(publicKey);
  if (target === undefined)
    return refuse('key_unknown', 'no key with this public key is registered');
  if (target.orgId !== signer.orgId)
    return refuse('key_other_org', `the key belongs to ${target.orgId}; only it manages its keys`);
  if (target.revokedHeight !== undefined)
    return refuse('key_revoked', `the key was revoked at height ${target.revokedHeight}`);
  if (target.roles.includes('operator') && keys.liveWithRole(target.orgId, 'operator').length <= 1)
    return refuse('key_last_operator', `it is the last operator key of ${target.orgId}`);
  const revoked: KeyRecord = { ...target, revokedHeight: ctx.block.height };
  new KeyStore(ctx.state).save(revoked);
  assert(keys.lookup(publicKey)?.revokedHeight === ctx.block.height, 'the revocation reads back');
  ctx.emit('key_revoked', {
    orgId: target.orgId,
    publicKey,
    name: target.name,
    height: ctx.block.height,
  });
  return { code: 'ok' };
}

/** Refuses a signer that is not a live key here and now; undefined lets the transaction run. */
export function checkLiveSigner(ctx: TxContext, directory: Directory): MethodResult | undefined {
  const key = ctx.signer.publicKey;
  const record = keysOf(ctx, directory).lookup(key);
  if (record?.revokedHeight !== undefined)
    return refuse(
      'signer_revoked',
      `key ${toHex(key)} was revoked at height ${record.revokedHeight}`,
    );
  if (record === undefined || (record.suite !== '' && record.suite !== ctx.signer.suite))
    return refuse('signer_unknown', 'the signing key is not registered to any member organisation');
  return undefined;
}

export type IdentityOptions = { readonly directory: Directory };

const live = Symbol('live');

/**
 * The signer check runs for every transaction, and a block's transactions mostly share a few
 * signers: verdicts are kept for the block being executed. Only add_key and revoke_key change a
 * verdict, and they drop the block's verdicts when they succeed; beginBlock starts each block empty,
 * so a verdict never outlives the state it was read from.
 */
class BlockVerdicts {
  readonly #verdicts = new Map<string, MethodResult | typeof live>();

  clear(): void {
    this.#verdicts.clear();
  }

  check(ctx: TxContext, directory: Directory): MethodResult | undefined {
    // One UTF-16 unit per byte (as the overlay keys its map): cheap, and equal keys give equal strings.
    const key = ctx.signer.suite + latin1FromBytes(ctx.signer.publicKey);
    let verdict = this.#verdicts.get(key);
    if (verdict === undefined) {
      verdict = checkLiveSigner(ctx, directory) ?? live;
      this.#verdicts.set(key, verdict);
    }
    return verdict === live ? undefined : verdict;
  }
}

export function createIdentityModule(options: IdentityOptions): Module {
  const { directory } = options;
  const verdicts = new BlockVerdicts();
  const changing = (result: MethodResult) => {
    if (result.code === 'ok') verdicts.clear();
    return result;
  };
  return {
    name: identityModuleName,
    methods: {
      add_key: (ctx, args) => changing(addKey(ctx, directory, readAddKey(args))),
      revoke_key: (ctx, args) => changing(revokeKey(ctx, directory, readRevokeKey(args))),
    },
    beginBlock: () => verdicts.clear(),
    checkSigner: (ctx) => verdicts.check(ctx, directory),
  };
}

export type { KeyRoleName };
