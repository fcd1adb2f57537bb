// Test consortium: org CAs and node certificates made once per file, transports on 127.0.0.1 with
// ephemeral ports, and an event recorder to wait on (never a sleep or a timing threshold).
import { connect, type TLSSocket } from 'node:tls';
import { encodeFrames } from '../../src/p2p/frame.ts';
import { encodeHello } from '../../src/p2p/hello.ts';
import {
  type CertificateAndKey,
  createOrgCa,
  issueNodeCertificate,
  type PeerIdentity,
} from '../../src/p2p/pki.ts';
import {
  createTransport,
  type PeerAddress,
  type PeerEvent,
  type Transport,
  type TransportOptions,
} from '../../src/p2p/transport.ts';

export const chainId = 'tally-test';
export const localhost = '127.0.0.1';
/** Overall limit on waiting for one event; generous because the machine is shared. */
export const waitTimeoutMs = 20_000;
const pollMs = 20;

export type NodeKeys = CertificateAndKey & { readonly orgId: string; readonly nodeId: string };
export type Pki = {
  readonly cas: Readonly<Record<string, CertificateAndKey>>;
  readonly orgCaPems: Readonly<Record<string, string>>;
  readonly nodes: Readonly<Record<string, NodeKeys>>;
};

/** One CA per org, one node certificate per listed node. */
export function createPki(orgs: Readonly<Record<string, readonly string[]>>): Pki {
  const cas: Record<string, CertificateAndKey> = {};
  const orgCaPems: Record<string, string> = {};
  const nodes: Record<string, NodeKeys> = {};
  for (const [orgId, nodeIds] of Object.entries(orgs)) {
    const ca = createOrgCa({ orgId, name: `${orgId} CA`, validDays: 30 });
    cas[orgId] = ca;
    orgCaPems[orgId] = ca.certPem;
    for (const nodeId of nodeIds) {
      const keys = issueNodeCertificate(ca, {
        orgId,
        nodeId,
        hosts: [localhost, 'localhost'],
        validDays: 30,
      });
      nodes[nodeId] = { ...keys, orgId, nodeId };
    }
  }
  return { cas, orgCaPems, nodes };
}

export type LogEntry = { level: 'info' | 'warn'; message: string; fields: Record<string, unknown> };

/** Collects a transport's log and peer events, and resolves waits as matching entries arrive. */
export class Recorder {
  readonly logs: LogEntry[] = [];
  readonly events: PeerEvent[] = [];
  readonly messages: { from: string; payload: Uint8Array }[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  readonly log = {
    info: (message: string, fields: Record<string, unknown> = {}) =>
      this.push(() => this.logs.push({ level: 'info', message, fields })),
    warn: (message: string, fields: Record<string, unknown> = {}) =>
      this.push(() => this.logs.push({ level: 'warn', message, fields })),
  };

  attach(transport: Transport): void {
    transport.onPeer((event) => this.push(() => this.events.push(event)));
    transport.onMessage((from, payload) => this.push(() => this.messages.push({ from, payload })));
  }

  refusals(): LogEntry[] {
    return this.logs.filter((l) => l.message === 'peer refused');
  }

  /**
   * Resolves once `check` holds, checked on every recorded entry and on a short poll (for state
   * that changes without an event, such as socket counts); rejects after waitTimeoutMs.
   */
  waitFor(what: string, check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        if (error === undefined) resolve();
        else reject(error);
      };
      const timer = setTimeout(
        () => finish(new Error(`timed out waiting for ${what}`)),
        waitTimeoutMs,
      );
      const poll = setInterval(() => {
        if (check()) finish();
      }, pollMs);
      const waiter = { check, resolve: () => finish() };
      this.waiters.push(waiter);
    });
  }

  private push(record: () => void): void {
    record();
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

export type TestNode = {
  readonly nodeId: string;
  readonly transport: Transport;
  readonly recorder: Recorder;
  readonly address: PeerAddress;
};

export type TestNodeOptions = Partial<
  Pick<
    TransportOptions,
    'sendQueueBytesMax' | 'frameBytesMax' | 'chainId' | 'backoff' | 'helloTimeoutMs'
  >
> & {
  /** Node ids this node accepts; everyone in the PKI when omitted. */
  readonly allowed?: readonly string[];
  readonly peers?: readonly PeerAddress[];
  readonly port?: number;
  readonly keys?: NodeKeys;
  readonly orgCaPems?: Readonly<Record<string, string>>;
};

/** A started transport listening on 127.0.0.1 (an ephemeral port unless `port` is given). */
export async function startNode(
  pki: Pki,
  nodeId: string,
  options: TestNodeOptions = {},
): Promise<TestNode> {
  const keys = options.keys ?? pki.nodes[nodeId];
  if (keys === undefined) throw new Error(`no keys for ${nodeId}`);
  const allowed = options.allowed ?? Object.keys(pki.nodes);
  const recorder = new Recorder();
  const { allowed: _a, peers, port, keys: _k, orgCaPems, ...limits } = options;
  const transport = createTransport(
    {
      chainId,
      ...limits,
      nodeId,
      certPem: keys.certPem,
      keyPem: keys.keyPem,
      orgCaPems: orgCaPems ?? pki.orgCaPems,
      listen: { host: localhost, port: port ?? 0 },
      peers: peers ?? [],
      isAllowedPeer: (identity: PeerIdentity) => allowed.includes(identity.nodeId),
    },
    { random: seededRandom(nodeId.length + 1), log: recorder.log },
  );
  recorder.attach(transport);
  const bound = await transport.start();
  if (bound === undefined) throw new Error('expected a listening transport');
  return { nodeId, transport, recorder, address: { nodeId, host: localhost, port: bound.port } };
}

/** Deterministic [0, 1) source for backoff jitter (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function isUp(recorder: Recorder, peerId: string): () => boolean {
  return () => {
    const last = recorder.events.filter((e) => e.nodeId === peerId).at(-1);
    return last?.type === 'up';
  };
}

/**
 * A bare TLS client holding a member's certificate, for speaking the wire protocol by hand (bad
 * frames, a reader that never reads). Resolves once TLS is up, after sending a hello if asked.
 */
export function connectRaw(
  keys: NodeKeys,
  orgCaPems: Readonly<Record<string, string>>,
  port: number,
  hello: { chainId: string } | undefined,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: localhost,
      port,
      cert: keys.certPem,
      key: keys.keyPem,
      ca: Object.values(orgCaPems),
      minVersion: 'TLSv1.3',
      checkServerIdentity: () => undefined,
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      if (hello !== undefined)
        socket.write(encodeFrames([encodeHello(hello.chainId, keys.nodeId)]));
      resolve(socket);
    });
  });
}

/** Resolves when the socket closes; reads (and drops) what arrives, or the FIN would never be seen. */
export function waitForClose(socket: TLSSocket): Promise<void> {
  return new Promise((resolve) => {
    socket.on('error', () => {});
    socket.resume();
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}
