// Builders for the identity module's key calls (src/modules/identity/module.ts decodes what these
// encode): each returns { module, method, args } to spread into buildTransaction. The operator key of
// an organisation signs them; the new key joins the signer's organisation. Checked here so a mistake
// fails in the caller's code, not in a receipt; the rules mirror the module's, and a test pins them.
import type { CborValue } from '../codec/index.ts';
import type { SuiteId } from '../crypto/suite.ts';
import { fromHex } from '../util/bytes.ts';
import type { BytesLike } from './types.ts';

export const identityModule = 'identity';
export type KeyRole = 'submit' | 'read' | 'operator';
export const keyRoles: readonly KeyRole[] = ['submit', 'read', 'operator'];
export const keyNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const publicKeyBytes: Record<SuiteId, number> = { ed25519: 32, p256: 33, sm2: 33 };

export type IdentityCall = {
  readonly module: 'identity';
  readonly method: 'add_key' | 'revoke_key';
  readonly args: CborValue;
};

function publicKeyArg(value: BytesLike, field: string): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (typeof value === 'string') return fromHex(value.replace(/^0x/, ''), field);
  throw new TypeError(`${field}: expected bytes or a hex string`);
}

export type BuildAddKeyParameters = {
  /** Unique among the organisation's live keys: letters, digits, '.', '-', '_' (at most 64). */
  name: string;
  suite: SuiteId;
  publicKey: BytesLike;
  roles: readonly KeyRole[];
};

/**
 * identity.add_key: registers a key to the signer's organisation (the signer needs role operator).
 *
 * @example
 * const teller = generateAccount();
 * const call = buildAddKey({ name: 'teller-2', suite: 'ed25519', publicKey: teller.publicKey, roles: ['submit'] });
 * await submitTransactions(client, { transactions: [signTransaction(operator, buildTransaction({ chainId, ...call }))] });
 */
export function buildAddKey(params: BuildAddKeyParameters): IdentityCall {
  if (typeof params.name !== 'string' || !keyNamePattern.test(params.name))
    throw new TypeError(
      'name: 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
    );
  const bytes = publicKeyBytes[params.suite];
  if (bytes === undefined) throw new TypeError('suite: expected ed25519, p256 or sm2');
  const publicKey = publicKeyArg(params.publicKey, 'publicKey');
  if (publicKey.length !== bytes)
    throw new RangeError(`publicKey: a ${params.suite} public key has ${bytes} bytes`);
  if (!Array.isArray(params.roles) || params.roles.length === 0)
    throw new TypeError('roles: at least one of submit, read, operator');
  params.roles.forEach((role, i) => {
    if (!keyRoles.includes(role))
      throw new TypeError(`roles[${i}]: expected one of ${keyRoles.join(', ')}`);
    if (params.roles.indexOf(role) !== i) throw new TypeError(`roles[${i}]: ${role} appears twice`);
  });
  return Object.freeze({
    module: identityModule,
    method: 'add_key',
    args: { name: params.name, suite: params.suite, publicKey, roles: [...params.roles] },
  });
}

export type BuildRevokeKeyParameters = { publicKey: BytesLike };

/**
 * identity.revoke_key: revokes a key of the signer's organisation for good (the signer needs role
 * operator; an organisation keeps at least one live operator key).
 *
 * @example
 * const call = buildRevokeKey({ publicKey: '5f0c...' });
 * const tx = signTransaction(operator, buildTransaction({ chainId, ...call }));
 */
export function buildRevokeKey(params: BuildRevokeKeyParameters): IdentityCall {
  const publicKey = publicKeyArg(params.publicKey, 'publicKey');
  if (publicKey.length !== 32 && publicKey.length !== 33)
    throw new RangeError('publicKey: expected 32 (ed25519) or 33 (p256, sm2) bytes');
  return Object.freeze({ module: identityModule, method: 'revoke_key', args: { publicKey } });
}
