// The Byzantine test mode's outbound layer: it sits between the consensus driver and the peer
// network, rewrites what the honest engine sends (rewrite.ts), and with `flood` sends junk frames
// to every peer at a steady rate (flood.ts). Without `testing.byzantine` it passes messages through.
import { randomBytes } from 'node:crypto';
import type { Message } from '../../consensus/index.ts';
import type { KeyPair } from '../../crypto/suite.ts';
import type { Transport } from '../../p2p/types.ts';
import { toHex } from '../../util/bytes.ts';
import type { Genesis, GenesisNode } from '../genesis.ts';
import type { NodeNetwork } from '../network.ts';
import type { ByzantineConfig } from './config.ts';
import {
  type ConsensusPosition,
  type FloodFrameKind,
  floodFrame,
  floodFrameKinds,
} from './flood.ts';
import type { ForgeKey } from './forge.ts';
import { Rewriter } from './rewrite.ts';

export {
  type ByzantineBehaviour,
  type ByzantineConfig,
  byzantineBehaviours,
  byzantineEnvVar,
  parseTestingConfig,
  type TestingConfig,
} from './config.ts';

/** How the driver's messages leave the node. */
export type Outbound = {
  send(peer: string, message: Message): void;
  broadcast(message: Message): void;
  close(): void;
};

export type ByzantineDeps = {
  readonly key: ForgeKey;
  /** Every other node in genesis order: its peer id (public key hex) and transport node id. */
  readonly peers: readonly { readonly peer: string; readonly nodeId: string }[];
  readonly validatorCount: number;
  /** The honest paths, which the layer ends in. */
  readonly sendConsensus: (peer: string, message: Message) => void;
  readonly broadcastConsensus: (message: Message) => void;
  readonly sendFrame: (nodeId: string, frame: Uint8Array) => void;
  readonly warn: (fields: Record<string, unknown>, message: string) => void;
};

/** The honest outbound path, or the Byzantine layer around it when the config asks for one. */
export function createOutbound(config: ByzantineConfig | undefined, deps: ByzantineDeps): Outbound {
  if (config === undefined)
    return {
      send: deps.sendConsensus,
      broadcast: deps.broadcastConsensus,
      close: () => {},
    };
  deps.warn(
    { behaviours: config.behaviours, floodFramesPerSecond: config.floodFramesPerSecond },
    'BYZANTINE TEST MODE: this validator misbehaves on purpose',
  );
  return createByzantineOutbound(config, deps);
}

/** The node's outbound path, from its parts (node.ts); `network` is built after the driver. */
export function createNodeOutbound(
  config: ByzantineConfig | undefined,
  parts: {
    readonly genesis: Genesis;
    readonly self: GenesisNode;
    readonly key: KeyPair;
    readonly sign: (message: Uint8Array) => Uint8Array;
    readonly network: () => NodeNetwork | undefined;
    readonly transport: Transport;
    readonly warn: ByzantineDeps['warn'];
  },
): Outbound {
  const { genesis, self, key } = parts;
  return createOutbound(config, {
    key: { chainId: genesis.chainId, suite: key.suite, publicKey: key.publicKey, sign: parts.sign },
    peers: genesis.nodes
      .filter((n) => n.nodeId !== self.nodeId)
      .map((n) => ({ peer: toHex(n.publicKey), nodeId: n.nodeId })),
    validatorCount: genesis.nodes.filter((n) => n.kind === 'validator').length,
    sendConsensus: (peer, message) => parts.network()?.sendConsensus(peer, message),
    broadcastConsensus: (message) => parts.network()?.broadcastConsensus(message),
    sendFrame: (nodeId, frame) => {
      parts.transport.send(nodeId, frame);
    },
    warn: parts.warn,
  });
}

function createByzantineOutbound(config: ByzantineConfig, deps: ByzantineDeps): Outbound {
  const rewriter = new Rewriter({
    behaviours: config.behaviours,
    key: deps.key,
    peers: deps.peers.map((p) => p.peer),
  });
  const position: ConsensusPosition = { epoch: 0, round: 0, height: 0 };
  const deliver = (message: Message, to: string | undefined) => {
    track(position, message);
    for (const out of rewriter.rewrite(message, to)) deps.sendConsensus(out.to, out.message);
  };
  const flood = config.behaviours.includes('flood')
    ? startFlood(config.floodFramesPerSecond, deps, position)
    : undefined;
  return {
    send: (peer, message) => deliver(message, peer),
    broadcast: (message) => deliver(message, undefined),
    close: () => clearInterval(flood),
  };
}

function track(position: ConsensusPosition, message: Message): void {
  if (message.type === 'proposal') {
    const h = message.block.header;
    Object.assign(position, { epoch: h.epoch, round: h.round, height: h.height });
  } else if (message.type === 'vote') {
    const v = message.vote;
    Object.assign(position, { epoch: v.epoch, round: v.round, height: v.height });
  } else if (message.type === 'timeout') {
    Object.assign(position, { epoch: message.timeout.epoch, round: message.timeout.round });
  }
}

/** One frame to every peer per tick, cycling through the kinds of junk. */
function startFlood(
  framesPerSecond: number,
  deps: ByzantineDeps,
  position: Readonly<ConsensusPosition>,
): NodeJS.Timeout {
  let sent = 0;
  const timer = setInterval(() => {
    const kind: FloodFrameKind = floodFrameKinds[sent % floodFrameKinds.length]!;
    sent++;
    const frame = floodFrame(kind, {
      key: deps.key,
      position,
      validatorCount: deps.validatorCount,
      random: (n) => new Uint8Array(randomBytes(n)),
      nowMs: Date.now(),
      nonce: BigInt(sent),
    });
    for (const p of deps.peers) deps.sendFrame(p.nodeId, frame);
  }, 1000 / framesPerSecond);
  timer.unref();
  return timer;
}
