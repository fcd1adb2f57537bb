// The node on the peer network: routes frames to consensus, the mempool and catch-up; gossips the
// transactions this node admitted from its API; tells peers its height so a node far behind knows to
// fetch blocks. A proposal reaches consensus only after its signatures are checked (in parallel, off
// the loop) and this node has executed the state the proposal's header certifies.
import type { Input, Message } from '../consensus/index.ts';
import type { Mempool } from '../mempool/index.ts';
import type { Transport } from '../p2p/types.ts';
import { toHex } from '../util/bytes.ts';
import type { BlockChecker } from './block-check.ts';
import type { CommitPipeline } from './commits.ts';
import type { DriverLog } from './driver.ts';
import type { Genesis } from './genesis.ts';
import {
  decodeFrame,
  encodeConsensusFrame,
  encodeStatusFrame,
  encodeSyncFrame,
  encodeTxsFrame,
  gossipTxsMax,
} from './wire.ts';

export const statusIntervalMs = 1000;

export type NetworkDeps = {
  readonly transport: Transport;
  readonly mempool: Mempool;
  readonly checker: BlockChecker;
  readonly commits: CommitPipeline;
  readonly input: (input: Input) => void;
  /** A sync-protocol frame body from a peer (catch-up outside consensus). */
  readonly onSync: (nodeId: string, body: Uint8Array) => void;
  readonly log: DriverLog;
  readonly countBadFrame: (nodeId: string) => void;
};

export type NetworkOptions = {
  readonly genesis: Genesis;
  readonly nodeId: string;
  /** Longest a proposal waits for this node's execution to reach its state height. */
  readonly executionWaitMs: number;
};

