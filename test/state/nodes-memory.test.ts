// What a cached internal node keeps alive: a sparse node may stay in the node cache for hundreds of
// blocks, so its bytes must not share an 8 KB pool slab with a block's garbage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalRecordBuilder } from '../../src/ledger/state/nodes.ts';

function node(children: number) {
  const bitmap = (1 << children) - 1;
  const builder = new InternalRecordBuilder(bitmap, 0);
  for (let i = 0; i < children; i++)
    builder.setChild(i, { hash: new Uint8Array(32).fill(i + 1), height: i, leaf: false });
  return builder.finish();
}

test('a sparse internal node keeps at most 512 bytes, or its own size, alive', () => {
  for (let children = 2; children < 16; children++) {
    const { raw } = node(children);
    assert.equal(raw.length, 5 + children * 38);
    assert.ok(
      raw.buffer.byteLength <= Math.max(512, raw.length),
      `${children} children: ${raw.buffer.byteLength} bytes behind a ${raw.length}-byte record`,
    );
  }
});

test('sparse nodes written one after another do not overlap', () => {
  const nodes = Array.from({ length: 40 }, (_, i) => node(2 + (i % 13)));
  nodes.forEach((n, i) => {
    const children = 2 + (i % 13);
    for (let c = 0; c < children; c++)
      assert.equal(n.childHash(c)[0], c + 1, `node ${i} child ${c}`);
    assert.equal(n.count, children);
  });
});
