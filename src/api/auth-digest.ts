// The digest an API caller signs (docs/api.md, Authentication): browser-safe (noble SHA-256, no node:
// imports), so the server and the SDK compute the same 32 bytes from the same request.
import { sha256 } from '../crypto/sha256.ts';
import { utf8 } from '../util/bytes.ts';

/** Domain tag that keeps an API signature from being taken for any other signed object. */
export const apiDigestTag = 'tally/api/v1\0';

/**
 * sha256("tally/api/v1\0" || METHOD || "\n" || pathWithQuery || "\n" || ts || "\n" || sha256(body)).
 * `method` is upper-cased; `ts` is the caller's clock in unix ms; `bodyBytes` is the raw body (empty
 * for GET and for WebSocket upgrades).
 */
export function apiRequestDigest(
  method: string,
  pathWithQuery: string,
  ts: number,
  bodyBytes: Uint8Array = new Uint8Array(0),
): Uint8Array {
  if (!Number.isSafeInteger(ts) || ts < 0) throw new TypeError('ts: expected unix milliseconds');
  if (!pathWithQuery.startsWith('/'))
    throw new TypeError('pathWithQuery: expected to start with /');
  const head = utf8(`${apiDigestTag}${method.toUpperCase()}\n${pathWithQuery}\n${ts}\n`);
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