export class NodeNetwork {
  readonly #deps: NetworkDeps;
  readonly #options: NetworkOptions;
  readonly #nodeByPeer = new Map<string, string>();
  readonly #peerByNode = new Map<string, string>();
  readonly #heights = new Map<string, number>();
  #gossipQueue: Uint8Array[] = [];
  #gossipScheduled = false;
  #statusTimer: NodeJS.Timeout | undefined;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(options: NetworkOptions, deps: NetworkDeps) {
    this.#options = options;
    this.#deps = deps;
    for (const n of options.genesis.nodes) {
      const peer = toHex(n.publicKey);
      this.#nodeByPeer.set(peer, n.nodeId);
      this.#peerByNode.set(n.nodeId, peer);
    }
  }

  start(): void {
    const { transport, mempool } = this.#deps;
    this.#unsubscribe.push(transport.onMessage((nodeId, bytes) => this.#onFrame(nodeId, bytes)));
    this.#unsubscribe.push(
      mempool.onAdmitted((batch) => {
        if (batch.origin !== 'api') return;
        for (const tx of batch.txs) this.#gossipQueue.push(tx.bytes);
        this.#scheduleGossip();
      }),
    );
    this.#statusTimer = setInterval(() => {
      transport.broadcast(encodeStatusFrame(this.#deps.commits.height));
    }, statusIntervalMs);
    this.#statusTimer.unref();
  }

  stop(): void {
    clearInterval(this.#statusTimer);
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  /** The highest height any peer reported, and which peer. */
  bestPeer(): { nodeId: string; height: number } | undefined {
    let best: { nodeId: string; height: number } | undefined;
    for (const [nodeId, height] of this.#heights)
      if (best === undefined || height > best.height) best = { nodeId, height };
    return best;
  }

  forgetPeerHeight(nodeId: string): void {
    this.#heights.delete(nodeId);
  }

  sendConsensus(peer: string, message: Message): void {
    const nodeId = this.#nodeByPeer.get(peer);
    if (nodeId !== undefined) this.#deps.transport.send(nodeId, encodeConsensusFrame(message));
  }

  broadcastConsensus(message: Message): void {
    this.#deps.transport.broadcast(encodeConsensusFrame(message));
  }

  sendSync(nodeId: string, body: Uint8Array): boolean {
    return this.#deps.transport.send(nodeId, encodeSyncFrame(body));
  }

  #scheduleGossip(): void {
    if (this.#gossipScheduled) return;
    this.#gossipScheduled = true;
    // One frame per tick carries everything admitted meanwhile: writes coalesce under load.
    setImmediate(() => {
      this.#gossipScheduled = false;
      const queue = this.#gossipQueue;
      this.#gossipQueue = [];
      for (let i = 0; i < queue.length; i += gossipTxsMax)
        this.#deps.transport.broadcast(encodeTxsFrame(queue.slice(i, i + gossipTxsMax)));
    });
  }

  #onFrame(nodeId: string, bytes: Uint8Array): void {
    let frame: ReturnType<typeof decodeFrame>;
    try {
      frame = decodeFrame(bytes);
    } catch (error) {
      this.#deps.countBadFrame(nodeId);
      this.#deps.log.warn({ peer: nodeId, err: (error as Error).message }, 'malformed frame');
      return;
    }
    switch (frame.type) {
      case 'consensus':
        this.#onConsensus(nodeId, frame.message);
        break;
      case 'txs':
        this.#deps.mempool.admit(frame.txs, { origin: nodeId }).catch((error: unknown) => {
          this.#deps.log.error({ err: error, peer: nodeId }, 'gossip admission failed');
        });
        break;
      case 'status':
        this.#heights.set(nodeId, frame.height);
        break;
      case 'sync':
        this.#deps.onSync(nodeId, frame.body);
        break;
    }
  }

  #onConsensus(nodeId: string, message: Message): void {
    const from = this.#peerByNode.get(nodeId);
    if (from === undefined) return;
    const input: Input = { type: 'message', from, message };
    if (message.type === 'proposal') {
      this.#gateProposal(nodeId, input, message).catch((error: unknown) => {
        this.#deps.log.error({ err: error, peer: nodeId }, 'proposal check failed');
      });
      return;
    }
    if (message.type === 'sync-response') {
      const blocks = [...message.blocks, ...message.tail];
      Promise.all(blocks.map((b) => this.#deps.checker.prepare(b))).then(
        () => this.#deps.input(input),
        (error: unknown) => this.#deps.log.error({ err: error, peer: nodeId }, 'sync check failed'),
      );
      return;
    }
    this.#deps.input(input);
  }

  async #gateProposal(
    nodeId: string,
    input: Input,
    message: Extract<Message, { type: 'proposal' }>,
  ): Promise<void> {
    const { block } = message;
    const t0 = performance.now();
    await this.#deps.checker.prepare(block);
    const t1 = performance.now();
    const stateHeight = block.header.stateHeight;
    if (this.#deps.commits.height < stateHeight && input.type === 'message')
      // The certificate the proposal carries may be what commits that state here: the leader formed
      // it from the votes, and no one else has seen it yet. Without it first, this node would wait
      // for a commit only the proposal itself brings, and not vote (with f validators down, that
      // stalls the round).
      this.#deps.input({
        type: 'message',
        from: input.from,
        message: { type: 'sync-info', highQc: block.header.justify, highTc: message.tc },
      });
    const executed = await this.#deps.commits.waitExecuted(
      stateHeight,
      this.#options.executionWaitMs,
    );
    if (!executed) {
      this.#deps.log.warn(
        {
          peer: nodeId,
          height: block.header.height,
          stateHeight,
          executed: this.#deps.commits.height,
        },
        'proposal certifies state this node has not executed yet; not voting',
      );
      return;
    }
    this.#deps.log.debug(
      {
        peer: nodeId,
        height: block.header.height,
        round: block.header.round,
        txs: block.txs.length,
        prepareMs: Math.round(t1 - t0),
        waitMs: Math.round(performance.now() - t1),
      },
      'proposal',
    );
    this.#deps.input(input);
  }
}
