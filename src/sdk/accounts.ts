// Local accounts: a key pair held in memory that signs transactions and API requests. The secret key
// stays in the closure; an account is what the client and signTransaction need, nothing more.
import type { SuiteId } from '../crypto/suite.ts';
import { suiteIds } from '../crypto/suite.ts';
import { toHex } from '../util/bytes.ts';
import { getSigningSuite } from './suites.ts';

export type LocalAccount = {
  readonly type: 'local';
  readonly suite: SuiteId;
  /** The suite's canonical public key (Ed25519: 32 bytes; P-256: 33-byte compressed SEC 1). */
  readonly publicKey: Uint8Array;
  /** Lower-case hex of the public key, as the API names keys. */
  readonly publicKeyHex: string;
  /** Signs a message (a transaction id or a request digest) in the suite's 64-byte form. */
  sign(message: Uint8Array): Uint8Array;
};

/** A new account together with its secret key, which the caller must store to use it again. */
export type GeneratedAccount = LocalAccount & { readonly secretKey: Uint8Array };

function checkSuite(suite: unknown): asserts suite is SuiteId {
  if (typeof suite !== 'string' || !(suiteIds as readonly string[]).includes(suite))
    throw new TypeError(`suite: expected one of ${suiteIds.join(', ')}`);
}

/**
 * Creates a fresh key pair with the platform's secure random generator.
 *
 * @example
 * const account = generateAccount('ed25519');
 * saveSecurely(account.secretKey);
 */
export function generateAccount(suite: SuiteId = 'ed25519'): GeneratedAccount {
  checkSuite(suite);
  const pair = getSigningSuite(suite).generateKeyPair();
  return Object.freeze({
    ...accountFromSecretKey(suite, pair.secretKey),
    secretKey: pair.secretKey,
  });
}

/**
 * Rebuilds an account from a stored 32-byte secret key (an Ed25519 seed or a P-256 scalar).
 *
 * @example
 * const account = accountFromSecretKey('ed25519', fromHex(process.env.TALLY_KEY ?? ''));
 */
export function accountFromSecretKey(suite: SuiteId, secretKey: Uint8Array): LocalAccount {
  checkSuite(suite);
  const signing = getSigningSuite(suite);
  const pair = signing.keyPairFromSecret(secretKey);
  const secret = new Uint8Array(pair.secretKey);
  return Object.freeze({
    type: 'local',
    suite,
    publicKey: pair.publicKey,
    publicKeyHex: toHex(pair.publicKey),
    sign: (message: Uint8Array) => signing.sign(message, secret),
  });
}
