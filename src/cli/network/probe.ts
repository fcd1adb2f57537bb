// Asking running nodes how they are, over their public API: GET /ready (falling back to /health on
// a node without it), GET /v1/status. See docs/api.md.
import { setTimeout as sleep } from 'node:timers/promises';
import { TallyError } from '../../util/errors.ts';
import type { NetworkNode } from './network.ts';

export const probeTimeoutMs = 2000;
export const readyPollMs = 250;
export const readyTimeoutMsDefault = 60_000;

type JsonResponse = { readonly status: number; readonly body: unknown };

async function getJson(url: string): Promise<JsonResponse | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(probeTimeoutMs) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body };
  } catch {
    return undefined; // not listening yet, or too slow: both mean "not answering"
  }
}

/** Ready: GET /ready says so; a node that has no /ready route counts as ready when /health is ok. */
export async function isReady(node: NetworkNode): Promise<boolean> {
  const ready = await getJson(`${node.apiUrl}/ready`);
  if (ready?.status === 200) return true;
  if (ready?.status !== 404) return false;
  return (await getJson(`${node.apiUrl}/health`))?.status === 200;
}

export type WaitReadyOptions = {
  readonly timeoutMs: number;
  /** Called once for each node as it becomes ready. */
  readonly onReady?: (node: NetworkNode) => void;
  /** Names a node that has exited, which ends the wait with an error. */
  readonly exitedNode?: () => NetworkNode | undefined;
  /** Ends the wait early, without an error (the user pressed Ctrl-C). */
  readonly signal?: AbortSignal;
};

export async function waitReady(
  nodes: readonly NetworkNode[],
  options: WaitReadyOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let waiting = [...nodes];
  while (waiting.length > 0) {
    if (options.signal?.aborted === true) return;
    const exited = options.exitedNode?.();
    if (exited !== undefined) {
      throw new TallyError(
        'node_exited',
        `${exited.nodeId} exited while starting: see ${exited.logPath}.`,
        { details: { nodeId: exited.nodeId } },
      );
    }
    const answers = await Promise.all(waiting.map(isReady));
    for (const [i, node] of waiting.entries()) if (answers[i]) options.onReady?.(node);
    waiting = waiting.filter((_, i) => !answers[i]);
    if (waiting.length === 0) return;
    if (Date.now() >= deadline) {
      throw new TallyError(
        'network_not_ready',
        `${waiting.map((n) => n.nodeId).join(', ')} not ready after ${options.timeoutMs / 1000} s: see their node.log; 'tally network status' shows what runs.`,
        { details: { nodes: waiting.map((n) => n.nodeId) } },
      );
    }
    await sleep(readyPollMs);
  }
}

export type StatusReport = {
  readonly height?: number;
  readonly peers?: number;
  readonly ready: boolean;
  readonly answering: boolean;
};

function readNumber(body: unknown, key: string): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : undefined;
}

function readPeerCount(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const peers = (body as Record<string, unknown>).peers;
  return Array.isArray(peers) ? peers.length : undefined;
}

/** A node's height and peer count from GET /v1/status, and whether it is ready. */
export async function probeStatus(node: NetworkNode): Promise<StatusReport> {
  const [status, ready] = await Promise.all([getJson(`${node.apiUrl}/v1/status`), isReady(node)]);
  if (status === undefined || status.status !== 200)
    return { answering: status !== undefined, ready };
  const height = readNumber(status.body, 'height');
  const peers = readPeerCount(status.body);
  return {
    answering: true,
    ready,
    ...(height === undefined ? {} : { height }),
    ...(peers === undefined ? {} : { peers }),
  };
}
