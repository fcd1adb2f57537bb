// DER encoding of ECDSA signatures (X.690 DER, SEC 1 C.8): round trips and strict rejection.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ecdsaSignatureFromDer, ecdsaSignatureToDer } from '../../src/crypto/asn1.ts';
import { compressPoint } from '../../src/crypto/ec-node.ts';
import { fromHex } from '../../src/util/bytes.ts';

test('r || s survives a DER round trip', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (rs) => {
      assert.deepEqual(ecdsaSignatureFromDer(ecdsaSignatureToDer(rs)), rs);
    }),
  );
});

test('encodes minimal INTEGERs with a sign byte only where needed', () => {
  const rs = new Uint8Array(64);
  rs[31] = 1;
  rs[32] = 0x80;
  assert.deepEqual(ecdsaSignatureToDer(rs), fromHex(`3026020101022100${'80'.padEnd(64, '0')}`));
});

test('rejects every non-canonical or malformed DER form', () => {
  const cases: Record<string, string> = {
    empty: '',
    'wrong outer tag': '3106020101020101',
    'wrong integer tag': '3006030101020101',
    'trailing byte': '300602010102010100',
    'length too long': '3007020101020101',
    'long-form length below 128': '30810602010102010100',
    'negative r': '3006020181020101',
    'zero-padded r': '300702020001020101',
    'empty r': '30050200020101',
    'r wider than 32 bytes': `302602210101${'00'.repeat(31)}020101`,
    'missing s': '3003020101',
    'three integers': '3009020101020101020101',
  };
  for (const [what, hex] of Object.entries(cases)) {
    assert.equal(ecdsaSignatureFromDer(fromHex(hex)), undefined, what);
  }
  assert.deepEqual(
    ecdsaSignatureFromDer(fromHex('3006020101020102'))?.subarray(30, 34),
    Uint8Array.of(0, 1, 0, 0),
  );
});

test('compressPoint keeps x and the parity of y', () => {
  const point = Uint8Array.of(4, ...new Uint8Array(32).fill(7), ...new Uint8Array(31), 3);
  assert.deepEqual(compressPoint(point), Uint8Array.of(3, ...new Uint8Array(32).fill(7)));
  assert.throws(() => compressPoint(point.subarray(1)), /point: expected 65 bytes/);
});
