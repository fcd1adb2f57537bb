// SM2 signing in the browser (GB/T 32918.2-2016 section 6.1; curve from GB/T 32918.5) on noble's
// Weierstrass arithmetic, so an institution bound to the national standards can sign with the SDK.
// Empty signer id, as the node's OpenSSL suite (src/crypto/sm2.ts) and crypto/sm2-pure.ts use.
import { Sm2Point, sm2Curve, sm2SignerDigest, verifySm2Pure } from '../crypto/sm2-pure.ts';
import { sm3 } from '../crypto/sm3.ts';
import type { KeyPair, SignatureSuite } from '../crypto/suite.ts';
import { assert } from '../util/assert.ts';
import { concatBytes, toHex } from '../util/bytes.ts';

const curve = sm2Curve;
const Point = Sm2Point;
const scalarBytes = 32;
/** Extra random bytes so that reducing mod n leaves no bias worth the name (FIPS 186-5 A.2.1). */
const nonceBytes = scalarBytes + 16;

function toBigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

function toBytes32(value: bigint): Uint8Array {
  const hex = value.toString(16).padStart(scalarBytes * 2, '0');
  assert(hex.length === scalarBytes * 2, 'sm2: a scalar fits 32 bytes');
  return Uint8Array.from({ length: scalarBytes }, (_, i) =>
    Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16),
  );
}

/** A uniform scalar in [1, n - 2]: valid both as a secret key (d + 1 must be invertible) and as k. */
function randomScalar(): bigint {
  const bytes = new Uint8Array(nonceBytes);
  globalThis.crypto.getRandomValues(bytes);
  return (toBigint(bytes) % (curve.n - 2n)) + 1n;
}

function readSecret(secretKey: Uint8Array): bigint {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== scalarBytes)
    throw new TypeError(`secretKey: a sm2 secret key has ${scalarBytes} bytes`);
  const d = toBigint(secretKey);
  if (d < 1n || d > curve.n - 2n)
    throw new RangeError('secretKey: not a valid SM2 scalar (0 < d < n - 1)');
  return d;
}

function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  const d = readSecret(secretKey);
  const publicKey = Point.BASE.multiply(d).toBytes(true);
  return Object.freeze({ suite: 'sm2', publicKey, secretKey: new Uint8Array(secretKey) });
}

function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const d = readSecret(secretKey);
  const publicKey = Point.BASE.multiply(d).toBytes(true);
  const e = toBigint(sm3(concatBytes(sm2SignerDigest(publicKey), message)));
  const { Fn } = Point;
  const inverse = Fn.inv(Fn.create(1n + d));
  for (;;) {
    const k = randomScalar();
    const x1 = Point.BASE.multiply(k).toAffine().x;
    const r = Fn.create(e + x1);
    if (r === 0n || r + k === curve.n) continue;
    const s = Fn.mul(inverse, Fn.sub(k, Fn.mul(r, d)));
    if (s === 0n) continue;
    return concatBytes(toBytes32(r), toBytes32(s));
  }
}

export const sm2SigningSuite: SignatureSuite = Object.freeze({
  id: 'sm2',
  publicKeyBytes: 33,
  signatureBytes: 2 * scalarBytes,
  generateKeyPair: () => keyPairFromSecret(toBytes32(randomScalar())),
  keyPairFromSecret,
  sign,
  verify: verifySm2Pure,
});
