// Ed25519 (RFC 8032, pure EdDSA, no context): signing through node:crypto with imported keys
// cached; verification through libsodium where it loads (libsodium.ts), otherwise node:crypto, both
// behind the same encoding rules (ed25519-strict.ts). Keys are the raw 32-byte seed and the raw
// 32-byte public key (RFC 8032 section 5.1.5).

import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { assert } from '../util/assert.ts';
import { wrapEd25519PublicKey, wrapEd25519SecretKey } from './asn1.ts';
import { ed25519EncodingsAllowed } from './ed25519-strict.ts';
import { KeyCache } from './key-cache.ts';
import { libsodiumVerify } from './libsodium.ts';
import {
  assertBytes,
  isBytes,
  type NodeSignatureSuite,
  type PreparedVerify,
  publicKeyCacheEntriesMax,
  secretKeyCacheEntriesMax,
  verifyPrepared,
} from './node-suite.ts';
import type { KeyPair } from './suite.ts';

const keyBytes = 32;
const signatureBytes = 64;
const publicKeys = new KeyCache<KeyObject>(publicKeyCacheEntriesMax);
const secretKeys = new KeyCache<KeyObject>(secretKeyCacheEntriesMax);

function importPublicKey(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: Buffer.from(wrapEd25519PublicKey(publicKey)),
    format: 'der',
    type: 'spki',
  });
}

function importSecretKey(seed: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.from(wrapEd25519SecretKey(seed)),
    format: 'der',
    type: 'pkcs8',
  });
}

function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  assertBytes(secretKey, keyBytes, 'secretKey');
  const spki = createPublicKey(secretKeys.getOrCreate(secretKey, importSecretKey)).export({
    format: 'der',
    type: 'spki',
  });
  const publicKey = new Uint8Array(spki.subarray(spki.length - keyBytes));
  assert(publicKey.length === keyBytes, 'ed25519: exported public key has 32 bytes');
  return Object.freeze({ suite: 'ed25519', publicKey, secretKey: new Uint8Array(secretKey) });
}

function prepareVerify(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): PreparedVerify | undefined {
  if (!isBytes(message) || !isBytes(signature) || !isBytes(publicKey)) return undefined;
  if (!ed25519EncodingsAllowed(publicKey, signature)) return undefined;
  try {
    return {
      algorithm: null,
      data: message,
      key: publicKeys.getOrCreate(publicKey, importPublicKey),
      signature,
    };
  } catch {
    return undefined;
  }
}

/** Verification through node:crypto (OpenSSL), whichever backend the suite uses. */
export function verifyWithOpenSsl(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  return verifyPrepared(prepareVerify(message, signature, publicKey));
}

/** Verification through libsodium; undefined where sodium-native does not load or is turned off. */
export const verifyWithLibsodium =
  libsodiumVerify === undefined ? undefined : underTallyRules(libsodiumVerify);

function underTallyRules(
  sodiumVerify: NonNullable<typeof libsodiumVerify>,
): (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean {
  return (message, signature, publicKey) => {
    if (!isBytes(message) || !isBytes(signature) || !isBytes(publicKey)) return false;
    if (!ed25519EncodingsAllowed(publicKey, signature)) return false;
    return sodiumVerify(signature, message, publicKey);
  };
}

export const ed25519Suite: NodeSignatureSuite = Object.freeze({
  id: 'ed25519',
  publicKeyBytes: keyBytes,
  signatureBytes,
  generateKeyPair: () => keyPairFromSecret(new Uint8Array(randomBytes(keyBytes))),
  keyPairFromSecret,
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
    assertBytes(message, undefined, 'message');
    assertBytes(secretKey, keyBytes, 'secretKey');
    const signature = sign(null, message, secretKeys.getOrCreate(secretKey, importSecretKey));
    assert(signature.length === signatureBytes, 'ed25519: signature has 64 bytes');
    return new Uint8Array(signature);
  },
  verify: verifyWithLibsodium ?? verifyWithOpenSsl,
  prepareVerify,
  // libsodium on the calling thread costs less than half what a job on libuv's pool does in all.
  verifiesInline: verifyWithLibsodium !== undefined,
});
