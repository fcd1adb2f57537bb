// SM2 signature verification in pure TypeScript (GB/T 32918.2-2016 section 7; curve parameters from
// GB/T 32918.5), browser-safe, on @noble/curves' Weierstrass arithmetic and our SM3. It gives the
// browser what sm2.ts gives the server, and cross-checks OpenSSL in tests. Empty signer id, as there.

import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { concatBytes } from '../util/bytes.ts';
import { sm3 } from './sm3.ts';

/** The SM2 curve (GB/T 32918.5): exported so the SDK's signer uses the same parameters. */
export const sm2Curve = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
} as const;
export const Sm2Point = weierstrass(sm2Curve);
const Point = Sm2Point;
const fieldBytes = 32;

function toBytes32(value: bigint): Uint8Array {
  const out = new Uint8Array(fieldBytes);
  let v = value;
  for (let i = fieldBytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function toBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Z_A = SM3(ENTL || ID || a || b || Gx || Gy || xA || yA) (section 5.5), for the signer `id`. */
export function sm2SignerDigest(
  publicKey: Uint8Array,
  id: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const point = Point.fromBytes(publicKey).toAffine();
  const entl = new Uint8Array([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
  const params = [sm2Curve.a, sm2Curve.b, sm2Curve.Gx, sm2Curve.Gy, point.x, point.y].map(
    toBytes32,
  );
  return sm3(entl, id, ...params);
}

/** SM2 verify of r || s over `message` under a SEC 1 public key; false for any malformed input. */
export function verifySm2Pure(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (signature.length !== 2 * fieldBytes) return false;
  try {
    const r = toBigint(signature.subarray(0, fieldBytes));
    const s = toBigint(signature.subarray(fieldBytes));
    if (r < 1n || r >= sm2Curve.n || s < 1n || s >= sm2Curve.n) return false;
    const publicPoint = Point.fromBytes(publicKey);
    publicPoint.assertValidity();
    const e = toBigint(sm3(concatBytes(sm2SignerDigest(publicKey), message)));
    const t = (r + s) % sm2Curve.n;
    if (t === 0n) return false;
    const sum = Point.BASE.multiply(s).add(publicPoint.multiplyUnsafe(t));
    if (sum.is0()) return false;
    return (e + sum.toAffine().x) % sm2Curve.n === r;
  } catch {
    return false;
  }
}
