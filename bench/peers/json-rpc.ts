// A minimal JSON-RPC 2.0 client over HTTP for the EVM peer: batches in, answers matched by id.
import { TallyError } from '../../src/util/errors.ts';

// A node that stops answering fails the call instead of hanging the bench.
const requestTimeoutMs = 120_000;

export type RpcCall = { readonly method: string; readonly params: readonly unknown[] };
export type RpcAnswer = { result?: unknown; error?: { code: number; message: string } };

/** Sends `calls` as one batch; answers come back in the order of `calls`. */
export async function rpcBatch(url: string, calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
  if (calls.length === 0) return [];
  const body = calls.map((c, id) => ({ jsonrpc: '2.0', id, method: c.method, params: c.params }));
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  if (!response.ok)
    throw new TallyError('bench_peer_rpc_failed', `JSON-RPC batch: HTTP ${response.status}`);
  const answers = (await response.json()) as ({ id: number } & RpcAnswer)[];
  if (!Array.isArray(answers) || answers.length !== calls.length)
    throw new TallyError('bench_peer_rpc_failed', 'JSON-RPC batch: answers do not match calls');
  const byId: RpcAnswer[] = new Array(calls.length);
  for (const a of answers) byId[a.id] = a;
  return byId;
}

export async function rpcCall(url: string, method: string, params: unknown[]): Promise<unknown> {
  const [answer] = await rpcBatch(url, [{ method, params }]);
  if (answer?.error !== undefined)
    throw new TallyError('bench_peer_rpc_failed', `${method}: ${answer.error.message}`);
  return answer?.result;
}
