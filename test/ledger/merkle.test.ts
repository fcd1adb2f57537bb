// Binary Merkle tree (RFC 6962 section 2.1 shape): roots, audit paths, and refusals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  merkleEmptyRoot,
  merkleLeafHash,
  merkleProof,
  merkleRoot,
  verifyMerkleProof,
} from '../../src/crypto/merkle.ts';
import { sha256 } from '../../src/crypto/sha256.ts';
import { concatBytes, toHex, utf8 } from '../../src/util/bytes.ts';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => utf8(`leaf-${i}`));
const node = (a: Uint8Array, b: Uint8Array) => sha256(concatBytes(new Uint8Array([1]), a, b));

/** Straight from the RFC's recursive definition, to check the iterative implementation against. */
function referenceRoot(list: Uint8Array[]): Uint8Array {
  if (list.length === 0) return sha256(new Uint8Array(0));
  if (list.length === 1) return merkleLeafHash(list[0]!);
  let k = 1;
  while (k * 2 < list.length) k *= 2;
  return node(referenceRoot(list.slice(0, k)), referenceRoot(list.slice(k)));
}

describe('merkle tree', () => {
  it('matches the recursive RFC 6962 definition for sizes 0 to 70', () => {
    for (let n = 0; n <= 70; n++)
      assert.equal(toHex(merkleRoot(leaves(n))), toHex(referenceRoot(leaves(n))), `n=${n}`);
  });

  it('the empty root is sha256 of nothing', () => {
    assert.equal(
      toHex(merkleEmptyRoot),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('every leaf of every size up to 40 has a proof that verifies', () => {
    for (let n = 1; n <= 40; n++) {
      const list = leaves(n);
      const root = merkleRoot(list);
      for (let i = 0; i < n; i++)
        assert.ok(verifyMerkleProof(root, list[i]!, i, n, merkleProof(list, i)), `n=${n} i=${i}`);
    }
  });

  it('error: a proof fails for a wrong leaf, index, size, root or path', () => {
    const list = leaves(13);
    const root = merkleRoot(list);
    const path = merkleProof(list, 5);
    assert.ok(verifyMerkleProof(root, list[5]!, 5, 13, path));
    assert.equal(verifyMerkleProof(root, list[6]!, 5, 13, path), false);
    assert.equal(verifyMerkleProof(root, list[5]!, 4, 13, path), false);
    // The size is committed elsewhere (the header's txCount); a wrong one changes the path's shape.
    assert.equal(verifyMerkleProof(root, list[12]!, 12, 14, merkleProof(list, 12)), false);
    assert.equal(verifyMerkleProof(merkleRoot(leaves(12)), list[5]!, 5, 13, path), false);
    assert.equal(verifyMerkleProof(root, list[5]!, 5, 13, path.slice(1)), false);
    assert.equal(verifyMerkleProof(root, list[5]!, 5, 13, [...path, path[0]!]), false);
    assert.equal(verifyMerkleProof(root, list[5]!, 13, 13, path), false);
  });
});
