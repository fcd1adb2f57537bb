// Signing and verifying FX quotes with the node:crypto signature suites (DESIGN decision 2). Not
// browser-safe; the verify is synchronous because it runs inside deterministic on-chain execution.
import type { SignatureCheck, SuiteId } from '../../crypto/suite.ts';
import { getSuite, isSuiteId } from '../../crypto/suites.ts';
import { verifyNow } from '../../crypto/verified-signatures.ts';
import type { VerifyItem } from '../../crypto/verify-batch.ts';
import { assert } from '../../util/assert.ts';
import { type Quote, quoteSigningBytes, type SignedQuote } from './quote.ts';

/**
 * True when `signature` is the suite's signature by `publicKey` over quoteSigningBytes(quote).
 * False, never an exception, for an unknown suite, a malformed key or signature, or any change to
 * the quote. Whether the key belongs to the quote's provider is the caller's check (the directory).
 * `verify` makes the check: by default now; execution passes its context's verifySignature, which
 * finds the check the node already made in parallel when the transaction arrived.
 */
export function verifyQuoteSignature(
  s: SignedQuote,
  verify: (check: SignatureCheck) => boolean = verifyNow,
): boolean {
  const check = quoteSignatureCheck(s);
  return check !== undefined && verify(check);
}

/** The signature check a signed quote stands for; undefined if it cannot be one (never signed). */
export function quoteSignatureCheck(s: SignedQuote): VerifyItem | undefined {
  if (!isSuiteId(s.suite)) return undefined;
  let message: Uint8Array;
  try {
    message = quoteSigningBytes(s.quote);
  } catch {
    return undefined; // a quote that cannot be encoded canonically was never signed
  }
  return { suite: s.suite, message, signature: s.signature, publicKey: s.publicKey };
}

/**
 * Signs a quote with a suite's raw secret key (src/crypto/suite.ts: 32 bytes for every suite), or
 * with a key pair whose public key the caller already holds: deriving it again per quote took 4.3%
 * of the quoting node's main thread against 9.9% for the whole quote (CPU profile, remittance bench).
 */
export function signQuote(
  q: Quote,
  suite: SuiteId,
  key: Uint8Array | { readonly secretKey: Uint8Array; readonly publicKey: Uint8Array },
): SignedQuote {
  const signer = getSuite(suite);
  const secretKey = key instanceof Uint8Array ? key : key.secretKey;
  const publicKey =
    key instanceof Uint8Array ? signer.keyPairFromSecret(key).publicKey : key.publicKey;
  const signature = signer.sign(quoteSigningBytes(q), secretKey);
  assert(signature.length === signer.signatureBytes, 'signQuote: signature has the suite size');
  return { quote: q, suite, publicKey, signature };
}
