// The soak's API readers: while transfers flow, clients read what users read (a transaction's
// status, an account, the latest block, an older block, the node's status) from random nodes at a
// fixed rate. A 5xx answer or a dropped connection from a node the soak did not stop is a violation;
// a 404 for a transaction a lagging node has not executed yet is not.
import type { KeyPair } from '../../src/crypto/suite.ts';
import { call } from '../api/client.ts';
import type { Acknowledged } from '../faults/load.ts';
import type { Prng } from '../sim/lib/prng.ts';

const tickMs = 100;
const requestsInFlightMax = 8;
/** Recently final transactions the readers pick from, refreshed this often. */
const recentIdsMax = 2000;
const recentRefreshMs = 5000;

export type ReadersOptions = {
  readonly urls: readonly string[];
  /** A key with the `read` role. */
  readonly key: KeyPair;
  readonly acknowledged: Acknowledged;
  readonly accountIds: readonly string[];
  readonly ratePerSec: number;
  readonly prng: Prng;
};

export type Readers = {
  /** Requests answered, by endpoint kind and status (`tx 200`, `block 404`, `account error`...). */
  readonly counts: Map<string, number>;
  readonly violations: string[];
  stop(): Promise<void>;
};

type Read = { readonly kind: string; readonly path: string; readonly signed: boolean };

export function startReaders(options: ReadersOptions): Readers {
  const counts = new Map<string, number>();
  const violations: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const { prng } = options;
  let recent: string[] = [];
  let recentAtMs = 0;
  let tip = 1;
  let due = 0;
  let stopped = false;

  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const pickRead = (): Read | undefined => {
    if (Date.now() - recentAtMs > recentRefreshMs) {
      recent = [...options.acknowledged.final.keys()].slice(-recentIdsMax);
      recentAtMs = Date.now();
    }
    switch (prng.int(0, 4)) {
      case 0:
        return recent.length === 0
          ? undefined
          : { kind: 'tx', path: `/v1/txs/${prng.pick(recent)}`, signed: true };
      case 1:
        return {
          kind: 'account',
          path: `/v1/accounts/${prng.pick(options.accountIds)}`,
          signed: true,
        };
      case 2:
        return { kind: 'latest', path: '/v1/blocks/latest', signed: false };
      case 3:
        return { kind: 'block', path: `/v1/blocks/${prng.int(1, tip)}`, signed: false };
      default:
        return { kind: 'status', path: '/v1/status', signed: false };
    }
  };

  const read = async (node: number, r: Read): Promise<void> => {
    const url = options.urls[node]!;
    try {
      const answer = await call(url, r.signed ? options.key : undefined, 'GET', r.path);
      count(`${r.kind} ${answer.status}`);
      if (r.kind === 'latest' && answer.status === 200) {
        const height = (answer.body as { height?: unknown }).height;
        if (typeof height === 'number' && height > tip) tip = height;
      }
      if (answer.status >= 500)
        violations.push(`node ${node}: GET ${r.path} answered ${answer.status}`);
    } catch (error) {
      count(`${r.kind} error`);
      const why = error instanceof Error ? error.message : String(error);
      violations.push(`node ${node}: GET ${r.path} failed: ${why}`);
    }
  };

  const timer = setInterval(() => {
    if (stopped) return;
    due += (options.ratePerSec * tickMs) / 1000;
    while (due >= 1 && inFlight.size < requestsInFlightMax) {
      due -= 1;
      const r = pickRead();
      if (r === undefined) continue;
      const p = read(prng.int(0, options.urls.length - 1), r);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    // Behind (every slot busy): the backlog is dropped, not queued, so a slow node is not flooded.
    due = Math.min(due, 1);
  }, tickMs);

  return {
    counts,
    violations,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
