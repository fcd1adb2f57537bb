// Organisation CAs and node certificates: what they contain, what OpenSSL makes of them, how a
// certificate is tied to a node and its org, and the errors for bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeHello, encodeHello } from '../../src/p2p/hello.ts';
import {
  type CertificateAndKey,
  checkNodeCertificate,
  createOrgCa,
  issueNodeCertificate,
  nodeUri,
  readOrgCa,
  readOrgCas,
  readPeerIdentity,
} from '../../src/p2p/pki.ts';
import { keyIdOf, randomSerial, signCertificate } from '../../src/p2p/x509.ts';

const dayMs = 86_400_000;
const acme = createOrgCa({ orgId: 'acme', name: 'Acme Bank CA', validDays: 30 });
const bravo = createOrgCa({ orgId: 'bravo', name: 'Bravo Wallet CA', validDays: 30 });
const orgCas = readOrgCas({ acme: acme.certPem, bravo: bravo.certPem });
const node = issueNodeCertificate(acme, {
  orgId: 'acme',
  nodeId: 'n1',
  hosts: ['127.0.0.1', 'localhost', '::1'],
  validDays: 10,
});

/** A certificate made outside the policy in pki.ts, as a rogue member could make one. */
function forge(
  signer: CertificateAndKey,
  overrides: { orgId: string; commonName: string; uris: string[]; isCa?: boolean },
): X509Certificate {
  const signerCert = new X509Certificate(signer.certPem);
  const issuerOrg = signerCert.subject.match(/^O=(.*)$/m)![1]!;
  const issuerCn = signerCert.subject.match(/^CN=(.*)$/m)![1]!;
  const nowMs = Date.now();
  return new X509Certificate(
    signCertificate({
      serial: randomSerial(randomBytes),
      subject: { orgId: overrides.orgId, commonName: overrides.commonName },
      issuer: { orgId: issuerOrg, commonName: issuerCn },
      subjectPublicKey: new X509Certificate(node.certPem).publicKey,
      issuerPrivateKey: createPrivateKey(signer.keyPem),
      issuerKeyId: keyIdOf(signerCert.publicKey),
      notBefore: new Date(nowMs - 60_000),
      notAfter: new Date(nowMs + dayMs),
      isCa: overrides.isCa ?? false,
      uris: overrides.uris,
      hosts: ['localhost'],
    }),
  );
}

