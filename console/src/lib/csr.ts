// A certificate signing request (PKCS #10, RFC 2986) for a new organisation's CA key, made in the
// browser: WebCrypto generates the ECDSA P-256 key and signs; this file writes the DER (X.690).

const oid = {
  ecdsaWithSha256: [1, 2, 840, 10045, 4, 3, 2],
  countryName: [2, 5, 4, 6],
  organizationName: [2, 5, 4, 10],
  commonName: [2, 5, 4, 3],
};

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, body: readonly number[] | Uint8Array): number[] {
  return [tag, ...length(body.length), ...body];
}

const seq = (...parts: number[][]) => tlv(0x30, parts.flat());
const set = (...parts: number[][]) => tlv(0x31, parts.flat());

function encodeOid(parts: readonly number[]): number[] {
  const body = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f));
    body.push(...chunk);
  }
  return tlv(0x06, body);
}

/** A DER INTEGER from unsigned big-endian bytes: no leading zeros, a 0x00 before a high bit. */
function unsignedInteger(bytes: Uint8Array): number[] {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const body = [...bytes.subarray(i)];
  if ((body[0] ?? 0) & 0x80) body.unshift(0);
  return tlv(0x02, body);
}

function name(country: string, organization: string, common: string): number[] {
  const text = (s: string) => [...new TextEncoder().encode(s)];
  return seq(
    set(seq(encodeOid(oid.countryName), tlv(0x13, text(country)))),
    set(seq(encodeOid(oid.organizationName), tlv(0x0c, text(organization)))),
    set(seq(encodeOid(oid.commonName), tlv(0x0c, text(common)))),
  );
}

function pem(label: string, der: Uint8Array): string {
  let binary = '';
  for (const b of der) binary += String.fromCharCode(b);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export type CsrRequest = { orgId: string; orgName: string; country: string };
export type CsrResult = { csrPem: string; privateKeyPem: string };

/** A new P-256 key and a CSR for "CN=<name> CA, O=<orgId>, C=<country>", both as PEM. */
export async function createCsr(request: CsrRequest): Promise<CsrResult> {
  if (!/^[A-Z]{2}$/.test(request.country))
    throw new TypeError('country: two capital letters (ISO 3166)');
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(request.orgId))
    throw new TypeError('organisation id: lower-case letters, digits and dashes');
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const info = seq(
    tlv(0x02, [0]), // version 1
    name(request.country, request.orgId, `${request.orgName} CA`),
    [...spki],
    tlv(0xa0, []), // no attributes
  );
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      keys.privateKey,
      new Uint8Array(info),
    ),
  );
  // WebCrypto signs r || s; X.509 wants SEQUENCE { INTEGER r, INTEGER s }.
  const signature = seq(unsignedInteger(raw.subarray(0, 32)), unsignedInteger(raw.subarray(32)));
  const csr = seq(info, seq(encodeOid(oid.ecdsaWithSha256)), tlv(0x03, [0, ...signature]));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    csrPem: pem('CERTIFICATE REQUEST', new Uint8Array(csr)),
    privateKeyPem: pem('PRIVATE KEY', pkcs8),
  };
}

/** Offers text as a file download. */
export function download(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
