// Sign/verify properties of the three suites (Ed25519, P-256, SM2), their handling of wrong and
// malformed input, and cross-checks against independent implementations (@noble/curves, sm2-pure).

import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { test } from 'node:test';
import { p256 as nobleP256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { ecdsaSignatureFromDer, wrapEcPublicKey } from '../../src/crypto/asn1.ts';
import { KeyCache } from '../../src/crypto/key-cache.ts';
import { verifySm2Pure } from '../../src/crypto/sm2-pure.ts';
import { type SuiteId, suiteIds } from '../../src/crypto/suite.ts';
import { getSuite, isSuiteId } from '../../src/crypto/suites.ts';
import { fromHex, utf8 } from '../../src/util/bytes.ts';

const numRuns = 40;
const message = fc.uint8Array({ maxLength: 300 });

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const at = (bit >>> 3) % out.length;
  out[at]! ^= 1 << (bit & 7);
  return out;
}

for (const id of suiteIds) {
  const suite = getSuite(id);
  const keyPair = suite.generateKeyPair();
  const other = suite.generateKeyPair();

  test(`${id}: a signature verifies under its key and message`, () => {
    fc.assert(
      fc.property(message, (m) => {
        const signature = suite.sign(m, keyPair.secretKey);
        assert.equal(signature.length, suite.signatureBytes);
        assert.equal(suite.verify(m, signature, keyPair.publicKey), true);
      }),
      { numRuns },
    );
  });

  test(`${id}: false for a wrong key, a changed message or a changed signature`, () => {
    fc.assert(
      fc.property(message, fc.nat(), (m, bit) => {
        const signature = suite.sign(m, keyPair.secretKey);
        assert.equal(suite.verify(m, signature, other.publicKey), false);
        assert.equal(
          suite.verify(flipBit(Uint8Array.of(...m, 0), bit), signature, keyPair.publicKey),
          false,
        );
        assert.equal(suite.verify(m, flipBit(signature, bit), keyPair.publicKey), false);
      }),
      { numRuns },
    );
  });

  test(`${id}: keyPairFromSecret rebuilds the same key pair`, () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const kp = suite.generateKeyPair();
        assert.equal(kp.suite, id);
        assert.equal(kp.publicKey.length, suite.publicKeyBytes);
        assert.deepEqual(suite.keyPairFromSecret(kp.secretKey), kp);
      }),
      { numRuns: 10 },
    );
  });

  test(`${id}: malformed keys and signatures give false, never a throw`, () => {
    const m = utf8('malformed');
    const signature = suite.sign(m, keyPair.secretKey);
    const badKeys: unknown[] = [
      new Uint8Array(0),
      keyPair.publicKey.subarray(1),
      Uint8Array.of(...keyPair.publicKey, 0),
      new Uint8Array(suite.publicKeyBytes).fill(0xff),
      new Uint8Array(suite.publicKeyBytes),
      'not bytes',
      undefined,
    ];
    for (const key of badKeys) assert.equal(suite.verify(m, signature, key as Uint8Array), false);
    const badSignatures: unknown[] = [
      new Uint8Array(0),
      signature.subarray(1),
      Uint8Array.of(...signature, 0),
      new Uint8Array(64),
      new Uint8Array(64).fill(0xff),
      null,
    ];
    for (const sig of badSignatures)
      assert.equal(suite.verify(m, sig as Uint8Array, keyPair.publicKey), false);
    assert.equal(
      suite.verify('text' as unknown as Uint8Array, signature, keyPair.publicKey),
      false,
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 40 }),
        (sig, key) => {
          assert.equal(suite.verify(m, sig, key), false);
        },
      ),
      { numRuns },
    );
  });

  test(`${id}: error: sign and keyPairFromSecret reject a secret key of the wrong size`, () => {
    assert.throws(() => suite.sign(utf8('x'), new Uint8Array(31)), /secretKey: expected 32 bytes/);
    assert.throws(
      () => suite.keyPairFromSecret(new Uint8Array(33)),
      /secretKey: expected 32 bytes/,
    );
    assert.throws(
      () => suite.sign('x' as unknown as Uint8Array, keyPair.secretKey),
      /message: expected a Uint8Array/,
    );
  });
}

