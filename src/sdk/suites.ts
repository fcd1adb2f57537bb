// Signature suites for the browser (DESIGN decision 2) on @noble/curves: Ed25519 (RFC 8032), ECDSA
// P-256 (FIPS 186-5) and SM2 (GB/T 32918.2, sm2.ts), each in the node's key and signature formats.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import type { KeyPair, SignatureSuite, SuiteId } from '../crypto/suite.ts';
import { assert } from '../util/assert.ts';
import { TallyError } from '../util/errors.ts';
import { sm2SigningSuite } from './sm2.ts';

const secretKeyBytes = 32;
const signatureBytes = 64;

function checkSecretKey(secretKey: Uint8Array, suite: SuiteId): void {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== secretKeyBytes)
    throw new TypeError(`secretKey: a ${suite} secret key has ${secretKeyBytes} bytes`);
}

function freezePair(suite: SuiteId, publicKey: Uint8Array, secretKey: Uint8Array): KeyPair {
  return Object.freeze({ suite, publicKey, secretKey: new Uint8Array(secretKey) });
}

/** Ed25519 as the node signs it: pure EdDSA, and verification without ZIP-215's laxer encodings. */
const ed25519Suite: SignatureSuite = Object.freeze({
  id: 'ed25519',
  publicKeyBytes: 32,
  signatureBytes,
  generateKeyPair: () => ed25519KeyPair(ed25519.utils.randomSecretKey()),
  keyPairFromSecret: ed25519KeyPair,
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
    checkSecretKey(secretKey, 'ed25519');
    const signature = ed25519.sign(message, secretKey);
    assert(signature.length === signatureBytes, 'ed25519: signature has 64 bytes');
    return signature;
  },
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
    if (signature.length !== signatureBytes || publicKey.length !== 32) return false;
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
});

function ed25519KeyPair(secretKey: Uint8Array): KeyPair {
  checkSecretKey(secretKey, 'ed25519');
  return freezePair('ed25519', ed25519.getPublicKey(secretKey), secretKey);
}

/**
 * P-256 as the node signs it: SHA-256 of the message, r || s. The node does not normalise S, so
 * verification accepts high-S signatures too; signing produces low-S, which both sides accept.
 */
const p256Suite: SignatureSuite = Object.freeze({
  id: 'p256',
  publicKeyBytes: 33,
  signatureBytes,
  generateKeyPair: () => p256KeyPair(p256.utils.randomSecretKey()),
  keyPairFromSecret: p256KeyPair,
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
    checkSecretKey(secretKey, 'p256');
    const signature = p256.sign(message, secretKey, { prehash: true, format: 'compact' });
    assert(signature.length === signatureBytes, 'p256: signature has 64 bytes');
    return signature;
  },
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
    if (signature.length !== signatureBytes || publicKey.length !== 33) return false;
    try {
      return p256.verify(signature, message, publicKey, { prehash: true, lowS: false });
    } catch {
      return false;
    }
  },
});

function p256KeyPair(secretKey: Uint8Array): KeyPair {
  checkSecretKey(secretKey, 'p256');
  if (!p256.utils.isValidSecretKey(secretKey))
    throw new RangeError('secretKey: not a valid P-256 scalar (0 < d < n)');
  return freezePair('p256', p256.getPublicKey(secretKey, true), secretKey);
}

const signingSuites: Readonly<Record<SuiteId, SignatureSuite>> = Object.freeze({
  ed25519: ed25519Suite,
  p256: p256Suite,
  sm2: sm2SigningSuite,
});

/** The SDK's suite for `suite`; TallyError 'unsupported_suite' for an id it does not know. */
export function getSigningSuite(suite: SuiteId): SignatureSuite {
  if (typeof suite !== 'string' || !Object.hasOwn(signingSuites, suite))
    throw new TallyError('unsupported_suite', `no signature suite ${JSON.stringify(suite)}`, {
      details: { suite },
    });
  return signingSuites[suite];
}

/** Verifies one signature in the suite's form; false for any malformed input, never throws. */
export function verifySignature(
  suite: SuiteId,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (typeof suite !== 'string' || !Object.hasOwn(signingSuites, suite)) return false;
  if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
  if (!(publicKey instanceof Uint8Array)) return false;
  return signingSuites[suite].verify(message, signature, publicKey);
}
