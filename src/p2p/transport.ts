// The peer network: TLS 1.3 with mutual authentication against the member organisations' CAs, then
// identity checks (org CA, allow-list, hello with chain id), one connection per peer pair, bounded
// coalesced sends, and redial with jittered exponential backoff for the peers this node dials.
import { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { assert } from '../util/assert.ts';
import { admitPeer } from './admission.ts';
import { backoffDelayMs } from './backoff.ts';
import {
  frameBytesMax as frameBytesMaxLimit,
  frameHeaderBytes,
  helloTimeoutMs as helloTimeoutMsDefault,
  inboundConnectionsMax,
  outboundPeersMax,
  sendQueueBytesMaxDefault,
} from './limits.ts';
import { type Direction, PeerConnection } from './peer.ts';
import { checkNodeCertificate, readOrgCas } from './pki.ts';
import { keepNewConnection } from './tie-break.ts';
import type {
  MessageHandler,
  PeerAddress,
  PeerEvent,
  PeerHandler,
  Transport,
  TransportDeps,
  TransportLog,
  TransportOptions,
} from './types.ts';

export type * from './types.ts';

/** Cap on the time from TCP connect to a completed TLS handshake on a dial. */
export const connectTimeoutMs = 10_000;

type Dial = {
  readonly address: PeerAddress;
  attempt: number;
  timer: NodeJS.Timeout | undefined;
  /** The socket of the attempt in flight, from TCP connect until it closes (open or not). */
  socket: TLSSocket | undefined;
};

const silentLog: TransportLog = { info: () => {}, warn: () => {} };

export function createTransport(options: TransportOptions, deps: TransportDeps): Transport {
  const frameBytesMax = options.frameBytesMax ?? frameBytesMaxLimit;
  const sendQueueBytesMax = options.sendQueueBytesMax ?? sendQueueBytesMaxDefault;
  const helloTimeoutMs = options.helloTimeoutMs ?? helloTimeoutMsDefault;
  if (
    !(Number.isInteger(frameBytesMax) && frameBytesMax > 0 && frameBytesMax <= frameBytesMaxLimit)
  )
    throw new RangeError(`frameBytesMax: expected an integer in 1..${frameBytesMaxLimit}`);
  if (
    !(Number.isInteger(sendQueueBytesMax) && sendQueueBytesMax >= frameBytesMax + frameHeaderBytes)
  )
    throw new RangeError('sendQueueBytesMax: must hold at least one frame of frameBytesMax');
  const orgCas: ReadonlyMap<string, X509Certificate> = readOrgCas(options.orgCaPems);
  const log = deps.log ?? silentLog;
  const now = deps.now ?? (() => new Date());
  checkOwnCertificate(options, orgCas, now());
  const tlsBase = {
    cert: options.certPem,
    key: options.keyPem,
    ca: Object.values(options.orgCaPems),
    minVersion: 'TLSv1.3' as const,
  };

  const active = new Map<string, PeerConnection>();
  const connections = new Set<PeerConnection>();
  const sockets = new Set<Socket>();
  const dials = new Map<string, Dial>();
  const messageHandlers = new Set<MessageHandler>();
  const peerHandlers = new Set<PeerHandler>();
  let server: Server | undefined;
  let started = false;
  let closed = false;

  function track(socket: Socket): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }

  function emitPeer(event: PeerEvent): void {
    for (const handler of peerHandlers) handler(event);
  }

  /** TLS accepted the chain; now the org/CA binding, the allow-list and (dialing) the expected id. */
  function onSecure(socket: TLSSocket, direction: Direction, expectedNodeId?: string): void {
    if (closed || !socket.authorized) {
      socket.destroy();
      return;
    }
    const admission = admitPeer(socket.getPeerX509Certificate(), {
      selfNodeId: options.nodeId,
      orgCas,
      isAllowedPeer: options.isAllowedPeer,
      now: now(),
      ...(expectedNodeId === undefined ? {} : { expectedNodeId }),
    });
    if (!admission.ok) {
      const { reason, claimed } = admission;
      log.warn('peer refused', { reason, direction, expectedNodeId, ...claimed });
      socket.destroy();
      return;
    }
    const identity = admission.identity;
    const conn = new PeerConnection(
      socket,
      {
        chainId: options.chainId,
        nodeId: options.nodeId,
        identity,
        direction,
        frameBytesMax,
        sendQueueBytesMax,
        helloTimeoutMs,
      },
      { onOpen, onFrame, onClose },
    );
    connections.add(conn);
    conn.start();
  }

  /** The hello checked out: the peer is up, unless it already was (see keepNewConnection). */
  function onOpen(conn: PeerConnection): void {
    const nodeId = conn.identity.nodeId;
    const dial = dials.get(nodeId);
    if (dial !== undefined) dial.attempt = 0; // reachable again: the next loss starts a fresh backoff
    const existing = active.get(nodeId);
    if (existing === undefined) {
      active.set(nodeId, conn);
      log.info('peer up', { nodeId, orgId: conn.identity.orgId, direction: conn.direction });
      emitPeer({ type: 'up', nodeId, orgId: conn.identity.orgId, direction: conn.direction });
      return;
    }
    const keepNew = keepNewConnection(options.nodeId, nodeId, existing.direction, conn.direction);
    log.info('duplicate connection closed', {
      nodeId,
      kept: keepNew ? conn.direction : existing.direction,
    });
    if (!keepNew) {
      conn.close('duplicate');
      return;
    }
    // Swap without a down/up pair: the peer stayed reachable throughout.
    active.set(nodeId, conn);
    existing.close('duplicate');
  }

  function onFrame(conn: PeerConnection, payload: Uint8Array): void {
    if (active.get(conn.identity.nodeId) !== conn) return;
    for (const handler of messageHandlers) handler(conn.identity.nodeId, payload);
  }

  function onClose(conn: PeerConnection, reason: string): void {
    connections.delete(conn);
    const nodeId = conn.identity.nodeId;
    const wasActive = active.get(nodeId) === conn;
    if (wasActive) {
      active.delete(nodeId);
      log.info('peer down', { nodeId, reason });
      emitPeer({
        type: 'down',
        nodeId,
        orgId: conn.identity.orgId,
        direction: conn.direction,
        reason,
      });
    } else if (reason.startsWith('socket_')) {
      // Dropped by the other end before its hello: its refusal, or its half of a duplicate pair.
      log.info('connection closed before hello', { reason, nodeId, direction: conn.direction });
    } else if (reason !== 'duplicate' && reason !== 'transport_closed') {
      log.warn('peer refused', { reason, nodeId, direction: conn.direction });
    }
    const dial = dials.get(nodeId);
    if (dial !== undefined) scheduleDial(dial);
  }

  function scheduleDial(dial: Dial): void {
    const nodeId = dial.address.nodeId;
    if (closed || dials.get(nodeId) !== dial || dial.timer !== undefined) return;
    if (dial.socket !== undefined || active.has(nodeId)) return;
    const delayMs = backoffDelayMs(dial.attempt, deps.random, options.backoff);
    dial.attempt++;
    dial.timer = setTimeout(() => {
      dial.timer = undefined;
      dialNow(dial);
    }, delayMs);
  }

  function dialNow(dial: Dial): void {
    const { nodeId, host, port } = dial.address;
    if (closed || dials.get(nodeId) !== dial || active.has(nodeId) || dial.socket !== undefined) {
      return;
    }
    const socket = connect({
      ...tlsBase,
      host,
      port,
      // SNI carries names only; Node warns when it is given an address.
      ...(isIP(host) === 0 ? { servername: host } : {}),
      // The peer is named by its certificate's node URI, checked in onSecure, not by host name.
      checkServerIdentity: () => undefined,
    });
    dial.socket = socket;
    track(socket);
    socket.setTimeout(connectTimeoutMs, () => socket.destroy(new Error('connect timeout')));
    let secure = false;
    socket.once('secureConnect', () => {
      secure = true;
      socket.setTimeout(0);
      onSecure(socket, 'outbound', nodeId);
    });
    socket.on('error', (error: Error) => {
      // Later errors belong to the PeerConnection, which reports them as its close reason.
      if (!secure) log.info('dial failed', { nodeId, host, port, error: error.message });
    });
    // Whatever ended this attempt (TCP, TLS, identity, hello, or a connection lost later), the
    // next one waits its backoff; scheduleDial does nothing while the peer is connected.
    socket.once('close', () => {
      if (dial.socket === socket) dial.socket = undefined;
      scheduleDial(dial);
    });
  }

  function listen(): Promise<{ host: string; port: number } | undefined> {
    const at = options.listen;
    if (at === undefined) return Promise.resolve(undefined);
    const srv = createServer({
      ...tlsBase,
      requestCert: true,
      rejectUnauthorized: true,
      handshakeTimeout: helloTimeoutMs,
    });
    srv.maxConnections = inboundConnectionsMax;
    srv.on('connection', (raw: Socket) => track(raw));
    srv.on('secureConnection', (socket: TLSSocket) => {
      socket.on('error', () => {}); // PeerConnection reports errors once it owns the socket
      onSecure(socket, 'inbound');
    });
    srv.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      log.warn('peer refused', {
        reason: 'tls_handshake',
        error: error.message,
        remote: socket.remoteAddress,
      });
    });
    server = srv;
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(at.port, at.host, () => {
        srv.off('error', reject);
        const address = srv.address();
        assert(address !== null && typeof address === 'object', 'a TCP listener has an address');
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  function addPeer(address: PeerAddress): void {
    if (closed) throw new Error('transport: closed');
    if (address.nodeId === options.nodeId) throw new RangeError('peer.nodeId: is this node');
    if (!(Number.isInteger(address.port) && address.port > 0 && address.port < 65536))
      throw new RangeError(`peer[${address.nodeId}].port: expected 1..65535`);
    if (dials.has(address.nodeId)) return;
    if (dials.size >= outboundPeersMax) throw new RangeError(`peers: at most ${outboundPeersMax}`);
    const dial: Dial = { address, attempt: 0, timer: undefined, socket: undefined };
    dials.set(address.nodeId, dial);
    if (started) dialNow(dial);
  }

  function removePeer(nodeId: string): void {
    const dial = dials.get(nodeId);
    if (dial !== undefined) clearTimeout(dial.timer);
    dials.delete(nodeId);
    active.get(nodeId)?.close('removed');
  }

  /** A payload no peer could take is the caller's bug, connected peers or not. */
  function checkPayload(payload: Uint8Array): void {
    if (
      !(payload instanceof Uint8Array) ||
      payload.length === 0 ||
      payload.length > frameBytesMax
    ) {
      throw new RangeError(`payload: expected 1..${frameBytesMax} bytes`);
    }
  }

  function send(nodeId: string, payload: Uint8Array): boolean {
    checkPayload(payload);
    const conn = active.get(nodeId);
    return conn === undefined ? false : conn.send(payload);
  }

  function broadcast(payload: Uint8Array): number {
    checkPayload(payload);
    let accepted = 0;
    for (const conn of active.values()) if (conn.send(payload)) accepted++;
    return accepted;
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const dial of dials.values()) clearTimeout(dial.timer);
    for (const conn of [...connections]) conn.close('transport_closed');
    const socketsClosed = [...sockets].map(
      (s) =>
        new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve()))),
    );
    for (const s of sockets) s.destroy();
    const srv = server;
    const serverClosed =
      srv === undefined || !srv.listening
        ? Promise.resolve()
        : new Promise<void>((resolve) => srv.close(() => resolve()));
    await Promise.all([...socketsClosed, serverClosed]);
    assert(active.size === 0, 'no active peer after close');
  }

  for (const address of options.peers ?? []) addPeer(address);

  return {
    async start() {
      assert(!started, 'start once');
      if (closed) throw new Error('transport: closed');
      const bound = await listen();
      started = true;
      for (const dial of dials.values()) dialNow(dial);
      return bound;
    },
    addPeer,
    removePeer,
    send,
    broadcast,
    onMessage(handler) {
      messageHandlers.add(handler);
      return () => messageHandlers.delete(handler);
    },
    onPeer(handler) {
      peerHandlers.add(handler);
      return () => peerHandlers.delete(handler);
    },
    peers() {
      return [...active.values()].map((c) => ({
        nodeId: c.identity.nodeId,
        orgId: c.identity.orgId,
        direction: c.direction,
        queuedBytes: c.queuedBytes,
        socketBufferedBytes: c.socketBufferedBytes,
      }));
    },
    stats() {
      let dialing = 0;
      for (const dial of dials.values()) if (dial.socket !== undefined) dialing++;
      return { peers: active.size, connections: connections.size, sockets: sockets.size, dialing };
    },
    close,
  };
}

/** Fails fast on a certificate every peer would refuse: another node's, or not from our org's CA. */
function checkOwnCertificate(
  options: TransportOptions,
  orgCas: ReadonlyMap<string, X509Certificate>,
  now: Date,
): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(options.certPem);
  } catch (cause) {
    throw new RangeError('certPem: not a PEM certificate', { cause });
  }
  const check = checkNodeCertificate(cert, orgCas, now);
  if (!check.ok)
    throw new RangeError(`certPem: refused by the consortium's rules (${check.reason})`);
  if (check.identity.nodeId !== options.nodeId) {
    throw new RangeError(`certPem: names node ${check.identity.nodeId}, not ${options.nodeId}`);
  }
}
