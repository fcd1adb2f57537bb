// Ed25519's two verifiers (libsodium, node:crypto's OpenSSL) must accept exactly the same
// signatures, or validators using different ones could disagree about a block: the encoding rules of
// ed25519-strict.ts close the gap OpenSSL leaves for small-order keys and R values.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { verify as opensslVerify, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { wrapEd25519PublicKey } from '../../src/crypto/asn1.ts';
import { ed25519Suite, verifyWithLibsodium, verifyWithOpenSsl } from '../../src/crypto/ed25519.ts';
import { ed25519EncodingsAllowed, smallOrderEncodings } from '../../src/crypto/ed25519-strict.ts';
import { ed25519Backend } from '../../src/crypto/libsodium.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';

const libsodium = verifyWithLibsodium;
const verifiers = [
  ['libsodium', libsodium],
  ['openssl', verifyWithOpenSsl],
] as const;

/** OpenSSL on its own, without Tally's rules in front. */
function opensslAlone(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  const key = { key: Buffer.from(wrapEd25519PublicKey(publicKey)), format: 'der', type: 'spki' };
  return opensslVerify(null, message, key as never, signature);
}

const identity = fromHex(`01${'00'.repeat(31)}`);
/** R = identity and S = 0: under the identity public key, [S]B - [k]A is the identity for every message. */
const identityForgery = new Uint8Array(64);
identityForgery.set(identity, 0);

test('libsodium is the Ed25519 verifier on this platform', () => {
  assert.ok(
    libsodium !== undefined,
    'sodium-native loads (or TALLY_ED25519_BACKEND=openssl is set)',
  );
  assert.equal(ed25519Backend, 'libsodium');
  assert.equal(ed25519Suite.verify, libsodium);
  assert.equal(ed25519Suite.verifiesInline, true);
});

test('OpenSSL alone accepts the identity key forgery; neither Tally verifier does', () => {
  const message = new TextEncoder().encode('any message at all');
  assert.equal(opensslAlone(message, identityForgery, identity), true);
  for (const [name, verify] of verifiers)
    assert.equal(verify?.(message, identityForgery, identity), false, name);
  assert.equal(ed25519Suite.prepareVerify(message, identityForgery, identity), undefined);
});

test('the small-order table holds every encoding of every torsion point, and nothing else', () => {
  const order8 = ed25519.Point.fromHex(toHex(smallOrderEncodings[2]!));
  const torsion = new Set<string>();
  for (let k = 0n; k < 8n; k++) {
    const encoded = order8.multiplyUnsafe(k).toBytes();
    encoded[31]! &= 0x7f; // the table ignores the sign bit
    torsion.add(toHex(encoded));
  }
  const table = new Set(smallOrderEncodings.map(toHex));
  for (const point of torsion) assert.ok(table.has(point), `${point} is in the table`);
  // The rest of the table: y = p and y = p + 1, unreduced encodings of points already listed.
  const unreduced = [...table].filter((hex) => !torsion.has(hex));
  assert.deepEqual(unreduced.sort(), [`ed${'ff'.repeat(30)}7f`, `ee${'ff'.repeat(30)}7f`]);
  for (const bytes of smallOrderEncodings)
    assert.ok(ed25519.Point.fromBytes(bytes, true).isSmallOrder(), toHex(bytes));
});

test('every small-order key or R, with either sign bit, is refused before verification', () => {
  const key = ed25519Suite.generateKeyPair();
  const message = randomBytes(40);
  const good = ed25519Suite.sign(message, key.secretKey);
  for (const bad of smallOrderEncodings)
    for (const sign of [0, 0x80]) {
      const encoded = bad.slice();
      encoded[31]! |= sign;
      const badR = good.slice();
      badR.set(encoded, 0);
      assert.equal(ed25519EncodingsAllowed(key.publicKey, badR), false, `R ${toHex(encoded)}`);
      assert.equal(ed25519EncodingsAllowed(encoded, good), false, `key ${toHex(encoded)}`);
    }
  assert.equal(ed25519EncodingsAllowed(key.publicKey, good), true);
});

