// The few DER structures the signature suites need (ITU-T X.690 DER): ECDSA signatures as
// SEQUENCE { r INTEGER, s INTEGER } (SEC 1 section C.8), and SPKI / PKCS#8 wrappers for raw keys.
// Browser-safe; the parser is strict so that one signature has exactly one accepted encoding.

import { concatBytes, fromHex } from '../util/bytes.ts';

/** Size of r and of s in a P1363 signature for the 256-bit curves Tally uses. */
export const scalarBytes = 32;
const tagSequence = 0x30;
const tagInteger = 0x02;

/** r || s (2 x 32 bytes, big-endian) as a DER SEQUENCE of two minimal INTEGERs. */
export function ecdsaSignatureToDer(rs: Uint8Array): Uint8Array {
  if (rs.length !== 2 * scalarBytes) throw new RangeError('signature: expected 64 bytes (r || s)');
  const r = encodeDerInteger(rs.subarray(0, scalarBytes));
  const s = encodeDerInteger(rs.subarray(scalarBytes));
  return concatBytes(encodeDerHeader(tagSequence, r.length + s.length), r, s);
}

/**
 * Strict DER to r || s: the only accepted encoding is the minimal one (short or minimal long-form
 * lengths, no negative or zero-padded INTEGERs, no trailing bytes). Undefined for anything else,
 * including integers wider than 32 bytes, which can never be below a 256-bit group order.
 */
export function ecdsaSignatureFromDer(der: Uint8Array): Uint8Array | undefined {
  const seq = readDerElement(der, 0, tagSequence);
  if (seq === undefined || seq.end !== der.length) return undefined;
  const r = readDerElement(der, seq.start, tagInteger);
  if (r === undefined) return undefined;
  const s = readDerElement(der, r.end, tagInteger);
  if (s === undefined || s.end !== seq.end) return undefined;
  const out = new Uint8Array(2 * scalarBytes);
  if (!copyDerInteger(der.subarray(r.start, r.end), out, 0)) return undefined;
  if (!copyDerInteger(der.subarray(s.start, s.end), out, scalarBytes)) return undefined;
  return out;
}

type DerElement = { start: number; end: number };

function readDerElement(der: Uint8Array, offset: number, tag: number): DerElement | undefined {
  if (der[offset] !== tag) return undefined;
  const first = der[offset + 1];
  if (first === undefined) return undefined;
  let length = first;
  let start = offset + 2;
  if (first >= 0x80) {
    // Signatures here are under 128 bytes, but accept one minimal long-form length byte so the
    // parser stays correct for any caller; longer length-of-length forms are never minimal here.
    if (first !== 0x81) return undefined;
    const long = der[offset + 2];
    if (long === undefined || long < 0x80) return undefined;
    length = long;
    start = offset + 3;
  }
  const end = start + length;
  if (end > der.length) return undefined;
  return { start, end };
}

/** Copies a non-negative minimal DER INTEGER body into 32 bytes at `at`; false if not allowed. */
function copyDerInteger(body: Uint8Array, out: Uint8Array, at: number): boolean {
  if (body.length === 0) return false;
  const lead = body[0]!;
  if (lead >= 0x80) return false; // negative
  let digits = body;
  if (lead === 0) {
    if (body.length === 1) return true; // the value zero; verification rejects it later
    if (body[1]! < 0x80) return false; // a zero byte that is not needed for the sign
    digits = body.subarray(1);
  }
  if (digits.length > scalarBytes) return false;
  out.set(digits, at + scalarBytes - digits.length);
  return true;
}

function encodeDerInteger(unsigned: Uint8Array): Uint8Array {
  let i = 0;
  while (i < unsigned.length - 1 && unsigned[i] === 0) i++;
  let digits = unsigned.subarray(i);
  if (digits[0]! >= 0x80) digits = concatBytes(new Uint8Array([0]), digits);
  return concatBytes(encodeDerHeader(tagInteger, digits.length), digits);
}

function encodeDerHeader(tag: number, length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([tag, length]);
  if (length <= 0xff) return new Uint8Array([tag, 0x81, length]);
  throw new RangeError('DER: element longer than 255 bytes is not used here');
}

// Fixed prefixes for raw keys (RFC 8410 for Ed25519; RFC 5480 and RFC 5915 for EC keys). Each ends
// right where the key bytes start, so wrapping a key is one concatenation.
const ed25519SpkiPrefix = fromHex('302a300506032b6570032100');
const ed25519Pkcs8Prefix = fromHex('302e020100300506032b657004220420');

export function wrapEd25519PublicKey(publicKey: Uint8Array): Uint8Array {
  return concatBytes(ed25519SpkiPrefix, publicKey);
}

export function wrapEd25519SecretKey(seed: Uint8Array): Uint8Array {
  return concatBytes(ed25519Pkcs8Prefix, seed);
}

/** AlgorithmIdentifier { id-ecPublicKey, namedCurve } for a curve given by its OID's DER body. */
function ecAlgorithmId(curveOid: Uint8Array): Uint8Array {
  const oid = concatBytes(new Uint8Array([0x06, curveOid.length]), curveOid);
  const idEcPublicKey = fromHex('06072a8648ce3d0201');
  return concatBytes(
    encodeDerHeader(tagSequence, idEcPublicKey.length + oid.length),
    idEcPublicKey,
    oid,
  );
}

/** SubjectPublicKeyInfo for an EC point in SEC 1 form (compressed or not). */
export function wrapEcPublicKey(curveOid: Uint8Array, point: Uint8Array): Uint8Array {
  const algorithm = ecAlgorithmId(curveOid);
  const bitString = concatBytes(
    encodeDerHeader(0x03, point.length + 1),
    new Uint8Array([0]),
    point,
  );
  return concatBytes(
    encodeDerHeader(tagSequence, algorithm.length + bitString.length),
    algorithm,
    bitString,
  );
}

/** PKCS#8 PrivateKeyInfo holding an RFC 5915 ECPrivateKey without the optional public key. */
export function wrapEcSecretKey(curveOid: Uint8Array, scalar: Uint8Array): Uint8Array {
  const version = fromHex('020100');
  const inner = concatBytes(fromHex('020101'), encodeDerHeader(0x04, scalar.length), scalar);
  const ecPrivateKey = concatBytes(encodeDerHeader(tagSequence, inner.length), inner);
  const octets = concatBytes(encodeDerHeader(0x04, ecPrivateKey.length), ecPrivateKey);
  const algorithm = ecAlgorithmId(curveOid);
  const body = concatBytes(version, algorithm, octets);
  return concatBytes(encodeDerHeader(tagSequence, body.length), body);
}
