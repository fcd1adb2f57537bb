// The node's peer transport: mutual TLS with this node's certificate, every member organisation's
// CA, and every other node of the genesis to dial; its log lines go to the node's logger.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { createTransport } from '../p2p/transport.ts';
import type { Transport } from '../p2p/types.ts';
import type { NodeConfig } from './config.ts';
import type { Genesis, GenesisNode } from './genesis.ts';
import { isAllowedPeer } from './peers.ts';

/** The peer transport: this node's certificate, every member's CA, every other node to dial. */
export function createNodeTransport(
  config: NodeConfig,
  genesis: Genesis,
  self: GenesisNode,
  log: Logger,
): Transport {
  return createTransport(
    {
      chainId: genesis.chainId,
      nodeId: self.nodeId,
      certPem: readFileSync(config.tls.certFile, 'utf8'),
      keyPem: readFileSync(config.tls.keyFile, 'utf8'),
      orgCaPems: Object.fromEntries(genesis.organizations.map((o) => [o.id, o.caCertPem])),
      listen: config.p2p,
      peers: genesis.nodes
        .filter((n) => n.nodeId !== self.nodeId)
        .map((n) => ({ nodeId: n.nodeId, host: n.p2p.host, port: n.p2p.port })),
      isAllowedPeer: (id) => isAllowedPeer(genesis, id),
    },
    { random: Math.random, log: pinoAdapter(log.child({ part: 'p2p' })) },
  );
}

/** Connection churn while peers start or restart is normal: it goes to debug, not to operators. */
const transportChurn = new Set([
  'dial failed',
  'duplicate connection closed',
  'connection closed before hello',
]);

function pinoAdapter(log: Logger) {
  return {
    info: (message: string, fields?: Record<string, unknown>) =>
      transportChurn.has(message)
        ? log.debug(fields ?? {}, message)
        : log.info(fields ?? {}, message),
    warn: (message: string, fields?: Record<string, unknown>) => log.warn(fields ?? {}, message),
  };
}
