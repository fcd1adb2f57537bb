// The fault suite's open-loop load: signed bank transfers posted at a fixed rate to live nodes,
// whatever they answer, and a ledger of every transaction any node reported final (txId, height,
// code), learnt from each node's event stream, resumed by cursor across that node's restarts.
import { WebSocket } from 'ws';
import type { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { toHex } from '../../src/util/bytes.ts';
import { postTxs, signedEventsPath } from '../api/client.ts';

const batchTxsMax = 500;
const tickMs = 100;
const requestsInFlightMax = 16;
const reconnectMs = 300;
const zeroTxId = '00'.repeat(32);
/**
 * A workload signs every transaction with one expiry, which the mempool accepts at most 10 minutes
 * ahead (txExpiryWindowMs): a fresh workload (new transfer ids, same accounts) every few minutes.
 */
const workloadRotateMs = 4 * 60_000;
export const workloadExpiryMs = 9 * 60_000;

export type FinalRecord = { readonly height: number; readonly code: string; readonly node: number };

/** What the network acknowledged: the first report of each transaction, and any that disagreed. */
export type Acknowledged = {
  readonly final: Map<string, FinalRecord>;
  /** Two nodes reported one transaction final at different heights or with different codes. */
  readonly conflicts: string[];
};

export type LoadOptions = {
  readonly urls: readonly string[];
  /** A key with the `read` and `submit` roles. */
  readonly key: KeyPair;
  /** Generation 0 also makes the setup; later ones only transfers, with other ids. */
  readonly workload: (generation: number) => BankWorkload;
  readonly ratePerSec: number;
  /** Is node i worth posting to now (not deliberately stopped)? */
  readonly isUp: (index: number) => boolean;
  /**
   * Told, for each transfer posted by the open loop, how long it took from its post to the first
   * report that it was final (the soak's finality latency). Setup phases are not timed.
   */
  readonly onFinality?: (ms: number) => void;
};

export type Load = {
  readonly acknowledged: Acknowledged;
  /** Transactions posted, and the answers that were not admissions, by code. */
  readonly counts: { posted: number; refused: Map<string, number> };
  /** Posts the setup phases (currencies, accounts, funding), each final before the next. */
  setup(timeoutMs: number): Promise<void>;
  start(): void;
  /** Stops posting and waits for requests in flight. */
  stop(): Promise<void>;
  /** Waits until every listed id is acknowledged. */
  waitFinal(ids: readonly string[], timeoutMs: number): Promise<void>;
  close(): void;
};

export function createLoad(options: LoadOptions): Load {
  const acknowledged: Acknowledged = { final: new Map(), conflicts: [] };
  const counts = { posted: 0, refused: new Map<string, number>() };
  // Post times of timed transfers not yet final, by id; a refused one is dropped at once.
  const postedAtMs = new Map<string, number>();
  const onFirstFinal =
    options.onFinality === undefined
      ? undefined
      : (txId: string) => {
          const at = postedAtMs.get(txId);
          if (at === undefined) return;
          postedAtMs.delete(txId);
          options.onFinality!(Date.now() - at);
        };
  const streams = options.urls.map((url, i) =>
    followFinality(url, i, options.key, acknowledged, onFirstFinal),
  );
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;
  let workload = options.workload(0);
  let workloadAtMs = Date.now();
  const transfers = (count: number) => {
    if (Date.now() - workloadAtMs > workloadRotateMs) {
      workload = options.workload(++generation);
      workloadAtMs = Date.now();
    }
    return workload.transfers(count);
  };

  const refuse = (code: string, n: number): void => {
    counts.refused.set(code, (counts.refused.get(code) ?? 0) + n);
  };

  const untime = (txs: readonly Transaction[]) => {
    if (onFirstFinal !== undefined) for (const tx of txs) postedAtMs.delete(toHex(tx.id));
  };

  const post = async (url: string, txs: readonly Transaction[]) => {
    const { results, errorCode } = await postTxs(url, options.key, txs);
    if (results === undefined) {
      untime(txs);
      return refuse(errorCode, txs.length);
    }
    results.forEach((r, i) => {
      if (r.status === 'admitted') return;
      refuse(r.code ?? '?', 1);
      untime([txs[i]!]);
    });
  };

  const submit = (txs: readonly Transaction[], timed = false) => {
    if (timed && onFirstFinal !== undefined) {
      const now = Date.now();
      for (const tx of txs) postedAtMs.set(toHex(tx.id), now);
    }
    const live = options.urls.map((_, i) => i).filter(options.isUp);
    for (let i = 0; i < txs.length; i += batchTxsMax) {
      const index = live.length === 0 ? 0 : live[next++ % live.length]!;
      const slice = txs.slice(i, i + batchTxsMax);
      counts.posted += slice.length;
      const p = post(options.urls[index]!, slice).catch(() => {
        untime(slice);
        refuse('connection', slice.length);
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  };

  const waitFinal = async (ids: readonly string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (ids.every((id) => acknowledged.final.has(id))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    const missing = ids.filter((id) => !acknowledged.final.has(id)).length;
    throw new Error(`${missing} of ${ids.length} transactions not final after ${timeoutMs} ms`);
  };

  return {
    acknowledged,
    counts,
    async setup(timeoutMs) {
      // A stream without a cursor starts at the next block: open them all before anything is sent.
      await Promise.all(streams.map((s) => s.opened));
      for (const phase of workload.setupPhases()) {
        submit(phase);
        await Promise.all(inFlight);
        await waitFinal(
          phase.map((t) => toHex(t.id)),
          timeoutMs,
        );
      }
    },
    start() {
      const startedMs = Date.now();
      let sent = 0;
      const tick = () => {
        const due = Math.floor(((Date.now() - startedMs) / 1000) * options.ratePerSec);
        // Open loop, but bounded: a stalled network must not pile up unbounded requests here.
        if (due > sent && inFlight.size < requestsInFlightMax) {
          submit(transfers(due - sent), true);
          sent = due;
        }
        timer = setTimeout(tick, tickMs);
      };
      tick();
    },
    async stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await Promise.all(inFlight);
    },
    waitFinal,
    close() {
      for (const s of streams) s.close();
    },
  };
}

type Stream = { readonly opened: Promise<void>; close(): void };

/** Follows node `index`'s tx events; reconnects after the node dies, from the last cursor seen. */
function followFinality(
  url: string,
  index: number,
  key: KeyPair,
  into: Acknowledged,
  onFirstFinal: ((txId: string) => void) | undefined,
): Stream {
  let cursor: string | undefined;
  let closed = false;
  let socket: WebSocket | undefined;
  let markOpened = () => {};
  const opened = new Promise<void>((done) => {
    markOpened = done;
  });
  const open = () => {
    if (closed) return;
    const query = `types=tx${cursor === undefined ? '' : `&cursor=${cursor}`}`;
    const ws = new WebSocket(`${url.replace('http', 'ws')}${signedEventsPath(key, query)}`);
    socket = ws;
    ws.once('open', markOpened);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as {
        cursor: string;
        type: string;
        txId?: string;
        height?: number;
        code?: string;
      };
      cursor = m.cursor;
      if (m.type !== 'tx' || m.txId === undefined || m.txId === zeroTxId) return;
      const record = { height: m.height ?? -1, code: m.code ?? '', node: index };
      const seen = into.final.get(m.txId);
      if (seen === undefined) {
        into.final.set(m.txId, record);
        onFirstFinal?.(m.txId);
      } else if (seen.height !== record.height || seen.code !== record.code)
        into.conflicts.push(
          `${m.txId}: node ${seen.node} said ${seen.height}/${seen.code}, node ${index} ${record.height}/${record.code}`,
        );
    });
    ws.on('error', () => {}); // 'close' follows; the node is down or restarting
    ws.on('close', () => {
      if (!closed) setTimeout(open, reconnectMs);
    });
  };
  open();
  return {
    opened,
    close() {
      closed = true;
      socket?.close();
    },
  };
}
