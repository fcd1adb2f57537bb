// Transactions: sign/decode/verify round trips for every suite, tampering detected, limits related.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CodecError } from '../../src/codec/index.ts';
import type { SuiteId } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import * as limits from '../../src/ledger/limits.ts';
import {
  createTransactionBody,
  decodeTransaction,
  signTransaction,
  type TransactionBody,
  verifyTransactionSignature,
} from '../../src/ledger/tx.ts';
import { toHex } from '../../src/util/bytes.ts';

const keys = {
  ed25519: getSuite('ed25519').generateKeyPair(),
  p256: getSuite('p256').generateKeyPair(),
  sm2: getSuite('sm2').generateKeyPair(),
};

const bodyArb = fc.record({
  suite: fc.constantFrom<SuiteId>('ed25519', 'p256', 'sm2'),
  chainId: fc.string({ minLength: 1, maxLength: limits.chainIdLengthMax }),
  nonce: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  expiresAtMs: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  module: fc.stringMatching(/^[a-z][a-z0-9_-]{0,31}$/),
  method: fc.stringMatching(/^[a-z][a-z0-9_-]{0,31}$/),
  args: fc.dictionary(
    fc.string({ maxLength: 8 }),
    fc.oneof(fc.bigInt({ min: 0n, max: 1n << 60n }), fc.string(), fc.uint8Array({ maxLength: 32 })),
  ),
});

type Body = Omit<TransactionBody, 'signer'>;

function sign(b: Body) {
  const key = keys[b.suite];
  return signTransaction({ ...b, signer: key.publicKey }, getSuite(b.suite), key.secretKey);
}

describe('transactions', () => {
  it('sign, encode, decode and verify round-trip for every suite', () => {
    fc.assert(
      fc.property(bodyArb, (b) => {
        const tx = sign(b);
        const decoded = decodeTransaction(tx.bytes);
        assert.equal(toHex(decoded.id), toHex(tx.id));
        assert.equal(decoded.nonce, b.nonce);
        assert.equal(decoded.module, b.module);
        assert.ok(verifyTransactionSignature(decoded, getSuite(decoded.suite)));
      }),
      { numRuns: 150 },
    );
  });

  it('error: any flipped bit in the signature or body fails verification or decoding', () => {
    fc.assert(
      fc.property(bodyArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (b, at, bit) => {
        const tx = sign(b);
        const bytes = tx.bytes.slice();
        bytes[at % bytes.length]! ^= 1 << bit;
        let decoded: ReturnType<typeof decodeTransaction>;
        try {
          decoded = decodeTransaction(bytes);
        } catch (error) {
          assert.ok(error instanceof CodecError || error instanceof TypeError, String(error));
          return;
        }
        assert.equal(verifyTransactionSignature(decoded, getSuite(decoded.suite)), false);
      }),
      { numRuns: 300 },
    );
  });

  it('the id does not depend on the signature (ECDSA signatures are malleable)', () => {
    const b = {
      suite: 'p256' as const,
      chainId: 'c',
      nonce: 1n,
      expiresAtMs: 5,
      module: 'bank',
      method: 'transfer',
      args: null,
    };
    const first = sign(b);
    const second = sign(b);
    assert.notEqual(toHex(first.signature), toHex(second.signature));
    assert.equal(toHex(first.id), toHex(second.id));
  });

  it('error: building a body with a malformed field names it', () => {
    const key = keys.ed25519;
    const base = {
      chainId: 'c',
      suite: 'ed25519' as const,
      signer: key.publicKey,
      nonce: 1n,
      expiresAtMs: 5,
      module: 'bank',
      method: 'transfer',
      args: null,
    };
    assert.throws(
      () => createTransactionBody({ ...base, module: 'Bank' }),
      /tx\.module: expected a lower-case identifier/,
    );
    assert.throws(
      () => createTransactionBody({ ...base, signer: keys.p256.publicKey }),
      /tx\.signer: a ed25519 public key has 32 bytes/,
    );
    assert.throws(
      () => createTransactionBody({ ...base, chainId: 'x'.repeat(65) }),
      /tx\.chainId: longer than 64 characters/,
    );
  });

  it('limits fit together', () => {
    assert.ok(
      limits.txBytesMax * 10 <= limits.blockBytesMax,
      'a block holds at least ten maximal transactions',
    );
    assert.ok(
      limits.blockTxsMax * 100 <= limits.blockBytesMax,
      'a full block of small transactions fits the byte limit',
    );
    assert.ok(limits.validatorsMax <= 256, 'signer bitmaps are sized for at most 256 validators');
    assert.ok(
      limits.txExpiryWindowMs >= 60_000,
      'clients get at least a minute to land a transaction',
    );
  });
});