test('S must be below the group order; a key y must be below p', () => {
  const key = ed25519Suite.generateKeyPair();
  const signature = ed25519Suite.sign(new Uint8Array(1), key.secretKey);
  const order = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
  const withS = (s: Uint8Array) => {
    const out = signature.slice();
    out.set(s, 32);
    return out;
  };
  const belowOrder = order.slice();
  belowOrder[0] = 0xec;
  assert.equal(ed25519EncodingsAllowed(key.publicKey, withS(order)), false);
  assert.equal(ed25519EncodingsAllowed(key.publicKey, withS(belowOrder)), true);
  assert.equal(ed25519EncodingsAllowed(key.publicKey, withS(new Uint8Array(32).fill(0xff))), false);
  // y = p + 2 is not reduced (and not small order); y = p - 2 is.
  assert.equal(ed25519EncodingsAllowed(fromHex(`ef${'ff'.repeat(30)}7f`), signature), false);
  assert.equal(ed25519EncodingsAllowed(fromHex(`eb${'ff'.repeat(30)}7f`), signature), true);
  assert.equal(ed25519EncodingsAllowed(key.publicKey, signature.subarray(0, 63)), false);
  assert.equal(ed25519EncodingsAllowed(key.publicKey.subarray(1), signature), false);
});

test('both verifiers agree on valid signatures and on every single-bit change of them', () => {
  const keys = Array.from({ length: 4 }, () => ed25519Suite.generateKeyPair());
  let accepted = 0;
  let cases = 0;
  for (let round = 0; round < 40; round++) {
    const key = keys[round % keys.length]!;
    const message = randomBytes(round);
    const signature = ed25519Suite.sign(message, key.secretKey);
    const variants: [Uint8Array, Uint8Array, Uint8Array][] = [[message, signature, key.publicKey]];
    const bit = round * 13;
    const flippedSig = signature.slice();
    flippedSig[(bit >> 3) % 64]! ^= 1 << (bit & 7);
    const flippedKey = key.publicKey.slice();
    flippedKey[(bit >> 3) % 32]! ^= 1 << (bit & 7);
    variants.push([message, flippedSig, key.publicKey], [message, signature, flippedKey]);
    if (message.length > 0) {
      const flippedMessage = Uint8Array.from(message);
      flippedMessage[round % message.length]! ^= 0x40;
      variants.push([flippedMessage, signature, key.publicKey]);
    }
    for (const [m, s, k] of variants) {
      const answers = verifiers.map(([, verify]) => verify?.(m, s, k));
      assert.equal(answers[0], answers[1], `round ${round}: ${toHex(s)} under ${toHex(k)}`);
      cases++;
      if (answers[0] === true) accepted++;
    }
  }
  assert.equal(accepted, 40, 'exactly the unchanged signatures verify');
  assert.ok(cases > 150);
});

test('TALLY_ED25519_BACKEND: openssl keeps verification on node:crypto; an unknown value is a clear error', () => {
  const url = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = `
    const { ed25519Backend } = await import(${url('../../src/crypto/libsodium.ts')});
    const { ed25519Suite, verifyWithLibsodium } = await import(${url('../../src/crypto/ed25519.ts')});
    const key = ed25519Suite.generateKeyPair();
    const signature = ed25519Suite.sign(Uint8Array.of(1, 2), key.secretKey);
    console.log(JSON.stringify({
      backend: ed25519Backend,
      libsodium: verifyWithLibsodium !== undefined,
      inline: ed25519Suite.verifiesInline,
      valid: ed25519Suite.verify(Uint8Array.of(1, 2), signature, key.publicKey),
      changed: ed25519Suite.verify(Uint8Array.of(1, 3), signature, key.publicKey),
    }));`;
  const run = (backend: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, TALLY_ED25519_BACKEND: backend },
    });
  const openssl = run('openssl');
  assert.equal(openssl.status, 0, openssl.stderr);
  assert.deepEqual(JSON.parse(openssl.stdout), {
    backend: 'openssl',
    libsodium: false,
    inline: false,
    valid: true,
    changed: false,
  });
  const unknown = run('nacl');
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /TALLY_ED25519_BACKEND: expected openssl or libsodium \(got nacl\)/);
});
