// Signatures a transaction carries besides its own (a send's quote): checked in the admission's one
// verify call, capped per transaction, reported when they verify, and never deciding admission.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSuite } from '../../src/crypto/suites.ts';
import type { VerifyItem } from '../../src/crypto/verify-batch.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { carriedSignaturesPerTxMax } from '../../src/mempool/index.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { codes, createHarness, signers, txBytes } from './fixtures.ts';

const provider = signers[3]!;

/** A provider's signature over a message naming the transaction's nonce; `bad` flips a bit. */
function carriedItem(nonce: bigint, n: number, bad: boolean): VerifyItem {
  const message = utf8(`quote ${nonce}/${n}`);
  const signature = getSuite('ed25519').sign(message, provider.secretKey);
  if (bad) signature[0]! ^= 1;
  return { suite: 'ed25519', message, signature, publicKey: provider.publicKey };
}

/** Each transaction carries a good signature, a bad one, then more good ones past the cap. */
function carriedBy(tx: Transaction): VerifyItem[] {
  return Array.from({ length: carriedSignaturesPerTxMax + 3 }, (_, n) =>
    carriedItem(tx.nonce, n, n === 1),
  );
}

test('carried signatures share the one verify call; those that verify are reported', async () => {
  const reported: VerifyItem[] = [];
  const h = createHarness(
    {},
    { carriedSignatures: carriedBy, carriedVerified: (item) => reported.push(item) },
  );
  const results = await h.mempool.admit([
    txBytes({ nonce: 1n }),
    txBytes({ nonce: 2n, badSignature: true }),
    txBytes({ nonce: 3n }),
  ]);
  assert.deepEqual(codes(results), ['admitted', 'bad_signature', 'admitted']);
  assert.equal(h.verifyCalls.length, 1, 'one verify call for everything');
  assert.equal(h.verifyCalls[0]!.length, 3 + 3 * carriedSignaturesPerTxMax, 'capped per tx');
  const messages = reported.map((item) => new TextDecoder().decode(item.message));
  const expected = [1n, 2n, 3n].flatMap((nonce) =>
    Array.from({ length: carriedSignaturesPerTxMax }, (_, n) => n)
      .filter((n) => n !== 1)
      .map((n) => `quote ${nonce}/${n}`),
  );
  // A carried signature is checked even where the transaction's own fails: it decides nothing here.
  assert.deepEqual(messages.sort(), expected.sort());
});

test('a transaction that carries nothing costs no extra check', async () => {
  const reported: VerifyItem[] = [];
  const h = createHarness(
    {},
    { carriedSignatures: () => [], carriedVerified: (item) => reported.push(item) },
  );
  const results = await h.mempool.admit([txBytes({ nonce: 1n })]);
  assert.deepEqual(codes(results), ['admitted']);
  assert.equal(h.verifyCalls[0]!.length, 1);
  assert.equal(reported.length, 0);
});
