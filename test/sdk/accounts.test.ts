// The SDK's noble suites agree with the node's node:crypto suites in both directions: what one signs
// the other verifies, and both refuse the same tampering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { getSuite } from '../../src/crypto/suites.ts';
import {
  accountFromSecretKey,
  generateAccount,
  TallyError,
  verifySignature,
} from '../../src/sdk/index.ts';
import { getSigningSuite } from '../../src/sdk/suites.ts';
import { concatBytes, toHex } from '../../src/util/bytes.ts';

const concat = (a: Uint8Array, b: number[]) => concatBytes(a, new Uint8Array(b));

const p256Order = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

test('an account from a secret key has the node suite’s public key', () => {
  for (const suite of ['ed25519', 'p256', 'sm2'] as const) {
    const pair = getSuite(suite).generateKeyPair();
    const account = accountFromSecretKey(suite, pair.secretKey);
    assert.deepEqual(account.publicKey, pair.publicKey);
    assert.equal(account.publicKeyHex, toHex(pair.publicKey));
    assert.equal(account.type, 'local');
  }
});

test('SDK signatures verify with node:crypto, node signatures verify with the SDK', () => {
  for (const suite of ['ed25519', 'p256'] as const) {
    const account = generateAccount(suite);
    const node = getSuite(suite);
    const pair = node.generateKeyPair();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (message) => {
        assert.ok(node.verify(message, account.sign(message), account.publicKey));
        const signature = node.sign(message, pair.secretKey);
        assert.ok(verifySignature(suite, message, signature, pair.publicKey));
        const tampered = new Uint8Array(signature);
        tampered[5]! ^= 1;
        assert.equal(verifySignature(suite, message, tampered, pair.publicKey), false);
      }),
      { numRuns: 20 },
    );
  }
});

test('p256: a high-S signature from another signer still verifies, as on the node', () => {
  const pair = getSuite('p256').generateKeyPair();
  const message = new Uint8Array([1, 2, 3]);
  const signature = getSuite('p256').sign(message, pair.secretKey);
  const s = BigInt(`0x${toHex(signature.subarray(32))}`);
  const highS = s > p256Order / 2n ? s : p256Order - s;
  const other = new Uint8Array([
    ...signature.subarray(0, 32),
    ...Buffer.from(highS.toString(16).padStart(64, '0'), 'hex'),
  ]);
  assert.equal(getSuite('p256').verify(message, other, pair.publicKey), true);
  assert.equal(verifySignature('p256', message, other, pair.publicKey), true);
});

test('sm2: the SDK signs what OpenSSL verifies and verifies what OpenSSL signs', () => {
  const node = getSuite('sm2');
  const account = generateAccount('sm2');
  const pair = node.generateKeyPair();
  assert.deepEqual(accountFromSecretKey('sm2', pair.secretKey).publicKey, pair.publicKey);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (message) => {
      assert.ok(node.verify(message, account.sign(message), account.publicKey));
      const signature = node.sign(message, pair.secretKey);
      assert.ok(verifySignature('sm2', message, signature, pair.publicKey));
      assert.equal(verifySignature('sm2', concat(message, [1]), signature, pair.publicKey), false);
    }),
    { numRuns: 10 },
  );
});

test('error: an unknown suite is unsupported_suite', () => {
  assert.throws(
    () => getSigningSuite('rsa' as 'ed25519'),
    (error) => error instanceof TallyError && error.code === 'unsupported_suite',
  );
  assert.equal(
    verifySignature('rsa' as 'ed25519', new Uint8Array(1), new Uint8Array(64), new Uint8Array(32)),
    false,
  );
});

test('malformed keys and signatures are false, never a throw', () => {
  for (const suite of ['ed25519', 'p256', 'sm2'] as const) {
    assert.equal(
      verifySignature(suite, new Uint8Array(1), new Uint8Array(64), new Uint8Array(33)),
      false,
    );
    assert.equal(
      verifySignature(suite, new Uint8Array(1), new Uint8Array(3), new Uint8Array(3)),
      false,
    );
  }
});

test('error: bad suite or secret key names the field', () => {
  assert.throws(
    () => generateAccount('rsa' as 'ed25519'),
    /suite: expected one of ed25519, p256, sm2/,
  );
  assert.throws(
    () => accountFromSecretKey('ed25519', new Uint8Array(31)),
    /secretKey: a ed25519 secret key has 32 bytes/,
  );
  assert.throws(
    () => accountFromSecretKey('p256', new Uint8Array(32)),
    /secretKey: not a valid P-256 scalar/,
  );
});
