// The live feed every page shares: this node's event stream (GET /v1/events through the SDK's
// watchEvents, resumed after disconnects), kept as recent blocks, transactions and remittance
// status changes. Without a read key it polls the public latest block instead.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from 'react';
import {
  type EventMessage,
  getBlock,
  getLatestBlock,
  type ModuleEvent,
  watchEvents,
} from '../../../src/sdk/index.ts';
import { useSession } from './session.tsx';

export type LiveBlock = {
  readonly height: number;
  readonly hash: string;
  readonly timeMs: number;
  readonly txCount: number;
  /** When this browser heard of it: minus timeMs, the block's time to executed and delivered. */
  readonly seenAtMs: number | undefined;
};
export type LiveTx = {
  readonly height: number;
  readonly index: number;
  readonly txId: string;
  readonly code: string;
  readonly events: readonly ModuleEvent[];
};
export type Live = {
  readonly blocks: readonly LiveBlock[];
  readonly txs: readonly LiveTx[];
  readonly connected: boolean;
  readonly mode: 'stream' | 'poll' | 'starting';
  /** Subscribe to every tx message (remittance views watch their ids here); returns unsubscribe. */
  onTx(listener: (tx: LiveTx) => void): () => void;
};

const blocksKept = 60;
const txsKept = 50;
const backfillBlocks = 12;
const pollMs = 1000;
const zeroTxId = '0'.repeat(64);

const LiveContext = createContext<Live | undefined>(undefined);

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (live === undefined) throw new Error('useLive: outside LiveProvider');
  return live;
}

function addBlock(list: readonly LiveBlock[], block: LiveBlock): LiveBlock[] {
  if (list.some((b) => b.height === block.height)) return [...list];
  return [...list, block].sort((a, b) => a.height - b.height).slice(-blocksKept);
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const [blocks, setBlocks] = useState<readonly LiveBlock[]>([]);
  const [txs, setTxs] = useState<readonly LiveTx[]>([]);
  const [connected, setConnected] = useState(false);
  const [mode, setMode] = useState<Live['mode']>('starting');
  const listeners = useRef(new Set<(tx: LiveTx) => void>());
  const reader = session.reader();
  const readerKey = reader?.account?.publicKeyHex;

  // Recent history once, from the public block endpoints.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the home client is keyed by its URL
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const latest = await getLatestBlock(session.home);
        const from = Math.max(1, latest.height - backfillBlocks + 1);
        for (let h = from; h <= latest.height && !cancelled; h++) {
          const b = h === latest.height ? latest : await getBlock(session.home, { height: h });
          const block = { height: b.height, hash: b.hash, timeMs: b.header.timeMs };
          setBlocks((l) => addBlock(l, { ...block, txCount: b.txIds.length, seenAtMs: undefined }));
        }
      } catch {
        // The live feed fills the list anyway.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [session.home.url]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: clients are rebuilt each render; keyed by the reader's key
  useEffect(() => {
    if (session.loading) return;
    const client = session.reader();
    if (client === undefined) {
      setMode('poll');
      const timer = setInterval(async () => {
        try {
          const b = await getLatestBlock(session.home);
          setConnected(true);
          setBlocks((l) =>
            addBlock(l, {
              height: b.height,
              hash: b.hash,
              timeMs: b.header.timeMs,
              txCount: b.txIds.length,
              seenAtMs: undefined,
            }),
          );
        } catch {
          setConnected(false);
        }
      }, pollMs);
      return () => clearInterval(timer);
    }
    setMode('stream');
    const onEvent = (event: EventMessage) => {
      setConnected(true);
      if (event.type === 'block') {
        const { height, hash, timeMs, txCount } = event;
        setBlocks((l) => addBlock(l, { height, hash, timeMs, txCount, seenAtMs: Date.now() }));
        return;
      }
      const tx: LiveTx = {
        height: event.height,
        index: event.index,
        txId: event.txId,
        code: event.code,
        events: event.events,
      };
      for (const listener of listeners.current) listener(tx);
      if (tx.txId !== zeroTxId) setTxs((l) => [tx, ...l].slice(0, txsKept));
    };
    return watchEvents(client, { onEvent, onError: () => setConnected(false) });
  }, [session.loading, readerKey, session.home.url]);

  const onTx = useCallback((listener: (tx: LiveTx) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const live: Live = { blocks, txs, connected, mode, onTx };
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}
