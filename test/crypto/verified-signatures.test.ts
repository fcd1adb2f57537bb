// The memo of signatures checked on arrival that execution consults: a hit is exactly the same
// check, is used once, and anything else is verified on the spot with the same answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSuite } from '../../src/crypto/suites.ts';
import { VerifiedSignatures, verifyNow } from '../../src/crypto/verified-signatures.ts';
import type { VerifyItem } from '../../src/crypto/verify-batch.ts';
import { utf8 } from '../../src/util/bytes.ts';

const key = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(7));

function signed(text: string): VerifyItem {
  const message = utf8(text);
  return {
    suite: 'ed25519',
    message,
    signature: getSuite('ed25519').sign(message, key.secretKey),
    publicKey: key.publicKey,
  };
}

test('a remembered check is found once, then verified again on the spot', () => {
  const seen: boolean[] = [];
  const memo = new VerifiedSignatures({ onCheck: (found) => seen.push(found) });
  const item = signed('quote 1');
  memo.remember(item);
  assert.equal(memo.size, 1);
  assert.equal(memo.verify(item), true);
  assert.equal(memo.size, 0, 'used up');
  assert.equal(memo.verify(item), true, 'verified now, same answer');
  assert.deepEqual(seen, [true, false]);
});

test('a hit needs every input: another message, signature, key or suite is checked for real', () => {
  const memo = new VerifiedSignatures();
  const item = signed('quote 2');
  memo.remember(item);
  const other = signed('quote 3');
  assert.equal(memo.verify({ ...item, message: other.message }), false);
  assert.equal(memo.verify({ ...item, signature: other.signature }), false);
  const stranger = getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(8));
  assert.equal(memo.verify({ ...item, publicKey: stranger.publicKey }), false);
  assert.equal(memo.verify({ ...item, suite: 'p256' }), false);
  assert.equal(memo.verify({ ...item, suite: 'no-such-suite' }), false);
  assert.equal(memo.size, 1, 'the remembered check is still there');
});

test('verifyNow is the suite verify, false for a suite it does not know', () => {
  const item = signed('quote 4');
  assert.equal(verifyNow(item), true);
  const forged = { ...item, signature: item.signature.slice() };
  forged.signature[5]! ^= 1;
  assert.equal(verifyNow(forged), false);
  assert.equal(verifyNow({ ...item, suite: 'rsa' }), false);
});

test('it holds at most its size', () => {
  const memo = new VerifiedSignatures({ sizeMax: 4 });
  for (let i = 0; i < 20; i++) memo.remember(signed(`quote ${i}`));
  assert.ok(memo.size <= 4);
});