describe('p2p pki', () => {
  it('issues a P-256 node certificate that chains to its org CA and names the node', () => {
    const cert = new X509Certificate(node.certPem);
    const ca = new X509Certificate(acme.certPem);
    assert.equal(ca.ca, true);
    assert.equal(cert.ca, false);
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(cert.subject, 'O=acme\nCN=n1');
    assert.equal(cert.issuer, 'O=acme\nCN=Acme Bank CA');
    assert.equal(
      cert.subjectAltName,
      'URI:tally://org/acme/node/n1, IP Address:127.0.0.1, DNS:localhost, IP Address:0:0:0:0:0:0:0:1',
    );
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.ok(cert.checkHost('localhost') !== undefined && cert.checkIP('127.0.0.1') !== undefined);
    assert.ok(cert.checkPrivateKey(createPrivateKey(node.keyPem)));
    const lifeMs = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(lifeMs > 10 * dayMs && lifeMs < 11 * dayMs);
    assert.deepEqual(readPeerIdentity(cert), { orgId: 'acme', nodeId: 'n1' });
    assert.deepEqual(checkNodeCertificate(cert, orgCas, new Date()), {
      ok: true,
      identity: { orgId: 'acme', nodeId: 'n1' },
    });
  });

  it('makes certificates that OpenSSL verifies for TLS client and server use', (t) => {
    if (spawnSync('openssl', ['version']).status !== 0) return t.skip('no openssl on this machine');
    const dir = mkdtempSync(join(tmpdir(), 'tally-pki-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), acme.certPem);
      writeFileSync(join(dir, 'node.pem'), node.certPem);
      for (const purpose of ['sslclient', 'sslserver']) {
        const args = [
          'verify',
          '-x509_strict',
          '-purpose',
          purpose,
          '-CAfile',
          'ca.pem',
          'node.pem',
        ];
        const res = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
        assert.equal(res.status, 0, res.stderr);
        assert.match(res.stdout, /node\.pem: OK/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips any valid org and node id through a certificate', () => {
    const id = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(id, id, (orgId, nodeId) => {
        const ca = createOrgCa({ orgId, name: 'Test CA', validDays: 1 });
        const keys = issueNodeCertificate(ca, {
          orgId,
          nodeId,
          hosts: ['localhost'],
          validDays: 1,
        });
        const cert = new X509Certificate(keys.certPem);
        assert.deepEqual(readPeerIdentity(cert), { orgId, nodeId });
        const cas = readOrgCas({ [orgId]: ca.certPem });
        assert.equal(checkNodeCertificate(cert, cas, new Date()).ok, true);
      }),
      { numRuns: 15 },
    );
  });

  it("refuses a certificate from one org's CA that claims another org", () => {
    const claim = { orgId: 'acme', commonName: 'evil', uris: ['tally://org/acme/node/evil'] };
    const cert = forge(bravo, claim);
    assert.deepEqual(readPeerIdentity(cert), { orgId: 'acme', nodeId: 'evil' });
    assert.deepEqual(checkNodeCertificate(cert, orgCas, new Date()), {
      ok: false,
      reason: 'wrong_issuer',
    });
  });

  it('refuses certificates that name no node, a non-member org, a CA, or are out of date', () => {
    const now = new Date();
    const check = (cert: X509Certificate, cas = orgCas, at = now) =>
      checkNodeCertificate(cert, cas, at);
    const reason = (result: ReturnType<typeof check>) => (result.ok ? 'ok' : result.reason);
    assert.equal(reason(check(new X509Certificate(acme.certPem))), 'no_identity');
    const noUri = forge(acme, { orgId: 'acme', commonName: 'n9', uris: [] });
    assert.equal(reason(check(noUri)), 'no_identity');
    const mismatch = forge(acme, {
      orgId: 'acme',
      commonName: 'n8',
      uris: [nodeUri({ orgId: 'acme', nodeId: 'n9' })],
    });
    assert.equal(reason(check(mismatch)), 'no_identity');
    const twoUris = forge(acme, {
      orgId: 'acme',
      commonName: 'n9',
      uris: [nodeUri({ orgId: 'acme', nodeId: 'n9' }), nodeUri({ orgId: 'acme', nodeId: 'n7' })],
    });
    assert.equal(reason(check(twoUris)), 'no_identity');
    const cert = new X509Certificate(node.certPem);
    assert.equal(reason(check(cert, readOrgCas({ bravo: bravo.certPem }))), 'unknown_org');
    const subCa = forge(acme, {
      orgId: 'acme',
      commonName: 'n9',
      uris: [nodeUri({ orgId: 'acme', nodeId: 'n9' })],
      isCa: true,
    });
    assert.equal(reason(check(subCa)), 'not_a_node_certificate');
    assert.equal(
      reason(check(cert, orgCas, new Date(now.getTime() + 20 * dayMs))),
      'not_valid_now',
    );
  });

  it('never issues a node certificate that outlives its CA', () => {
    const shortCa = createOrgCa({ orgId: 'acme', name: 'Short CA', validDays: 2 });
    const keys = issueNodeCertificate(shortCa, {
      orgId: 'acme',
      nodeId: 'n1',
      hosts: ['localhost'],
      validDays: 365,
    });
    assert.equal(
      new X509Certificate(keys.certPem).validTo,
      new X509Certificate(shortCa.certPem).validTo,
    );
  });

  it('error: input that cannot make a certificate names its field', () => {
    const ok = { orgId: 'acme', nodeId: 'n1', hosts: ['localhost'], validDays: 1 };
    assert.throws(
      () => createOrgCa({ orgId: 'Acme', name: 'A', validDays: 1 }),
      /^RangeError: orgId: expected 1\.\.64 characters/,
    );
    assert.throws(
      () => createOrgCa({ orgId: 'acme', name: 'A, B', validDays: 1 }),
      /^RangeError: name: /,
    );
    assert.throws(
      () => createOrgCa({ orgId: 'acme', name: 'A', validDays: 0 }),
      /^RangeError: validDays: expected an integer in 1\.\.36500/,
    );
    assert.throws(
      () => issueNodeCertificate(acme, { ...ok, nodeId: 'x'.repeat(65) }),
      /^RangeError: nodeId: /,
    );
    assert.throws(() => issueNodeCertificate(acme, { ...ok, hosts: [] }), /^RangeError: hosts: /);
    assert.throws(
      () => issueNodeCertificate(acme, { ...ok, hosts: ['bad host'] }),
      /^RangeError: hosts\[0\]: /,
    );
    assert.throws(
      () => issueNodeCertificate(acme, { ...ok, orgId: 'bravo' }),
      /^RangeError: orgCa\[bravo\]: names another organisation/,
    );
    assert.throws(
      () => issueNodeCertificate({ certPem: acme.certPem, keyPem: bravo.keyPem }, ok),
      /^RangeError: ca\.keyPem: does not match ca\.certPem/,
    );
  });

  it('error: a genesis CA that is not a self-signed CA of its org', () => {
    assert.throws(
      () => readOrgCa('junk', 'acme'),
      /^RangeError: orgCa\[acme\]: not a PEM or DER certificate/,
    );
    assert.throws(
      () => readOrgCa(node.certPem, 'acme'),
      /^RangeError: orgCa\[acme\]: not a CA certificate/,
    );
    assert.throws(
      () => readOrgCa(acme.certPem, 'bravo'),
      /^RangeError: orgCa\[bravo\]: names another organisation/,
    );
    const subCa = forge(acme, {
      orgId: 'bravo',
      commonName: 'Sub CA',
      uris: ['tally://org/bravo'],
      isCa: true,
    });
    assert.throws(
      () => readOrgCa(subCa.toString(), 'bravo'),
      /^RangeError: orgCa\[bravo\]: not self-signed/,
    );
  });

  it('round-trips the hello and refuses anything else', () => {
    assert.deepEqual(decodeHello(encodeHello('tally-main', 'n1')), {
      version: 1,
      chainId: 'tally-main',
      nodeId: 'n1',
    });
    assert.equal(decodeHello(Uint8Array.of(0xff)), undefined);
    assert.equal(decodeHello(new TextEncoder().encode('hello')), undefined);
    assert.throws(() => encodeHello('c'.repeat(600), 'n1'), /^RangeError: hello: /);
  });
});
