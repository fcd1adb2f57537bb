// The peer admission rule: a peer is allowed only when the genesis lists its (organisation, node)
// pair. Checked as a pure function, then through a real mutual-TLS transport where a member CA issues
// a certificate for another member's node id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getSuite } from '../../src/crypto/suites.ts';
import { type Genesis, parseGenesis } from '../../src/node/genesis.ts';
import { isAllowedPeer } from '../../src/node/peers.ts';
import { issueNodeCertificate, type PeerIdentity } from '../../src/p2p/pki.ts';
import { createTransport, type Transport } from '../../src/p2p/transport.ts';
import { toHex } from '../../src/util/bytes.ts';
import {
  chainId,
  createPki,
  isUp,
  localhost,
  type NodeKeys,
  type Pki,
  Recorder,
  seededRandom,
  startNode,
  type TestNode,
} from '../p2p/fixtures.ts';

let pki: Pki;
let genesis: Genesis;

function consensusKey(byte: number): string {
  return toHex(getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(byte)).publicKey);
}

function node(nodeId: string, orgId: string, kind: 'validator' | 'observer', byte: number) {
  return {
    nodeId,
    orgId,
    kind,
    suite: 'ed25519',
    publicKey: consensusKey(byte),
    p2p: { host: localhost, port: 26_600 + byte },
    api: { host: localhost, port: 8080 + byte },
  };
}

before(() => {
  pki = createPki({ acme: ['acme-1', 'acme-2'], bravo: ['bravo-1'] });
  genesis = parseGenesis({
    version: 1,
    chainId,
    genesisTimeMs: 0,
    organizations: Object.entries(pki.orgCaPems).map(([id, caCertPem]) => ({
      id,
      name: id,
      caCertPem,
      roles: ['validator'],
    })),
    nodes: [
      node('acme-1', 'acme', 'validator', 1),
      node('bravo-1', 'bravo', 'validator', 2),
      node('acme-2', 'acme', 'observer', 3),
    ],
  });
});

describe('isAllowedPeer', () => {
  it('allows each (organisation, node) pair the genesis lists, observers included', () => {
    const listed: PeerIdentity[] = [
      { orgId: 'acme', nodeId: 'acme-1' },
      { orgId: 'bravo', nodeId: 'bravo-1' },
      { orgId: 'acme', nodeId: 'acme-2' },
    ];
    for (const identity of listed) assert.equal(isAllowedPeer(genesis, identity), true);
  });

  it('refuses a listed node id claimed by another organisation', () => {
    assert.equal(isAllowedPeer(genesis, { orgId: 'acme', nodeId: 'bravo-1' }), false);
    assert.equal(isAllowedPeer(genesis, { orgId: 'bravo', nodeId: 'acme-1' }), false);
  });

  it('refuses a node the genesis does not list', () => {
    assert.equal(isAllowedPeer(genesis, { orgId: 'acme', nodeId: 'acme-9' }), false);
    assert.equal(isAllowedPeer(genesis, { orgId: 'charlie', nodeId: 'charlie-1' }), false);
  });
});

describe('isAllowedPeer through a real transport', () => {
  const running: Transport[] = [];
  let server: { transport: Transport; recorder: Recorder; port: number };

  before(async () => {
    const keys = pki.nodes['acme-1']!;
    const recorder = new Recorder();
    const transport = createTransport(
      {
        chainId,
        nodeId: 'acme-1',
        certPem: keys.certPem,
        keyPem: keys.keyPem,
        orgCaPems: pki.orgCaPems,
        listen: { host: localhost, port: 0 },
        peers: [],
        isAllowedPeer: (identity) => isAllowedPeer(genesis, identity),
      },
      { random: seededRandom(1), log: recorder.log },
    );
    recorder.attach(transport);
    running.push(transport);
    const bound = await transport.start();
    assert.ok(bound !== undefined);
    server = { transport, recorder, port: bound.port };
  });

  after(async () => {
    await Promise.all(running.map((t) => t.close()));
  });

  /** A node of the test PKI dialing the server with `keys`, the hello naming keys.nodeId. */
  async function dial(keys: NodeKeys): Promise<TestNode> {
    const client = await startNode(pki, keys.nodeId, {
      keys,
      peers: [{ nodeId: 'acme-1', host: localhost, port: server.port }],
    });
    running.push(client.transport);
    return client;
  }

  function refusalOf(nodeId: string, orgId: string) {
    return () =>
      server.recorder
        .refusals()
        .some(
          (l) =>
            l.fields.reason === 'not_allowed' &&
            l.fields.nodeId === nodeId &&
            l.fields.orgId === orgId,
        );
  }

  it("refuses a member CA's certificate for another organisation's node id", async () => {
    // acme's CA may issue anything naming acme; here it names bravo's node.
    const forged = issueNodeCertificate(pki.cas.acme!, {
      orgId: 'acme',
      nodeId: 'bravo-1',
      hosts: [localhost],
      validDays: 1,
    });
    const client = await dial({ ...forged, orgId: 'acme', nodeId: 'bravo-1' });
    await server.recorder.waitFor('not_allowed for acme/bravo-1', refusalOf('bravo-1', 'acme'));
    assert.deepEqual(server.recorder.events, []);
    assert.deepEqual(client.recorder.events, []);
    await client.transport.close();
  });

  it('refuses a node the genesis does not list', async () => {
    const unlisted = issueNodeCertificate(pki.cas.acme!, {
      orgId: 'acme',
      nodeId: 'acme-9',
      hosts: [localhost],
      validDays: 1,
    });
    const client = await dial({ ...unlisted, orgId: 'acme', nodeId: 'acme-9' });
    await server.recorder.waitFor('not_allowed for acme/acme-9', refusalOf('acme-9', 'acme'));
    assert.deepEqual(server.recorder.events, []);
    await client.transport.close();
  });

  it('lets in a listed (organisation, node) pair', async () => {
    const client = await dial(pki.nodes['bravo-1']!);
    await server.recorder.waitFor('bravo-1 up', isUp(server.recorder, 'bravo-1'));
    const up = server.recorder.events.find((e) => e.type === 'up');
    assert.deepEqual([up?.nodeId, up?.orgId], ['bravo-1', 'bravo']);
    await client.transport.close();
  });
});
