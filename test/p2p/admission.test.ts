// Who is refused over real TLS: a foreign CA's node, a member not on the allow-list, a certificate
// from one member's CA claiming another member's org, a node of another chain, a silent peer.
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { nodeUri } from '../../src/p2p/pki.ts';
import { keyIdOf, randomSerial, signCertificate } from '../../src/p2p/x509.ts';
import {
  chainId,
  connectRaw,
  createPki,
  localhost,
  type NodeKeys,
  type Pki,
  type Recorder,
  startNode,
  type TestNode,
  waitForClose,
} from './fixtures.ts';

const refusedFor = (recorder: Recorder, reason: string) => () =>
  recorder.refusals().some((l) => l.fields.reason === reason);

describe('p2p admission', () => {
  let pki: Pki;
  let foreign: Pki;
  const running: TestNode[] = [];

  before(() => {
    pki = createPki({ acme: ['n1', 'n2'], bravo: ['n3'] });
    foreign = createPki({ mallory: ['m1'] });
  });

  after(async () => {
    await Promise.all(running.map((n) => n.transport.close()));
  });

  async function start(nodeId: string, options: Parameters<typeof startNode>[2] = {}) {
    const node = await startNode(pki, nodeId, options);
    running.push(node);
    return node;
  }

  it('refuses a peer whose certificate comes from a CA outside the genesis', async () => {
    const n1 = await start('n1');
    // m1 trusts the members' CAs, so only n1's side can refuse the handshake.
    const m1 = await start('m1', {
      keys: foreign.nodes.m1!,
      orgCaPems: { ...pki.orgCaPems, ...foreign.orgCaPems },
      allowed: ['n1'],
      peers: [n1.address],
    });
    await n1.recorder.waitFor('a TLS refusal', refusedFor(n1.recorder, 'tls_handshake'));
    // TLS 1.3 lets the client finish before the server has checked its certificate, so m1 sees
    // the connection drop rather than a handshake error.
    await m1.recorder.waitFor('the connection dropped', () =>
      m1.recorder.logs.some((l) => l.message === 'connection closed before hello'),
    );
    // And the other way: n1 dialing m1 does not accept m1's certificate as a server's either.
    n1.transport.addPeer(m1.address);
    await n1.recorder.waitFor('a failed dial to m1', () =>
      n1.recorder.logs.some((l) => l.message === 'dial failed' && l.fields.nodeId === 'm1'),
    );
    n1.transport.removePeer('m1');
    assert.deepEqual(n1.recorder.events, []);
    assert.deepEqual(m1.recorder.events, []);
    await Promise.all([n1.transport.close(), m1.transport.close()]);
  });

  it('refuses a member node that is not on the allow-list', async () => {
    const n1 = await start('n1', { allowed: ['n2'] });
    const n3 = await start('n3', { peers: [n1.address] });
    await n1.recorder.waitFor('not_allowed', refusedFor(n1.recorder, 'not_allowed'));
    const refusal = n1.recorder.refusals().find((l) => l.fields.reason === 'not_allowed')!;
    assert.equal(refusal.fields.nodeId, 'n3');
    assert.equal(refusal.fields.orgId, 'bravo');
    assert.deepEqual(n1.recorder.events, []);
    assert.deepEqual(n3.recorder.events, []);
    await Promise.all([n1.transport.close(), n3.transport.close()]);
  });

  it("refuses a certificate from one member's CA that claims another member's org", async () => {
    const n1 = await start('n1', { allowed: ['n2', 'evil'] });
    const keys = forgeNodeCertificate(pki, { signedBy: 'bravo', orgId: 'acme', nodeId: 'evil' });
    // A rogue does not run our transport (which refuses such a certificate at construction).
    const raw = await connectRaw(keys, pki.orgCaPems, n1.address.port, { chainId });
    await waitForClose(raw);
    await n1.recorder.waitFor('wrong_issuer', refusedFor(n1.recorder, 'wrong_issuer'));
    const refusal = n1.recorder.refusals().find((l) => l.fields.reason === 'wrong_issuer')!;
    assert.deepEqual([refusal.fields.orgId, refusal.fields.nodeId], ['acme', 'evil']);
    assert.deepEqual(n1.recorder.events, []);
    await n1.transport.close();
  });

  it('refuses a node of another chain', async () => {
    const n1 = await start('n1');
    const n2 = await start('n2', { chainId: 'other-chain', peers: [n1.address] });
    await n1.recorder.waitFor('wrong_chain at n1', refusedFor(n1.recorder, 'wrong_chain'));
    assert.deepEqual(n1.recorder.events, []);
    assert.deepEqual(n2.recorder.events, []);
    await Promise.all([n1.transport.close(), n2.transport.close()]);
  });

  it('drops a peer that never says hello', async () => {
    const n1 = await start('n1', { helloTimeoutMs: 100 });
    const raw = await connectRaw(pki.nodes.n2!, pki.orgCaPems, n1.address.port, undefined);
    await waitForClose(raw);
    await n1.recorder.waitFor('hello_timeout', refusedFor(n1.recorder, 'hello_timeout'));
    assert.deepEqual(n1.recorder.events, []);
    await n1.transport.close();
  });

  it('refuses a hello that names another node than the certificate', async () => {
    const n1 = await start('n1');
    const raw = await connectRaw(
      { ...pki.nodes.n2!, nodeId: 'n3' },
      pki.orgCaPems,
      n1.address.port,
      { chainId },
    );
    await waitForClose(raw);
    await n1.recorder.waitFor(
      'hello_node_mismatch',
      refusedFor(n1.recorder, 'hello_node_mismatch'),
    );
    await n1.transport.close();
  });
});

/** A node certificate signed by `signedBy`'s CA but naming `orgId`: what a rogue member could make. */
function forgeNodeCertificate(
  pki: Pki,
  claim: { signedBy: string; orgId: string; nodeId: string },
): NodeKeys {
  const ca = pki.cas[claim.signedBy]!;
  const caCert = new X509Certificate(ca.certPem);
  const donor = pki.nodes.n1!; // any P-256 key pair will do; reuse one
  const nowMs = Date.now();
  const certPem = signCertificate({
    serial: randomSerial(randomBytes),
    subject: { orgId: claim.orgId, commonName: claim.nodeId },
    issuer: { orgId: claim.signedBy, commonName: `${claim.signedBy} CA` },
    subjectPublicKey: new X509Certificate(donor.certPem).publicKey,
    issuerPrivateKey: createPrivateKey(ca.keyPem),
    issuerKeyId: keyIdOf(caCert.publicKey),
    notBefore: new Date(nowMs - 60_000),
    notAfter: new Date(nowMs + 86_400_000),
    isCa: false,
    uris: [nodeUri({ orgId: claim.orgId, nodeId: claim.nodeId })],
    hosts: [localhost],
  });
  return { certPem, keyPem: donor.keyPem, orgId: claim.orgId, nodeId: claim.nodeId };
}
