// In-process peers for the catch-up tests: each is a real SyncServer over a real chain's stores, and
// what it answers crosses the wire encoding back to the asker's SyncRequests a tick later. A peer
// may tamper with its answers, or stay silent.
import type { LocalChain } from '../../src/cli/demo/local-chain.ts';
import type { CatchupLog } from '../../src/node/catchup/log.ts';
import { SnapshotPins } from '../../src/node/catchup/pins.ts';
import { isSyncAnswer, SyncRequests } from '../../src/node/catchup/requests.ts';
import { SyncServer } from '../../src/node/catchup/server.ts';
import {
  decodeSyncMessage,
  encodeSyncMessage,
  type SyncMessage,
} from '../../src/node/sync/messages.ts';
import type { Store } from '../../src/storage/index.ts';

/** Rewrites an answer (return it unchanged to pass it on); undefined drops it. */
export type Tamper = (answer: SyncMessage) => SyncMessage | undefined;

export type TestLog = CatchupLog & { readonly lines: string[] };

export function createTestLog(): TestLog {
  const lines: string[] = [];
  const write = (fields: Record<string, unknown>, message: string) =>
    lines.push(`${message} ${JSON.stringify(fields)}`);
  return { lines, info: write, warn: write, error: write };
}

export class TestPeers {
  readonly requests: SyncRequests;
  /** Heights the peers report; forgetPeer drops one, as the network does until the next status. */
  readonly heights = new Map<string, number>();
  /** Peers asked, in order. */
  readonly asked: string[] = [];
  readonly pins = new SnapshotPins({ now: Date.now });
  readonly #servers = new Map<string, { server: SyncServer; tamper: Tamper }>();
  readonly #log: TestLog;

  constructor(log: TestLog) {
    this.#log = log;
    this.requests = new SyncRequests({ send: (nodeId, body) => this.#send(nodeId, body) });
  }

  add(nodeId: string, source: { store: Store; chain: LocalChain }, tamper: Tamper = (a) => a) {
    const server = new SyncServer({
      store: source.store,
      blocks: source.chain.executor.blocks,
      state: source.chain.executor.state,
      pins: this.pins,
      send: (_to, body) => {
        const answer = tamper(decodeSyncMessage(body));
        if (answer === undefined) return true;
        const bytes = encodeSyncMessage(answer);
        setImmediate(() => {
          const message = decodeSyncMessage(bytes);
          if (isSyncAnswer(message)) this.requests.deliver(nodeId, message);
        });
        return true;
      },
      now: Date.now,
      log: this.#log,
    });
    this.#servers.set(nodeId, { server, tamper });
    this.heights.set(nodeId, source.chain.height ?? 0);
  }

  readonly bestPeer = () => {
    let best: { nodeId: string; height: number } | undefined;
    for (const [nodeId, height] of this.heights)
      if (best === undefined || height > best.height) best = { nodeId, height };
    return best;
  };

  readonly forgetPeer = (nodeId: string) => {
    this.heights.delete(nodeId);
  };

  readonly peerIds = () => [...this.#servers.keys()];

  #send(nodeId: string, body: Uint8Array): boolean {
    const peer = this.#servers.get(nodeId);
    if (peer === undefined) return false;
    this.asked.push(nodeId);
    const ask = decodeSyncMessage(body);
    if (isSyncAnswer(ask)) throw new Error('a request was expected');
    setImmediate(() => peer.server.handle('self', ask));
    return true;
  }
}
