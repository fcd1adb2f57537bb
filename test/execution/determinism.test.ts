// Determinism: the same state, block and transactions give the same output byte for byte, however
// the committed state was built; and the changes equal those of a plain model of the toy module.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decode, encode } from '../../src/codec/index.ts';
import {
  createMemoryState,
  createRegistry,
  executeBlock,
  moduleKey,
  type TxCall,
} from '../../src/execution/index.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { call, encodeOutput, otherModule, toyModule } from './toy.ts';

const registry = createRegistry([toyModule, otherModule]);
const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const opArb = fc.oneof(
  fc.record({ method: fc.constant('set'), key: keyArb, value: fc.nat(1000) }),
  fc.record({ method: fc.constant('remove'), key: keyArb }),
  fc.record({
    method: fc.constantFrom('fail', 'crash', 'nested', 'write_other', 'who_am_i', 'bad_code'),
  }),
);
type Op = { method: string; key?: string; value?: number };

function toCall(op: Op): TxCall {
  if (op.method === 'set') return call('set', { key: op.key!, value: op.value! });
  if (op.method === 'remove') return call('remove', { key: op.key! });
  return call(op.method);
}

describe('determinism', () => {
  it('same inputs give the same output bytes, and the state matches a model', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, fc.nat(1000)), { maxLength: 5 }),
        fc.array(fc.array(opArb, { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        (initial, blocks) => {
          const forward = createMemoryState();
          const backward = createMemoryState();
          const model = new Map<string, number>();
          for (const [key, value] of initial) model.set(key, value);
          const entries = [...model].map(([k, v]) => ({
            key: moduleKey('toy', utf8(k)),
            value: encode(v),
          }));
          forward.apply(entries);
          backward.apply([...entries].reverse());
          blocks.forEach((ops, i) => {
            const txs = ops.map(toCall);
            const block = {
              height: i + 1,
              timeMs: 1000 * (i + 1),
              seed: new Uint8Array(32).fill(i),
            };
            const a = executeBlock(registry, forward, block, txs);
            const b = executeBlock(registry, backward, block, txs);
            assert.deepEqual(encodeOutput(a), encodeOutput(b));
            forward.apply(a.changes);
            backward.apply(b.changes);
            ops.forEach((op, j) => {
              if (a.results[j]!.code !== 'ok') return;
              if (op.method === 'set') model.set(op.key!, op.value!);
              if (op.method === 'remove') model.delete(op.key!);
            });
            for (const key of ['a', 'b', 'c', 'd', 'e']) {
              const bytes = forward.get(moduleKey('toy', utf8(key)));
              assert.equal(
                bytes === undefined ? undefined : decode(bytes),
                model.get(key),
                `key ${key}`,
              );
            }
            assert.deepEqual(
              forward.entries().map((e) => toHex(e.key) + toHex(e.value)),
              backward.entries().map((e) => toHex(e.key) + toHex(e.value)),
            );
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
