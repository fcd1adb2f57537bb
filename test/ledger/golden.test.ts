// Golden vectors (test/vectors/golden/ledger.json): every ledger type decodes to the recorded fields,
// re-encodes to the same bytes and hashes to the recorded hash; every invalid encoding is refused with
// the recorded code and field. The counts are pinned so a vector cannot silently stop running.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CodecError } from '../../src/codec/index.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import type { Block } from '../../src/ledger/block.ts';
import { checkBlockBody } from '../../src/ledger/block.ts';
import {
  type QuorumCertificate,
  type TimeoutCertificate,
  verifyQuorumCertificate,
  verifyTimeoutCertificate,
} from '../../src/ledger/certificate.ts';
import { type Transaction, verifyTransactionSignature } from '../../src/ledger/tx.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { chainId, validatorSet } from './fixtures.ts';
import { invalidVectors } from './golden-invalid.ts';
import { jsonView, type Kind, type KindName, kinds } from './golden-kinds.ts';

type ValidVector = { kind: KindName; name: string; fields: unknown; cbor: string; hash?: string };
type InvalidVector = {
  kind: KindName;
  name: string;
  cbor: string;
  error: { code: string; field: string };
};
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '../vectors/golden/ledger.json'), 'utf8'),
) as {
  valid: ValidVector[];
  invalid: InvalidVector[];
};

const verify = (
  suite: Parameters<typeof getSuite>[0],
  m: Uint8Array,
  s: Uint8Array,
  k: Uint8Array,
) => getSuite(suite).verify(m, s, k);

/** Signature checks that apply to a decoded object of the given kind. */
function checkSignatures(kind: KindName, value: unknown): void {
  if (kind === 'transaction') {
    const tx = value as Transaction;
    assert.ok(verifyTransactionSignature(tx, getSuite(tx.suite)), 'transaction signature');
    assert.equal(tx.idHex, toHex(tx.id));
  }
  if (kind === 'quorumCertificate')
    assert.deepEqual(
      verifyQuorumCertificate(value as QuorumCertificate, validatorSet(), chainId, verify),
      { ok: true },
    );
  if (kind === 'timeoutCertificate')
    assert.deepEqual(
      verifyTimeoutCertificate(value as TimeoutCertificate, validatorSet(), chainId, verify),
      { ok: true },
    );
  if (kind === 'block') assert.equal(checkBlockBody(value as Block).ok, true);
}

describe('golden ledger vectors', () => {
  it('runs every vector: 12 valid, 17 invalid, covering every kind', () => {
    assert.equal(golden.valid.length, 12);
    assert.equal(golden.invalid.length, 17);
    assert.deepEqual(new Set(golden.valid.map((v) => v.kind)), new Set(Object.keys(kinds)));
  });

  for (const vector of golden.valid) {
    it(`${vector.kind}: ${vector.name}`, () => {
      const kind = kinds[vector.kind] as Kind;
      const bytes = fromHex(vector.cbor);
      const value = kind.decode(bytes);
      assert.deepEqual(jsonView(value), vector.fields);
      assert.equal(toHex(kind.encode(value as never)), vector.cbor);
      if (kind.hash) assert.equal(toHex(kind.hash(value as never)), vector.hash);
      checkSignatures(vector.kind, value);
    });
  }

  for (const vector of golden.invalid) {
    it(`error: ${vector.kind}: ${vector.name}`, () => {
      const kind = kinds[vector.kind] as Kind;
      assert.throws(
        () => kind.decode(fromHex(vector.cbor)),
        (e: unknown) =>
          e instanceof CodecError && e.code === vector.error.code && e.field === vector.error.field,
        `${vector.name}: expected ${vector.error.code} at ${vector.error.field}`,
      );
    });
  }

  it('the invalid vectors on file are the ones the generator makes from the fixtures', () => {
    // Ed25519 is deterministic, so regenerating gives identical bytes for ed25519-only vectors.
    const regenerated = invalidVectors().map(
      (v) => `${v.kind}/${v.name}/${v.error.code}/${v.error.field}`,
    );
    assert.deepEqual(
      golden.invalid.map((v) => `${v.kind}/${v.name}/${v.error.code}/${v.error.field}`),
      regenerated,
    );
  });
});
