// A block's stale list, written key by key into records of a bounded number of keys: what pruning
// reads back (decodeStaleList) must be every replaced node's key, in order, cut at the bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeStaleList, encodeNodeKey, StaleListWriter } from '../../src/ledger/state/nodes.ts';
import { depthMax } from '../../src/ledger/state/spec.ts';

const nibblePath = fc
  .array(fc.constantFrom(...'0123456789abcdef'), { maxLength: depthMax })
  .map((nibbles) => nibbles.join(''));
const staleNode = fc.record({ height: fc.maxSafeNat(), path: nibblePath });

test('records read back as every key in order, at most keysMax to a record', () => {
  fc.assert(
    fc.property(
      fc.array(staleNode, { maxLength: 60 }),
      fc.integer({ min: 1, max: 7 }),
      (nodes, keysMax) => {
        const writer = new StaleListWriter(keysMax);
        for (const { height, path } of nodes) writer.add(height, path);
        const records = writer.records();
        assert.equal(records.length, Math.ceil(nodes.length / keysMax));
        const keys = records.map((r) => decodeStaleList(r));
        for (const list of keys.slice(0, -1)) assert.equal(list.length, keysMax);
        assert.deepEqual(
          keys.flat().map((k) => Array.from(k)),
          nodes.map(({ height, path }) => Array.from(encodeNodeKey(height, path))),
        );
      },
    ),
  );
});

test('a record reused after it is cut carries no bytes of the keys before', () => {
  // Paths are ORed in nibble by nibble: a deep key then a shallow one must not mix.
  const writer = new StaleListWriter(1);
  writer.add(2 ** 40, 'f'.repeat(depthMax));
  writer.add(1, '0');
  writer.add(0, '');
  const [, second, third] = writer.records().map((r) => decodeStaleList(r)[0]!);
  assert.deepEqual(second, encodeNodeKey(1, '0'));
  assert.deepEqual(third, encodeNodeKey(0, ''));
});
