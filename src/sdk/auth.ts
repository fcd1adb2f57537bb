// Request authentication of docs/api.md ("Authentication"): the digest a key signs over a request,
// the `authorization` header, and the query form that WebSocket upgrades carry instead.
import { apiRequestDigest } from '../crypto/request-digest.ts';
import { toHex } from '../util/bytes.ts';
import type { LocalAccount } from './accounts.ts';

export { apiRequestDigest };

export type RequestSignature = { key: string; ts: string; sig: string };

/** Signs one request: the three values both the header and the WebSocket query carry. */
export function signRequest(
  account: LocalAccount,
  method: string,
  pathWithQuery: string,
  timestampMs: number,
  body?: Uint8Array,
): RequestSignature {
  const digest = apiRequestDigest(method, pathWithQuery, timestampMs, body);
  return {
    key: account.publicKeyHex,
    ts: String(timestampMs),
    sig: toHex(account.sign(digest)),
  };
}

/** `Tally key=<hex>, ts=<ms>, sig=<hex>`: the value of the `authorization` header. */
export function authorizationHeader(signature: RequestSignature): string {
  return `Tally key=${signature.key}, ts=${signature.ts}, sig=${signature.sig}`;
}

/**
 * The path and query of a WebSocket upgrade: the path with its own query is what gets signed, and
 * key, ts and sig are appended after the other parameters (browsers cannot set the header).
 */
export function signedSocketPath(
  account: LocalAccount,
  pathWithQuery: string,
  timestampMs: number,
): string {
  const signature = signRequest(account, 'GET', pathWithQuery, timestampMs);
  const auth = new URLSearchParams({ key: signature.key, ts: signature.ts, sig: signature.sig });
  return `${pathWithQuery}${pathWithQuery.includes('?') ? '&' : '?'}${auth.toString()}`;
}
