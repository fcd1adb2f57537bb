// Builds and signs X.509 v3 certificates (RFC 5280 section 4.1) for Tally's one profile: ECDSA
// P-256 with SHA-256, names of O + CN, and the extensions TLS peers check (section 4.2.1).
import { createHash, type KeyObject, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { assert } from '../util/assert.ts';
import { utf8 } from '../util/bytes.ts';
import {
  contextTag,
  derBitString,
  derBoolean,
  derElement,
  derOctetString,
  derOid,
  derSequence,
  derSetOfOne,
  derSmallInteger,
  derTime,
  derUnsignedInteger,
  derUtf8String,
} from './der.ts';

const oid = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  organization: '2.5.4.10',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** RFC 5280 section 4.1.2.2: serial numbers are positive and at most 20 bytes; 16 random bytes. */
const serialBytes = 16;
/** An uncompressed P-256 point: 0x04 || x || y. */
const p256PointBytes = 65;

export type CertificateName = { readonly orgId: string; readonly commonName: string };

export type CertificateProfile = {
  readonly serial: Uint8Array;
  readonly subject: CertificateName;
  readonly issuer: CertificateName;
  readonly subjectPublicKey: KeyObject;
  readonly issuerPrivateKey: KeyObject;
  /** Key identifier of the issuer's public key (equal to subjectKeyId for a self-signed CA). */
  readonly issuerKeyId: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  readonly uris: readonly string[];
  /** DNS names and IP addresses (v4 or v6, as text) the node is reached at. */
  readonly hosts: readonly string[];
};

/** Signs the profile with the issuer's key and returns the certificate as PEM. */
export function signCertificate(profile: CertificateProfile): string {
  assert(profile.serial.length === serialBytes, 'serial is 16 bytes');
  assert(profile.notBefore < profile.notAfter, 'notBefore precedes notAfter');
  const algorithm = derSequence(derOid(oid.ecdsaWithSha256));
  const spki = new Uint8Array(profile.subjectPublicKey.export({ type: 'spki', format: 'der' }));
  const tbs = derSequence(
    derElement(contextTag(0, true), derSmallInteger(2)), // version v3
    derUnsignedInteger(profile.serial),
    algorithm,
    encodeName(profile.issuer),
    derSequence(derTime(profile.notBefore), derTime(profile.notAfter)),
    encodeName(profile.subject),
    spki,
    derElement(contextTag(3, true), derSequence(...encodeExtensions(profile, spki))),
  );
  const signature = new Uint8Array(sign('sha256', tbs, profile.issuerPrivateKey));
  const der = derSequence(tbs, algorithm, derBitString(signature));
  return toPem(der);
}

/** Random positive serial: top bit cleared so the INTEGER needs no pad, next bit set so it is 16 bytes. */
export function randomSerial(random: (bytes: number) => Uint8Array): Uint8Array {
  const serial = random(serialBytes);
  assert(serial.length === serialBytes, 'random source gave 16 bytes');
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return serial;
}

/** RFC 5280 section 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdOf(publicKey: KeyObject): Uint8Array {
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const point = spki.subarray(spki.length - p256PointBytes);
  assert(point[0] === 0x04, 'P-256 public key is an uncompressed point');
  return new Uint8Array(createHash('sha1').update(point).digest());
}

function encodeName(name: CertificateName): Uint8Array {
  const attribute = (type: string, value: string): Uint8Array =>
    derSetOfOne(derSequence(derOid(type), derUtf8String(value)));
  return derSequence(
    attribute(oid.organization, name.orgId),
    attribute(oid.commonName, name.commonName),
  );
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  // DER omits a BOOLEAN equal to its DEFAULT (FALSE), so only critical extensions carry it.
  return critical
    ? derSequence(derOid(id), derBoolean(true), derOctetString(value))
    : derSequence(derOid(id), derOctetString(value));
}

function encodeExtensions(profile: CertificateProfile, spki: Uint8Array): Uint8Array[] {
  const subjectKeyId = keyIdOf(profile.subjectPublicKey);
  assert(spki.length > p256PointBytes, 'SPKI holds a P-256 point');
  const out: Uint8Array[] = [];
  // CAs may sign only end-entity certificates (pathLenConstraint 0): no intermediates.
  const constraints = profile.isCa
    ? derSequence(derBoolean(true), derSmallInteger(0))
    : derSequence();
  out.push(extension(oid.basicConstraints, true, constraints));
  // keyUsage bits (section 4.2.1.3): CA keyCertSign(5) + cRLSign(6); node digitalSignature(0).
  const usage = profile.isCa
    ? derBitString(Uint8Array.of(0x06), 1)
    : derBitString(Uint8Array.of(0x80), 7);
  out.push(extension(oid.keyUsage, true, usage));
  if (!profile.isCa) {
    const purposes = derSequence(derOid(oid.serverAuth), derOid(oid.clientAuth));
    out.push(extension(oid.extKeyUsage, false, purposes));
  }
  out.push(extension(oid.subjectKeyIdentifier, false, derOctetString(subjectKeyId)));
  const authorityKeyId = derSequence(derElement(contextTag(0, false), profile.issuerKeyId));
  out.push(extension(oid.authorityKeyIdentifier, false, authorityKeyId));
  out.push(extension(oid.subjectAltName, false, encodeAltNames(profile.uris, profile.hosts)));
  return out;
}

/** GeneralNames (section 4.2.1.6): uniformResourceIdentifier [6], dNSName [2], iPAddress [7]. */
function encodeAltNames(uris: readonly string[], hosts: readonly string[]): Uint8Array {
  const names: Uint8Array[] = uris.map((uri) => derElement(contextTag(6, false), utf8(uri)));
  for (const host of hosts) {
    const family = isIP(host);
    if (family === 4) names.push(derElement(contextTag(7, false), ipv4Bytes(host)));
    else if (family === 6) names.push(derElement(contextTag(7, false), ipv6Bytes(host)));
    else names.push(derElement(contextTag(2, false), utf8(host)));
  }
  assert(names.length > 0, 'a certificate names at least one subject alternative name');
  return derSequence(...names);
}

function ipv4Bytes(text: string): Uint8Array {
  const parts = text.split('.').map((p) => Number.parseInt(p, 10));
  assert(parts.length === 4, 'IPv4 address has four parts');
  return Uint8Array.from(parts);
}

function ipv6Bytes(text: string): Uint8Array {
  assert(!text.includes('.'), 'IPv6 with an embedded IPv4 tail is not supported in certificates');
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = 8 - headGroups.length - tailGroups.length;
  assert(tail === undefined ? zeros === 0 : zeros >= 1, 'IPv6 address has eight groups');
  const groups = [...headGroups, ...new Array<string>(zeros).fill('0'), ...tailGroups];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const value = Number.parseInt(g, 16);
    out[i * 2] = value >> 8;
    out[i * 2 + 1] = value & 0xff;
  });
  return out;
}

function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
