// The consortium's certificates: one self-signed CA per organisation, one TLS certificate per node
// issued by its organisation's CA, naming it as tally://org/<orgId>/node/<nodeId> (a SAN URI).
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { orgIdLengthMax } from '../ledger/limits.ts';
import { assert } from '../util/assert.ts';
import { keyIdOf, randomSerial, signCertificate } from './x509.ts';

export type CertificateAndKey = { readonly certPem: string; readonly keyPem: string };
export type PeerIdentity = { readonly orgId: string; readonly nodeId: string };

export type OrgCaOptions = {
  readonly orgId: string;
  /** Human-readable CA name, the CA's subject CN (e.g. 'Acme Bank CA'). */
  readonly name: string;
  readonly validDays: number;
  readonly now?: Date;
};

export type NodeCertificateOptions = {
  readonly orgId: string;
  readonly nodeId: string;
  /** DNS names and IP addresses the node listens on, e.g. ['127.0.0.1', 'localhost']. */
  readonly hosts: readonly string[];
  readonly validDays: number;
  readonly now?: Date;
};

/** Why a peer's certificate is refused after TLS accepted its chain. */
export type CertificateRefusal =
  | 'no_identity'
  | 'unknown_org'
  | 'wrong_issuer'
  | 'not_a_node_certificate'
  | 'not_valid_now';

export type CertificateCheck =
  | { readonly ok: true; readonly identity: PeerIdentity }
  | { readonly ok: false; readonly reason: CertificateRefusal };

export const nodeIdLengthMax = 64;
export const caNameLengthMax = 64;
export const validDaysMax = 36_500;
export const hostsMax = 16;
/** Certificates start a little in the past so a peer whose clock runs behind still accepts them. */
export const notBeforeBackdateMs = 5 * 60 * 1000;

