// SDK-built transactions are the ledger's canonical bytes: decoded by decodeTransaction, signatures
// checked by the node's (node:crypto) suites, byte-identical to the ledger's own signer for Ed25519.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CborValue } from '../../src/codec/index.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { txExpiryWindowMs } from '../../src/ledger/limits.ts';
import {
  decodeTransaction,
  signTransaction as ledgerSignTransaction,
  verifyTransactionSignature,
} from '../../src/ledger/tx.ts';
import {
  accountFromSecretKey,
  buildTransaction,
  createTransfer,
  generateAccount,
  signTransaction,
} from '../../src/sdk/index.ts';
import { toHex } from '../../src/util/bytes.ts';

const chainId = 'tally-sdk-test';
const nowMs = 1_750_000_000_000;

const cborArb: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.bigInt({ min: 1n << 53n, max: (1n << 64n) - 1n }),
    fc.string({ maxLength: 20 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

test('a signed transaction decodes with the ledger and verifies with the node suite (ed25519, p256, sm2)', () => {
  for (const suite of ['ed25519', 'p256', 'sm2'] as const) {
    const account = generateAccount(suite);
    const request = buildTransaction({
      chainId,
      ...createTransfer({
        id: new Uint8Array(16).fill(1),
        debitAccountId: new Uint8Array(16).fill(2),
        creditAccountId: new Uint8Array(16).fill(3),
        amount: 1250n,
        currency: 'HKD',
      }),
      nonce: 7n,
      expiresInMs: 30_000,
      nowMs,
    });
    const tx = signTransaction(account, request);
    const decoded = decodeTransaction(tx.bytes);
    assert.equal(decoded.suite, suite);
    assert.deepEqual(decoded.signer, account.publicKey);
    assert.equal(decoded.module, 'bank');
    assert.equal(decoded.method, 'create_transfer');
    assert.equal(decoded.nonce, 7n);
    assert.equal(decoded.expiresAtMs, nowMs + 30_000);
    assert.equal(toHex(decoded.id), tx.txId);
    assert.equal(toHex(decoded.bytes), tx.hex);
    assert.ok(verifyTransactionSignature(decoded, getSuite(suite)));
  }
});

test('ed25519 bytes are identical to the ledger signer (deterministic signatures)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.integer({ min: 1, max: txExpiryWindowMs }),
      cborArb,
      (secret, nonce, expiresInMs, args) => {
        const account = accountFromSecretKey('ed25519', secret);
        const request = buildTransaction({
          chainId,
          module: 'toy',
          method: 'do_it',
          args,
          nonce,
          expiresInMs,
          nowMs,
        });
        const sdk = signTransaction(account, request);
        const pair = getSuite('ed25519').keyPairFromSecret(secret);
        const ledger = ledgerSignTransaction(
          { ...request, suite: 'ed25519', signer: pair.publicKey },
          getSuite('ed25519'),
          secret,
        );
        assert.deepEqual(sdk.bytes, ledger.bytes);
        const decoded = decodeTransaction(sdk.bytes);
        assert.deepEqual(decoded.args, sdk.args);
        assert.ok(verifyTransactionSignature(decoded, getSuite('ed25519')));
      },
    ),
    { numRuns: 60 },
  );
});

test('p256 transactions round-trip and verify with the node suite', () => {
  const account = generateAccount('p256');
  fc.assert(
    fc.property(cborArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (args, nonce) => {
      const tx = signTransaction(
        account,
        buildTransaction({ chainId, module: 'toy', method: 'put', args, nonce, nowMs }),
      );
      const decoded = decodeTransaction(tx.bytes);
      assert.deepEqual(decoded.bytes, tx.bytes);
      assert.ok(verifyTransactionSignature(decoded, getSuite('p256')));
    }),
    { numRuns: 25 },
  );
});

test('a fresh nonce each build: two builds are two transactions', () => {
  const account = generateAccount();
  const params = { chainId, module: 'toy', method: 'put', args: 1, nowMs };
  const a = signTransaction(account, buildTransaction(params));
  const b = signTransaction(account, buildTransaction(params));
  assert.notEqual(a.txId, b.txId);
});

test('error: expiry outside the ledger window, bad nonce, bad identifiers', () => {
  const base = { chainId, module: 'toy', method: 'put', args: 1, nowMs };
  assert.throws(
    () => buildTransaction({ ...base, expiresInMs: 0 }),
    /expiresInMs: expected 1 to 600000/,
  );
  assert.throws(
    () => buildTransaction({ ...base, expiresInMs: txExpiryWindowMs + 1 }),
    /expiresInMs/,
  );
  assert.throws(
    () => buildTransaction({ ...base, nonce: -1n }),
    /nonce: expected an unsigned 64-bit/,
  );
  assert.throws(() => buildTransaction({ ...base, nonce: 1n << 64n }), /nonce/);
  const account = generateAccount();
  assert.throws(
    () => signTransaction(account, buildTransaction({ ...base, module: 'Bad Module' })),
    /tx\.module/,
  );
});
