// The transport's public shapes: options, injected dependencies, events and the Transport itself.
import type { BackoffOptions } from './backoff.ts';
import type { Direction } from './peer.ts';
import type { PeerIdentity } from './pki.ts';

export type PeerAddress = { readonly nodeId: string; readonly host: string; readonly port: number };

export type TransportOptions = {
  readonly chainId: string;
  readonly nodeId: string;
  /** This node's certificate and key (from issueNodeCertificate) and every member org's CA. */
  readonly certPem: string;
  readonly keyPem: string;
  readonly orgCaPems: Readonly<Record<string, string>>;
  /** Where to accept peers; omit to only dial. Port 0 picks a free port (see start()). */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Peers to dial and keep dialing; more can be added with addPeer. */
  readonly peers?: readonly PeerAddress[];
  /** The genesis validator/observer list: a peer not in it is refused after the TLS handshake. */
  readonly isAllowedPeer: (identity: PeerIdentity) => boolean;
  readonly frameBytesMax?: number;
  readonly sendQueueBytesMax?: number;
  readonly helloTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
};

export type TransportLog = {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
};

export type TransportDeps = {
  /** Uniform in [0, 1): backoff jitter. */
  readonly random: () => number;
  readonly log?: TransportLog;
  /** Clock for certificate validity checks. */
  readonly now?: () => Date;
};

export type PeerEvent = {
  readonly type: 'up' | 'down';
  readonly nodeId: string;
  readonly orgId: string;
  readonly direction: Direction;
  /** Why a connection went down. */
  readonly reason?: string;
};

export type PeerInfo = {
  readonly nodeId: string;
  readonly orgId: string;
  readonly direction: Direction;
  readonly queuedBytes: number;
  readonly socketBufferedBytes: number;
};

export type TransportStats = {
  /** Peers up (one connection each). */
  readonly peers: number;
  /** Authenticated connections, including those still waiting for the peer's hello. */
  readonly connections: number;
  /** Every open socket, including TCP connects and TLS handshakes in progress. */
  readonly sockets: number;
  /** Outbound attempts in flight. */
  readonly dialing: number;
};

export type MessageHandler = (nodeId: string, payload: Uint8Array) => void;
export type PeerHandler = (event: PeerEvent) => void;

export interface Transport {
  /** Listens (if configured) and dials the configured peers; resolves to the bound address. */
  start(): Promise<{ host: string; port: number } | undefined>;
  /** Dials `address` now and again whenever the connection is lost, until removePeer. */
  addPeer(address: PeerAddress): void;
  removePeer(nodeId: string): void;
  /** Queues one frame for a connected peer; false if not connected or its queue is full. */
  send(nodeId: string, payload: Uint8Array): boolean;
  /** Queues one frame for every connected peer; returns how many accepted it. */
  broadcast(payload: Uint8Array): number;
  onMessage(handler: MessageHandler): () => void;
  onPeer(handler: PeerHandler): () => void;
  peers(): PeerInfo[];
  stats(): TransportStats;
  /** Closes the listener, every socket and every timer; resolves once all sockets are closed. */
  close(): Promise<void>;
}
