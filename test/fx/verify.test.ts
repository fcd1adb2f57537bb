// Quote signatures with each suite (Ed25519, P-256, SM2): a provider's signature verifies, survives
// the CBOR round trip, and fails for any change to the quote, key or signature.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decode, encode } from '../../src/codec/index.ts';
import { suiteIds } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { priceQuote } from '../../src/modules/fx/pricing.ts';
import {
  type Quote,
  quoteSigningBytes,
  readSignedQuote,
  type SignedQuote,
  signedQuoteToCbor,
} from '../../src/modules/fx/quote.ts';
import { signQuote, verifyQuoteSignature } from '../../src/modules/fx/verify.ts';

const quote: Quote = priceQuote(
  {
    id: new Uint8Array(16).fill(1),
    provider: 'settlement-bank',
    sendCurrency: 'HKD',
    receiveCurrency: 'PHP',
    sendDecimals: 2,
    receiveDecimals: 2,
    sendAmount: 500_000n,
    nowMs: 1_776_000_000_000,
  },
  { units: 76885921295n, scale: 10 },
  { marginBps: 50, feeFixed: 1_000n, feeBps: 25, ttlMs: 60_000, rateScale: 6 },
);

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out[(bit >>> 3) % out.length]! ^= 1 << (bit & 7);
  return out;
}

for (const suite of suiteIds) {
  describe(`quote signature: ${suite}`, () => {
    const keyPair = getSuite(suite).generateKeyPair();
    const signed = signQuote(quote, suite, keyPair.secretKey);

    it('verifies, with the key derived from the secret', () => {
      assert.deepEqual(signed.publicKey, keyPair.publicKey);
      assert.equal(signed.suite, suite);
      assert.equal(verifyQuoteSignature(signed), true);
      assert.equal(
        getSuite(suite).verify(quoteSigningBytes(quote), signed.signature, signed.publicKey),
        true,
      );
    });

    it('signs alike with the key pair, taking its public key as given', () => {
      const byPair = signQuote(quote, suite, keyPair);
      assert.deepEqual(byPair.publicKey, keyPair.publicKey);
      assert.equal(verifyQuoteSignature(byPair), true);
    });

    it('verifies after the canonical CBOR round trip', () => {
      const back = readSignedQuote(decode(encode(signedQuoteToCbor(signed))), 'quote');
      assert.equal(verifyQuoteSignature(back), true);
    });

    it('error: a tampered quote fails', () => {
      const tampered: Partial<Quote>[] = [
        { receiveAmount: quote.receiveAmount + 1n },
        { rate: '7.700000' },
        { fee: quote.fee - 1n, totalDebit: quote.totalDebit - 1n },
        { expiresAtMs: quote.expiresAtMs + 60_000 },
        { provider: 'other-bank' },
      ];
      for (const change of tampered) {
        assert.equal(verifyQuoteSignature({ ...signed, quote: { ...quote, ...change } }), false);
      }
    });

    it('error: a flipped signature or key bit fails', () => {
      fc.assert(
        fc.property(fc.nat(), (bit) => {
          const badSignature: SignedQuote = {
            ...signed,
            signature: flipBit(signed.signature, bit),
          };
          const badKey: SignedQuote = { ...signed, publicKey: flipBit(signed.publicKey, bit) };
          assert.equal(verifyQuoteSignature(badSignature), false);
          assert.equal(verifyQuoteSignature(badKey), false);
        }),
        { numRuns: 20 },
      );
    });

    it("error: another key's signature fails", () => {
      const other = getSuite(suite).generateKeyPair();
      assert.equal(verifyQuoteSignature({ ...signed, publicKey: other.publicKey }), false);
    });
  });
}

describe('quote signature across suites', () => {
  it('error: a signature presented under another suite or an unknown suite fails', () => {
    const keyPair = getSuite('p256').generateKeyPair();
    const signed = signQuote(quote, 'p256', keyPair.secretKey);
    assert.equal(verifyQuoteSignature({ ...signed, suite: 'sm2' }), false);
    assert.equal(verifyQuoteSignature({ ...signed, suite: 'rsa' as 'sm2' }), false);
  });

  it('error: a signature over the bare CBOR, without the domain tag, fails', () => {
    const keyPair = getSuite('ed25519').generateKeyPair();
    const bare = getSuite('ed25519').sign(quoteSigningBytes(quote).subarray(18), keyPair.secretKey);
    const signed: SignedQuote = {
      quote,
      suite: 'ed25519',
      publicKey: keyPair.publicKey,
      signature: bare,
    };
    assert.equal(verifyQuoteSignature(signed), false);
  });
});
