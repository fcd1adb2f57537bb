// Signing and verifying FX quotes with the node:crypto signature suites (DESIGN decision 2). Not
// browser-safe; the verify is synchronous because it runs inside deterministic on-chain execution.
import type { SuiteId } from '../../crypto/suite.ts';
import { getSuite, isSuiteId } from '../../crypto/suites.ts';
import { assert } from '../../util/assert.ts';
import { type Quote, quoteSigningBytes, type SignedQuote } from './quote.ts';

/**
 * True when `signature` is the suite's signature by `publicKey` over quoteSigningBytes(quote).
 * False, never an exception, for an unknown suite, a malformed key or signature, or any change to
 * the quote. Whether the key belongs to the quote's provider is the caller's check (the directory).
 */
export function verifyQuoteSignature(s: SignedQuote): boolean {
  if (!isSuiteId(s.suite)) return false;
  let message: Uint8Array;
  try {
    message = quoteSigningBytes(s.quote);
  } catch {
    return false; // a quote that cannot be encoded canonically was never signed
  }
  return getSuite(s.suite).verify(message, s.signature, s.publicKey);
}

/** Signs a quote with a suite's raw secret key (src/crypto/suite.ts: 32 bytes for every suite). */
export function signQuote(q: Quote, suite: SuiteId, secretKey: Uint8Array): SignedQuote {
  const signer = getSuite(suite);
  const { publicKey } = signer.keyPairFromSecret(secretKey);
  const signature = signer.sign(quoteSigningBytes(q), secretKey);
  assert(signature.length === signer.signatureBytes, 'signQuote: signature has the suite size');
  return { quote: q, suite, publicKey, signature };
}