for (const id of ['p256', 'sm2'] as const) {
  test(`${id}: error: a secret scalar of zero or at least the group order`, () => {
    const suite = getSuite(id);
    assert.throws(() => suite.keyPairFromSecret(new Uint8Array(32)), /secretKey: not a .* scalar/);
    assert.throws(
      () => suite.keyPairFromSecret(new Uint8Array(32).fill(0xff)),
      /secretKey: not a .* scalar/,
    );
  });

  test(`${id}: signatures with r or s zero or at least the order are rejected`, () => {
    const suite = getSuite(id);
    const kp = suite.generateKeyPair();
    const m = utf8('range');
    const signature = suite.sign(m, kp.secretKey);
    const order =
      id === 'p256'
        ? 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'
        : 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123';
    const r = signature.subarray(0, 32);
    const s = signature.subarray(32);
    for (const bad of [
      [new Uint8Array(32), s],
      [r, new Uint8Array(32)],
      [fromHex(order), s],
      [r, fromHex(order)],
    ] as const) {
      assert.equal(suite.verify(m, Uint8Array.of(...bad[0], ...bad[1]), kp.publicKey), false);
    }
  });
}

test('p256: agrees with @noble/curves in both directions', () => {
  const suite = getSuite('p256');
  fc.assert(
    fc.property(message, (m) => {
      const kp = suite.generateKeyPair();
      assert.deepEqual(nobleP256.getPublicKey(kp.secretKey, true), kp.publicKey);
      const ours = suite.sign(m, kp.secretKey);
      assert.equal(nobleP256.verify(ours, m, kp.publicKey, { lowS: false }), true);
      const theirs = nobleP256.sign(m, kp.secretKey);
      assert.equal(suite.verify(m, theirs, kp.publicKey), true);
    }),
    { numRuns: 20 },
  );
});

test('sm2: signatures are SM2 with the empty id, checked by the pure implementation', () => {
  const suite = getSuite('sm2');
  fc.assert(
    fc.property(message, (m) => {
      const kp = suite.generateKeyPair();
      const signature = suite.sign(m, kp.secretKey);
      assert.equal(verifySm2Pure(m, signature, kp.publicKey), true);
      assert.equal(verifySm2Pure(Uint8Array.of(...m, 1), signature, kp.publicKey), false);
    }),
    { numRuns: 20 },
  );
});

test('sm2: rejects plain ECDSA-with-SM3 over the SM2 curve', () => {
  // A key object from generateKeyPair('ec') signs with ECDSA, not SM2: the trap the suite avoids by
  // importing keys from DER. Its signature must not verify as SM2.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const m = utf8('not sm2');
  const der = nodeSign('sm3', m, privateKey);
  const signature = ecdsaSignatureFromDer(new Uint8Array(der));
  assert.ok(signature !== undefined);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const point = new Uint8Array(spki.subarray(spki.length - 65));
  const compressed = Uint8Array.of(2 | (point[64]! & 1), ...point.subarray(1, 33));
  assert.deepEqual(wrapEcPublicKey(fromHex('2a811ccf5501822d'), point), new Uint8Array(spki));
  assert.equal(getSuite('sm2').verify(m, signature, compressed), false);
  assert.equal(verifySm2Pure(m, signature, compressed), false);
});

test('registry: getSuite and isSuiteId', () => {
  for (const id of suiteIds) assert.equal(getSuite(id).id, id);
  assert.equal(isSuiteId('ed25519'), true);
  for (const bad of ['ED25519', 'secp256k1', '', 1, null]) assert.equal(isSuiteId(bad), false);
  assert.throws(() => getSuite('rsa' as SuiteId), /suite: unknown signature suite "rsa"/);
});

test('KeyCache: keeps at most entriesMax keys and evicts the least recently used', () => {
  const cache = new KeyCache<number>(2);
  let created = 0;
  const make = (): number => ++created;
  const a = Uint8Array.of(1);
  const b = Uint8Array.of(2);
  const c = Uint8Array.of(3);
  assert.equal(cache.getOrCreate(a, make), 1);
  assert.equal(cache.getOrCreate(b, make), 2);
  assert.equal(cache.getOrCreate(a, make), 1); // a is now the newest
  assert.equal(cache.getOrCreate(c, make), 3); // evicts b
  assert.equal(cache.size, 2);
  assert.equal(cache.getOrCreate(a, make), 1);
  assert.equal(cache.getOrCreate(b, make), 4);
});
