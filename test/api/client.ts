// Test clients for the API: fetch with a signed `authorization` header, and WebSocket event streams
// (the `ws` package) signed in the query, as a browser would.
import { WebSocket } from 'ws';
import { apiRequestDigest, formatAuthorization } from '../../src/crypto/request-digest.ts';
import type { KeyPair } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';

export type SignOptions = { readonly tsMs?: number; readonly corrupt?: boolean };

/** The authorization header for a request, signed by `key`. */
export function authorization(
  key: KeyPair,
  method: string,
  pathWithQuery: string,
  body: Uint8Array = new Uint8Array(0),
  options: SignOptions = {},
): string {
  const ts = options.tsMs ?? Date.now();
  const sig = getSuite(key.suite).sign(
    apiRequestDigest(method, pathWithQuery, ts, body),
    key.secretKey,
  );
  if (options.corrupt === true) sig[0]! ^= 1;
  return formatAuthorization(toHex(key.publicKey), ts, toHex(sig));
}

export type JsonResponse = { status: number; headers: Headers; body: unknown };

/** A request signed by `key` (unsigned when undefined); `json` is sent as is when a string. */
export async function call(
  url: string,
  key: KeyPair | undefined,
  method: string,
  path: string,
  json?: unknown,
  options: SignOptions = {},
): Promise<JsonResponse> {
  const text =
    json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json);
  const body = text === undefined ? undefined : utf8(text);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key !== undefined) headers.authorization = authorization(key, method, path, body, options);
  const response = await fetch(url + path, {
    method,
    headers,
    ...(text === undefined ? {} : { body: text }),
  });
  const answer = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') === true;
  return {
    status: response.status,
    headers: response.headers,
    body: isJson ? JSON.parse(answer) : answer,
  };
}

/** What POST /v1/txs answered: each transaction's status, or the code of a refused request. */
export type PostTxsAnswer = {
  readonly results: readonly { readonly status: string; readonly code?: string }[] | undefined;
  /** The API's error code, or `http_<status>` when the body carries none. */
  readonly errorCode: string;
};

/** Posts a batch of signed transactions (hex in JSON), signed by `key`, as load generators do. */
export async function postTxs(
  url: string,
  key: KeyPair,
  txs: readonly { readonly bytes: Uint8Array }[],
): Promise<PostTxsAnswer> {
  const body = JSON.stringify({ txs: txs.map((t) => toHex(t.bytes)) });
  const res = await fetch(`${url}/v1/txs`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      authorization: authorization(key, 'POST', '/v1/txs', utf8(body)),
    },
  });
  const json = (await res.json()) as {
    results?: { status: string; code?: string }[];
    error?: { code: string };
  };
  return { results: json.results, errorCode: json.error?.code ?? `http_${res.status}` };
}

/** The path of an event stream with credentials in the query (signing the path without them). */
export function signedEventsPath(key: KeyPair, query: string, options: SignOptions = {}): string {
  const path = query.length > 0 ? `/v1/events?${query}` : '/v1/events';
  const ts = options.tsMs ?? Date.now();
  const sig = getSuite(key.suite).sign(apiRequestDigest('GET', path, ts), key.secretKey);
  if (options.corrupt === true) sig[0]! ^= 1;
  const auth = `key=${toHex(key.publicKey)}&ts=${ts}&sig=${toHex(sig)}`;
  return `${path}${query.length > 0 ? '&' : '?'}${auth}`;
}

export type EventClient = {
  readonly socket: WebSocket;
  /** Messages received so far, parsed. */
  readonly messages: Record<string, unknown>[];
  /** Resolves once `count` messages have arrived in total. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
};

/** Opens an event stream; resolves once the upgrade succeeded. */
export async function openEvents(url: string, path: string): Promise<EventClient> {
  const socket = new WebSocket(url.replace(/^http/, 'ws') + path);
  const messages: Record<string, unknown>[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    if (waiting !== undefined && messages.length >= waiting.count) {
      const { resolve } = waiting;
      waiting = undefined;
      resolve();
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    waitFor: (count) =>
      new Promise<void>((resolve) => {
        if (messages.length >= count) resolve();
        else waiting = { count, resolve };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

/** The HTTP status and JSON body of a refused upgrade. */
export function refusedUpgrade(
  url: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const socket = new WebSocket(url.replace(/^http/, 'ws') + path);
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('upgrade was accepted')));
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }),
      );
    });
    socket.once('error', () => undefined);
  });
}
