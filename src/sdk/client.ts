// The SDK's client (viem's createClient): where the node is, who signs, and the platform's fetch and
// WebSocket. `request` is the one HTTP path every action takes: auth header, JSON, errors.
import { utf8 } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { LocalAccount } from './accounts.ts';
import { authorizationHeader, signRequest } from './auth.ts';
import { readObject } from './json.ts';

const jsonType = 'application/json';

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** What the SDK needs of a WebSocket: the browser's, or the `ws` package's on Node 20. */
export interface SocketLike {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { readonly code: number; readonly reason: string }) => void,
  ): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type SocketConstructor = new (url: string) => SocketLike;

export type ClientOptions = {
  /** The node's API base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The chain's id, kept for building transactions and checking headers (getStatus reports it). */
  chainId?: string;
  /** Signs requests (and transactions, where an action builds them). */
  account?: LocalAccount;
  /** Defaults to the global fetch. */
  fetch?: FetchFunction;
  /** Defaults to the global WebSocket; Node 20 has none, so pass `ws`'s. */
  WebSocket?: SocketConstructor;
};

export type ApiRequest = {
  method: 'GET' | 'POST';
  /** Path and query, starting with '/'; exactly what is signed. */
  path: string;
  body?: unknown;
  /**
   * A body that is not JSON (a pacs.008 message): sent as these UTF-8 characters with this content
   * type, instead of `body`. The signature covers exactly these bytes.
   */
  rawBody?: { contentType: string; text: string } | undefined;
  /** The accept header (default JSON); a 2xx answer of another type comes back as its text. */
  accept?: string | undefined;
  /** Sign the request with the client's account (endpoints that need role read or submit). */
  signed?: boolean;
  signal?: AbortSignal | undefined;
};

export type ApiResponse = { status: number; body: unknown; headers: Headers };

export type Client = {
  readonly url: string;
  readonly chainId: string | undefined;
  readonly account: LocalAccount | undefined;
  readonly WebSocket: SocketConstructor | undefined;
  /** Sends one request; a non-2xx answer throws TallyError with the server's code and message. */
  request(request: ApiRequest): Promise<ApiResponse>;
};

/**
 * Creates a client for one node.
 *
 * @example
 * import WebSocket from 'ws';
 * const client = createClient({ url: 'http://127.0.0.1:8080', account, WebSocket });
 * const status = await getStatus(client);
 */
export function createClient(options: ClientOptions): Client {
  const url = checkUrl(options.url);
  const fetchFn = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchFn !== 'function') throw new TypeError('fetch: no fetch function available');
  const socket = options.WebSocket ?? (globalThis.WebSocket as SocketConstructor | undefined);
  const client: Client = {
    url,
    chainId: options.chainId,
    account: options.account,
    WebSocket: socket,
    request: (request) => sendRequest(client, fetchFn, request),
  };
  return Object.freeze(client);
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TypeError(`url: not a valid URL: ${JSON.stringify(url)}`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError('url: expected http: or https:');
  return url.replace(/\/+$/, '');
}

/** The client's account, or TallyError 'account_required' for an endpoint that needs one. */
export function requireAccount(client: Client): LocalAccount {
  if (client.account === undefined)
    throw new TallyError(
      'account_required',
      'this request must be signed: pass an account to createClient',
    );
  return client.account;
}

/** The last request time each account signed with, in this process. */
const lastSignedMs = new WeakMap<object, number>();

/**
 * A request time later than the last one this account signed with. The node accepts each signed
 * POST once (a replay answers 401 replayed), and a signature over the same method, path, body and
 * millisecond is the same signature: two identical requests sent in one millisecond (two quote
 * requests for the same amount, say) must not look like a replay.
 */
function requestTimeMs(account: object): number {
  const ms = Math.max(Date.now(), (lastSignedMs.get(account) ?? 0) + 1);
  lastSignedMs.set(account, ms);
  return ms;
}

async function sendRequest(
  client: Client,
  fetchFn: FetchFunction,
  request: ApiRequest,
): Promise<ApiResponse> {
  const body =
    request.rawBody !== undefined
      ? request.rawBody.text
      : request.body === undefined
        ? undefined
        : JSON.stringify(request.body);
  const headers: Record<string, string> = { accept: request.accept ?? jsonType };
  if (body !== undefined) headers['content-type'] = request.rawBody?.contentType ?? jsonType;
  if (request.signed === true) {
    const account = requireAccount(client);
    const signature = signRequest(
      account,
      request.method,
      request.path,
      requestTimeMs(account),
      body === undefined ? undefined : utf8(body),
    );
    headers.authorization = authorizationHeader(signature);
  }
  let response: Response;
  try {
    response = await fetchFn(client.url + request.path, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  } catch (cause) {
    if (request.signal?.aborted)
      throw new TallyError('aborted', 'the request was aborted', { cause });
    throw new TallyError('network_error', `${request.method} ${request.path}: ${String(cause)}`, {
      cause,
    });
  }
  const parsed = await readBody(response, request);
  if (!response.ok) throw errorFromResponse(response, parsed, request);
  return { status: response.status, body: parsed, headers: response.headers };
}

async function readBody(response: Response, request: ApiRequest): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  // Errors are JSON whatever was asked for; a success in the type the caller accepted is its text.
  const type = response.headers.get('content-type') ?? '';
  if (request.accept !== undefined && response.ok && !type.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TallyError(
      'bad_response',
      `${request.method} ${request.path}: the body is not JSON`,
      {
        cause,
        details: { status: response.status },
      },
    );
  }
}

/** Seconds in Retry-After (docs/api.md uses the delta-seconds form), as milliseconds. */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

function errorFromResponse(response: Response, body: unknown, request: ApiRequest): TallyError {
  const details: Record<string, unknown> = { status: response.status };
  const retry = retryAfterMs(response.headers);
  if (retry !== undefined) details.retryAfterMs = retry;
  const error =
    typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const fields = readObject(error, 'error');
    const code = typeof fields.code === 'string' ? fields.code : `http_${response.status}`;
    const message = typeof fields.message === 'string' ? fields.message : response.statusText;
    if (
      typeof fields.details === 'object' &&
      fields.details !== null &&
      !Array.isArray(fields.details)
    )
      Object.assign(details, fields.details, { status: response.status });
    return new TallyError(code, message, { details });
  }
  return new TallyError(
    `http_${response.status}`,
    `${request.method} ${request.path}: HTTP ${response.status}`,
    { details },
  );
}
