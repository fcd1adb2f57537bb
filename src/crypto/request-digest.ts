// The digest an API caller signs (docs/api.md, Authentication). It lives here, below both the API
// server and the SDK, so the two compute the same 32 bytes; browser-safe (noble SHA-256).

import { utf8 } from '../util/bytes.ts';
import { sha256 } from './sha256.ts';

/** Domain tag that keeps an API signature from being taken for any other signed object. */
export const apiDigestTag = 'tally/api/v1\0';

/**
 * sha256("tally/api/v1\0" || METHOD || "\n" || pathWithQuery || "\n" || ts || "\n" || sha256(body)).
 * `method` is upper-case, as HTTP sends it; `ts` is the caller's clock in unix ms; `bodyBytes` is the raw body (empty
 * for GET and for WebSocket upgrades).
 */
export function apiRequestDigest(
  method: string,
  pathWithQuery: string,
  ts: number,
  bodyBytes: Uint8Array = new Uint8Array(0),
): Uint8Array {
  if (!/^[A-Z]+$/.test(method)) throw new TypeError('method: expected an upper-case HTTP method');
  if (!pathWithQuery.startsWith('/')) throw new TypeError('path: expected to start with "/"');
  if (!Number.isSafeInteger(ts) || ts < 0)
    throw new TypeError('timestampMs: expected a non-negative integer');
  const head = utf8(`${apiDigestTag}${method}\n${pathWithQuery}\n${ts}\n`);
  return sha256(head, sha256(bodyBytes));
}

/** The `authorization` header value for a signed request. */
export function formatAuthorization(
  publicKeyHex: string,
  ts: number,
  signatureHex: string,
): string {
  return `Tally key=${publicKeyHex}, ts=${ts}, sig=${signatureHex}`;
}