const dayMs = 24 * 60 * 60 * 1000;
// Lower-case ids keep URIs canonical and keep Node from quoting them in subjectAltName text.
const idPattern = /^[a-z0-9][a-z0-9._-]*$/;
// No characters that X.500 string forms escape (, + = " \ < > ; #), so subject text round-trips.
const caNamePattern = /^[A-Za-z0-9][A-Za-z0-9 ._()&'-]*$/;
const hostPattern =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const nodeUriPattern = /^tally:\/\/org\/([a-z0-9][a-z0-9._-]*)\/node\/([a-z0-9][a-z0-9._-]*)$/;
const orgUriPattern = /^tally:\/\/org\/([a-z0-9][a-z0-9._-]*)$/;

export function nodeUri(identity: PeerIdentity): string {
  return `tally://org/${identity.orgId}/node/${identity.nodeId}`;
}

/** A new organisation CA: self-signed, P-256, allowed to sign node certificates only. */
export function createOrgCa(options: OrgCaOptions): CertificateAndKey {
  checkId(options.orgId, 'orgId', orgIdLengthMax);
  checkCaName(options.name);
  const { notBefore, notAfter } = validity(options.validDays, options.now);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = { orgId: options.orgId, commonName: options.name };
  const certPem = signCertificate({
    serial: randomSerial(randomBytes),
    subject: name,
    issuer: name,
    subjectPublicKey: publicKey,
    issuerPrivateKey: privateKey,
    issuerKeyId: keyIdOf(publicKey),
    notBefore,
    notAfter,
    isCa: true,
    uris: [`tally://org/${options.orgId}`],
    hosts: [],
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert(readOrgCa(certPem, options.orgId).checkPrivateKey(privateKey), 'CA key matches its cert');
  return Object.freeze({ certPem, keyPem });
}

/** A node's TLS certificate (server and client auth), issued by its own organisation's CA. */
export function issueNodeCertificate(
  ca: CertificateAndKey,
  options: NodeCertificateOptions,
): CertificateAndKey {
  checkId(options.orgId, 'orgId', orgIdLengthMax);
  checkId(options.nodeId, 'nodeId', nodeIdLengthMax);
  checkHosts(options.hosts);
  const caCert = readOrgCa(ca.certPem, options.orgId);
  const caKey = createPrivateKey(ca.keyPem);
  if (!caCert.checkPrivateKey(caKey)) throw new RangeError('ca.keyPem: does not match ca.certPem');
  const { notBefore, notAfter } = validity(options.validDays, options.now);
  const caNotAfter = new Date(caCert.validTo);
  // A node certificate never outlives its CA: clients would refuse the chain anyway.
  const nodeNotAfter = notAfter < caNotAfter ? notAfter : caNotAfter;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certPem = signCertificate({
    serial: randomSerial(randomBytes),
    subject: { orgId: options.orgId, commonName: options.nodeId },
    issuer: { orgId: options.orgId, commonName: readSubjectField(caCert, 'CN') ?? '' },
    subjectPublicKey: publicKey,
    issuerPrivateKey: caKey,
    issuerKeyId: keyIdOf(caCert.publicKey),
    notBefore,
    notAfter: nodeNotAfter,
    isCa: false,
    uris: [nodeUri(options)],
    hosts: options.hosts,
  });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = new X509Certificate(certPem);
  assert(!cert.ca, 'a node certificate is not a CA');
  assert(cert.checkIssued(caCert) && cert.verify(caCert.publicKey), 'node cert chains to its CA');
  return Object.freeze({ certPem, keyPem });
}

/**
 * The org and node a certificate names: its one tally node URI, which must agree with the subject's
 * O and CN. Undefined when the certificate names no node. Says nothing of who issued it: see
 * checkNodeCertificate.
 */
export function readPeerIdentity(cert: X509Certificate): PeerIdentity | undefined {
  const uris = readAltNames(cert, 'URI').filter((u) => u.startsWith('tally://'));
  if (uris.length !== 1) return undefined;
  const match = nodeUriPattern.exec(uris[0]!);
  if (match === null) return undefined;
  const orgId = match[1]!;
  const nodeId = match[2]!;
  if (orgId.length > orgIdLengthMax || nodeId.length > nodeIdLengthMax) return undefined;
  if (readSubjectField(cert, 'O') !== orgId || readSubjectField(cert, 'CN') !== nodeId) {
    return undefined;
  }
  return Object.freeze({ orgId, nodeId });
}

/**
 * After TLS has accepted the chain to *some* member CA: the certificate must name a node, and the
 * CA that signed it must be the CA of the organisation it names (a node of org A may not present a
 * certificate from org B's CA, nor org B's CA vouch for a node of org A).
 */
export function checkNodeCertificate(
  cert: X509Certificate,
  orgCas: ReadonlyMap<string, X509Certificate>,
  now: Date,
): CertificateCheck {
  const identity = readPeerIdentity(cert);
  if (identity === undefined) return { ok: false, reason: 'no_identity' };
  const ca = orgCas.get(identity.orgId);
  if (ca === undefined) return { ok: false, reason: 'unknown_org' };
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    return { ok: false, reason: 'wrong_issuer' };
  }
  if (cert.ca) return { ok: false, reason: 'not_a_node_certificate' };
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!(now.getTime() >= from && now.getTime() <= to))
    return { ok: false, reason: 'not_valid_now' };
  return { ok: true, identity };
}

/**
 * Parses an organisation's CA certificate from the genesis and checks it is what createOrgCa makes:
 * a self-signed CA naming `orgId`. Throws RangeError naming the org otherwise (boundary check).
 */
export function readOrgCa(certPem: string, orgId: string): X509Certificate {
  const field = `orgCa[${orgId}]`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (cause) {
    throw new RangeError(`${field}: not a PEM or DER certificate`, { cause });
  }
  if (!cert.ca) throw new RangeError(`${field}: not a CA certificate`);
  if (!cert.checkIssued(cert) || !cert.verify(cert.publicKey)) {
    throw new RangeError(`${field}: not self-signed`);
  }
  const uris = readAltNames(cert, 'URI');
  const named = uris.map((u) => orgUriPattern.exec(u)?.[1]).filter((o) => o !== undefined);
  if (named.length !== 1 || named[0] !== orgId || readSubjectField(cert, 'O') !== orgId) {
    throw new RangeError(`${field}: names another organisation`);
  }
  return cert;
}

/** Every member's CA, checked, keyed by org id. */
export function readOrgCas(
  orgCaPems: Readonly<Record<string, string>>,
): Map<string, X509Certificate> {
  const out = new Map<string, X509Certificate>();
  for (const [orgId, pem] of Object.entries(orgCaPems)) {
    checkId(orgId, 'orgCaPems key', orgIdLengthMax);
    out.set(orgId, readOrgCa(pem, orgId));
  }
  return out;
}

function readAltNames(cert: X509Certificate, kind: 'URI' | 'DNS'): string[] {
  const text = cert.subjectAltName;
  if (text === undefined) return [];
  // Node writes 'URI:a, DNS:b, IP Address:c' and quotes entries holding ',' or '"' (never ours).
  return text
    .split(', ')
    .filter((entry) => entry.startsWith(`${kind}:`))
    .map((entry) => entry.slice(kind.length + 1));
}

function readSubjectField(cert: X509Certificate, key: 'O' | 'CN'): string | undefined {
  const values = cert.subject
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
  return values.length === 1 ? values[0] : undefined;
}

function validity(validDays: number, now = new Date()): { notBefore: Date; notAfter: Date } {
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > validDaysMax) {
    throw new RangeError(`validDays: expected an integer in 1..${validDaysMax}`);
  }
  const startMs = Math.floor(now.getTime() / 1000) * 1000;
  return {
    notBefore: new Date(startMs - notBeforeBackdateMs),
    notAfter: new Date(startMs + validDays * dayMs),
  };
}

function checkId(id: string, field: string, lengthMax: number): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > lengthMax || !idPattern.test(id)) {
    throw new RangeError(
      `${field}: expected 1..${lengthMax} characters of a-z, 0-9, '.', '_', '-' (starting a-z or 0-9)`,
    );
  }
}

function checkCaName(name: string): void {
  if (typeof name !== 'string' || name.length > caNameLengthMax || !caNamePattern.test(name)) {
    throw new RangeError(
      `name: expected 1..${caNameLengthMax} letters, digits, spaces or . _ ( ) & ' -`,
    );
  }
}

function checkHosts(hosts: readonly string[]): void {
  if (!Array.isArray(hosts) || hosts.length === 0 || hosts.length > hostsMax) {
    throw new RangeError(`hosts: expected 1..${hostsMax} host names or IP addresses`);
  }
  hosts.forEach((host, i) => {
    const ok = typeof host === 'string' && (isIP(host) !== 0 || hostPattern.test(host));
    if (!ok || host.length > 253 || (isIP(host) === 6 && host.includes('.'))) {
      throw new RangeError(`hosts[${i}]: expected a DNS name or an IP address`);
    }
  });
}
