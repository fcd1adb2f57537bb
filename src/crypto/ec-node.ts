// ECDSA-style suites on 256-bit short Weierstrass curves through node:crypto: P-256 with SHA-256
// (FIPS 186-5) and SM2 with SM3 (GB/T 32918.2). Public keys are 33-byte compressed SEC 1 points
// (SEC 1 section 2.3.3), secret keys 32-byte scalars, signatures r || s (IEEE P1363).

import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { assert } from '../util/assert.ts';
import {
  ecdsaSignatureFromDer,
  ecdsaSignatureToDer,
  scalarBytes,
  wrapEcPublicKey,
  wrapEcSecretKey,
} from './asn1.ts';
import { KeyCache } from './key-cache.ts';
import {
  assertBytes,
  isBytes,
  type NodeSignatureSuite,
  type PreparedVerify,
  publicKeyCacheEntriesMax,
  secretKeyCacheEntriesMax,
  verifyPrepared,
} from './node-suite.ts';
import type { KeyPair, SuiteId } from './suite.ts';

export type EcCurveParams = {
  readonly id: SuiteId;
  /** DER body of the named curve's OID. */
  readonly curveOid: Uint8Array;
  /** Group order n: secret scalars lie in [1, n - 1]. */
  readonly order: bigint;
  /** Digest named to node:crypto; null where the key type fixes it (SM2 always uses SM3). */
  readonly digest: string | null;
  /**
   * Whether OpenSSL signs and verifies r || s itself (dsaEncoding 'ieee-p1363'). Node 20 does not
   * know SM2 key objects' size, so for SM2 the suite converts between r || s and DER itself.
   */
  readonly nativeP1363: boolean;
};

const compressedPointBytes = 1 + scalarBytes;
const uncompressedPointBytes = 1 + 2 * scalarBytes;
const signatureBytes = 2 * scalarBytes;

/** SEC 1 compression of an uncompressed point 04 || x || y: (02 | y parity) || x. */
export function compressPoint(uncompressed: Uint8Array): Uint8Array {
  assertBytes(uncompressed, uncompressedPointBytes, 'point');
  if (uncompressed[0] !== 0x04)
    throw new RangeError('point: expected an uncompressed SEC 1 point (04 || x || y)');
  const out = new Uint8Array(compressedPointBytes);
  out[0] = 0x02 | (uncompressed[uncompressedPointBytes - 1]! & 1);
  out.set(uncompressed.subarray(1, 1 + scalarBytes), 1);
  return out;
}

function bytesToBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

export function createEcSuite(curve: EcCurveParams): NodeSignatureSuite {
  const publicKeys = new KeyCache<KeyObject>(publicKeyCacheEntriesMax);
  const secretKeys = new KeyCache<KeyObject>(secretKeyCacheEntriesMax);
  // Importing from DER (not generateKeyPair's objects) matters for SM2: OpenSSL gives a key read
  // from SM2-curve DER the SM2 signature algorithm, while a generated 'ec' key would do plain ECDSA.
  const importPublicKey = (point: Uint8Array): KeyObject =>
    createPublicKey({
      key: Buffer.from(wrapEcPublicKey(curve.curveOid, point)),
      format: 'der',
      type: 'spki',
    });
  const importSecretKey = (scalar: Uint8Array): KeyObject =>
    createPrivateKey({
      key: Buffer.from(wrapEcSecretKey(curve.curveOid, scalar)),
      format: 'der',
      type: 'pkcs8',
    });

  function isScalarInRange(scalar: Uint8Array): boolean {
    const d = bytesToBigint(scalar);
    return d >= 1n && d < curve.order;
  }

  function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
    assertBytes(secretKey, scalarBytes, 'secretKey');
    if (!isScalarInRange(secretKey))
      throw new RangeError(`secretKey: not a ${curve.id} scalar in [1, n - 1]`);
    const spki = createPublicKey(secretKeys.getOrCreate(secretKey, importSecretKey)).export({
      format: 'der',
      type: 'spki',
    });
    const publicKey = compressPoint(
      new Uint8Array(spki.subarray(spki.length - uncompressedPointBytes)),
    );
    return Object.freeze({ suite: curve.id, publicKey, secretKey: new Uint8Array(secretKey) });
  }

  function generateKeyPair(): KeyPair {
    // Rejection sampling keeps the scalar uniform; a retry happens with probability below 2^-32.
    for (;;) {
      const candidate = new Uint8Array(randomBytes(scalarBytes));
      if (isScalarInRange(candidate)) return keyPairFromSecret(candidate);
    }
  }

  function signMessage(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
    assertBytes(message, undefined, 'message');
    assertBytes(secretKey, scalarBytes, 'secretKey');
    if (!isScalarInRange(secretKey))
      throw new RangeError(`secretKey: not a ${curve.id} scalar in [1, n - 1]`);
    const key = secretKeys.getOrCreate(secretKey, importSecretKey);
    if (curve.nativeP1363) {
      const signature = new Uint8Array(
        sign(curve.digest, message, { key, dsaEncoding: 'ieee-p1363' }),
      );
      assert(signature.length === signatureBytes, `${curve.id}: signature has 64 bytes`);
      return signature;
    }
    const signature = ecdsaSignatureFromDer(new Uint8Array(sign(curve.digest, message, key)));
    assert(signature !== undefined, `${curve.id}: OpenSSL signature is strict DER`);
    return signature;
  }

  function prepareVerify(
    message: Uint8Array,
    signature: Uint8Array,
    publicKey: Uint8Array,
  ): PreparedVerify | undefined {
    if (!isBytes(message) || !isBytes(signature) || !isBytes(publicKey)) return undefined;
    if (signature.length !== signatureBytes || publicKey.length !== compressedPointBytes)
      return undefined;
    if (publicKey[0] !== 0x02 && publicKey[0] !== 0x03) return undefined;
    try {
      const key = publicKeys.getOrCreate(publicKey, importPublicKey);
      if (curve.nativeP1363) {
        return {
          algorithm: curve.digest,
          data: message,
          key: { key, dsaEncoding: 'ieee-p1363' },
          signature,
        };
      }
      return {
        algorithm: curve.digest,
        data: message,
        key,
        signature: ecdsaSignatureToDer(signature),
      };
    } catch {
      return undefined;
    }
  }

  return Object.freeze({
    id: curve.id,
    publicKeyBytes: compressedPointBytes,
    signatureBytes,
    generateKeyPair,
    keyPairFromSecret,
    sign: signMessage,
    verify: (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean =>
      verifyPrepared(prepareVerify(message, signature, publicKey)),
    prepareVerify,
    verifiesInline: false,
  });
}
