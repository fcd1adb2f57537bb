// GET /v1/status (public): the node's chain, heights, peers and mempool.
import type { Client } from '../client.ts';
import {
  readFlag,
  readHex,
  readInteger,
  readList,
  readObject,
  readOneOf,
  readText,
} from '../json.ts';

export type GetStatusParameters = { signal?: AbortSignal | undefined };

export type GetStatusReturnType = {
  readonly chainId: string;
  readonly nodeId: string;
  readonly orgId: string;
  readonly kind: 'validator' | 'observer';
  /** Highest committed (final) block. */
  readonly height: number;
  /** Highest executed block: state and receipts are known up to here. */
  readonly executedHeight: number;
  /** State root after executedHeight, hex. */
  readonly stateRoot: string;
  readonly epoch: number;
  readonly round: number;
  readonly peers: readonly { readonly nodeId: string; readonly orgId: string }[];
  readonly mempool: { readonly txs: number; readonly bytes: number };
  readonly syncing: boolean;
  readonly version: string;
  /** The key the node signs with when it acts for its organisation; absent when it holds none. */
  readonly gateway?: {
    readonly orgId: string;
    readonly suite: string;
    /** hex */
    readonly publicKey: string;
  };
};

/**
 * Reads the node's status.
 *
 * @example
 * const { chainId, height } = await getStatus(client);
 */
export async function getStatus(
  client: Client,
  params: GetStatusParameters = {},
): Promise<GetStatusReturnType> {
  const { body } = await client.request({
    method: 'GET',
    path: '/v1/status',
    signal: params.signal,
  });
  return parseStatus(body);
}

function parseStatus(body: unknown): GetStatusReturnType {
  const s = readObject(body, 'status');
  const mempool = readObject(s.mempool, 'status.mempool');
  return Object.freeze({
    chainId: readText(s.chainId, 'status.chainId'),
    nodeId: readText(s.nodeId, 'status.nodeId'),
    orgId: readText(s.orgId, 'status.orgId'),
    kind: readOneOf(s.kind, 'status.kind', ['validator', 'observer'] as const),
    height: readInteger(s.height, 'status.height'),
    executedHeight: readInteger(s.executedHeight, 'status.executedHeight'),
    stateRoot: readHex(s.stateRoot, 'status.stateRoot', 32),
    epoch: readInteger(s.epoch, 'status.epoch'),
    round: readInteger(s.round, 'status.round'),
    peers: readList(s.peers, 'status.peers').map((p, i) => {
      const peer = readObject(p, `status.peers[${i}]`);
      return {
        nodeId: readText(peer.nodeId, `status.peers[${i}].nodeId`),
        orgId: readText(peer.orgId, `status.peers[${i}].orgId`),
      };
    }),
    mempool: {
      txs: readInteger(mempool.txs, 'status.mempool.txs'),
      bytes: readInteger(mempool.bytes, 'status.mempool.bytes'),
    },
    syncing: readFlag(s.syncing, 'status.syncing'),
    version: readText(s.version, 'status.version'),
    ...(s.gateway === undefined ? {} : { gateway: parseGateway(s.gateway) }),
  });
}

function parseGateway(value: unknown): NonNullable<GetStatusReturnType['gateway']> {
  const g = readObject(value, 'status.gateway');
  return {
    orgId: readText(g.orgId, 'status.gateway.orgId'),
    suite: readText(g.suite, 'status.gateway.suite'),
    publicKey: readHex(g.publicKey, 'status.gateway.publicKey'),
  };
}
