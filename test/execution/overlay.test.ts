// The block's write scopes: one shared map with an undo log. A discarded scope must put back exactly
// what it replaced, at any depth, and only the innermost scope may be used.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createMemoryState,
  createRegistry,
  executeBlock,
  type Module,
} from '../../src/execution/index.ts';
import { keyId, Overlay } from '../../src/execution/overlay.ts';
import { AssertionError } from '../../src/util/assert.ts';
import { compareBytes, toHex, utf8 } from '../../src/util/bytes.ts';

const k = (text: string) => utf8(text);
const v = (n: number) => new Uint8Array([n]);

function stateWith(entries: Array<[string, number]>) {
  const state = createMemoryState();
  state.apply(entries.map(([key, n]) => ({ key: k(key), value: v(n) })));
  return state;
}

describe('overlay', () => {
  it('a discarded scope puts back what its parent wrote and what the state held', () => {
    const root = Overlay.root(stateWith([['a', 1]]));
    const tx = root.child();
    tx.put(k('b'), v(2));
    const inner = tx.child();
    inner.put(k('a'), null);
    inner.put(k('b'), v(3));
    inner.put(k('b'), v(4));
    inner.put(k('c'), v(5));
    assert.equal(inner.get(k('a')), undefined);
    assert.deepEqual(inner.get(k('b')), v(4));
    inner.discard();
    assert.deepEqual(tx.get(k('a')), v(1));
    assert.deepEqual(tx.get(k('b')), v(2));
    assert.equal(tx.get(k('c')), undefined);
    tx.mergeIntoParent();
    assert.deepEqual(root.changes(), [{ key: k('b'), value: v(2), existed: false }]);
  });

  it('each change says whether the committed state held its key', () => {
    const root = Overlay.root(
      stateWith([
        ['a', 1],
        ['b', 2],
      ]),
    );
    root.put(k('a'), v(3));
    root.put(k('b'), null);
    root.put(k('c'), v(4));
    root.put(k('d'), null);
    assert.deepEqual(
      root.changes().map((c) => [new TextDecoder().decode(c.key), c.existed]),
      [
        ['a', true],
        ['b', true],
        ['c', false],
      ],
    );
  });

  it('a merged inner scope is undone with its parent', () => {
    const root = Overlay.root(stateWith([['a', 1]]));
    const tx = root.child();
    const inner = tx.child();
    inner.put(k('a'), v(9));
    inner.events.push({ module: 'm', type: 'e', attributes: {} });
    inner.mergeIntoParent();
    assert.equal(tx.events.length, 1);
    tx.discard();
    assert.deepEqual(root.get(k('a')), v(1));
    assert.equal(root.events.length, 0);
    assert.deepEqual(root.changes(), []);
  });

  it('changes come in key byte order, including bytes above 0x7f', () => {
    const root = Overlay.root(createMemoryState());
    const tx = root.child();
    const keys = [[0xff], [0x80, 1], [0x80], [0x7f, 0xff], [0], [0x61, 0x00]];
    for (const key of keys) tx.put(Uint8Array.from(key), v(1));
    tx.mergeIntoParent();
    const got = root.changes().map((c) => [...c.key]);
    assert.deepEqual(got, [[0], [0x61, 0], [0x7f, 0xff], [0x80], [0x80, 1], [0xff]]);
  });

  it('changes come in the order compareBytes gives, for any keys', () => {
    const keyArb = fc.uint8Array({ minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { selector: toHex, maxLength: 40 }), (keys) => {
        const root = Overlay.root(createMemoryState());
        const tx = root.child();
        for (const key of keys) tx.put(key, v(1));
        tx.mergeIntoParent();
        const expected = [...keys].sort(compareBytes).map(toHex);
        assert.deepEqual(
          root.changes().map((c) => toHex(c.key)),
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('key ids are one code unit per byte, for keys of any length', () => {
    for (const length of [0, 1, 7, 8, 9, 16, 22, 290]) {
      const key = Uint8Array.from({ length }, (_, i) => (i * 37) & 0xff);
      const id = keyId(key);
      assert.equal(id.length, length);
      for (let i = 0; i < length; i++) assert.equal(id.charCodeAt(i), key[i]);
    }
  });

  it('error: a scope other than the innermost cannot be used', () => {
    const root = Overlay.root(createMemoryState());
    const tx = root.child();
    tx.child();
    assert.throws(() => tx.put(k('a'), v(1)), AssertionError);
    assert.throws(() => tx.get(k('a')), AssertionError);
    assert.throws(() => tx.mergeIntoParent(), AssertionError);
    assert.throws(() => root.changes(), AssertionError);
  });

  it('a module that catches a throw from atomically keeps its own writes, not the scope’s', () => {
    const catcher: Module = {
      name: 'catcher',
      methods: {
        run(ctx) {
          ctx.state.set(k('outer'), 1);
          try {
            ctx.atomically(() => {
              ctx.state.set(k('outer'), 2);
              ctx.state.set(k('inner'), 3);
              throw new Error('bug inside the scope');
            });
          } catch {
            // the module recovers and goes on
          }
          ctx.state.set(k('after'), 4);
          return { code: 'ok' };
        },
      },
    };
    const out = executeBlock(
      createRegistry([catcher]),
      createMemoryState(),
      { height: 1, timeMs: 1000, seed: new Uint8Array(32) },
      [
        {
          txId: v(1),
          signer: v(2),
          suite: 'ed25519',
          module: 'catcher',
          method: 'run',
          args: null,
        },
      ],
    );
    assert.equal(out.results[0]!.code, 'ok');
    const written = out.changes.map((c) => new TextDecoder().decode(c.key).split('\0')[1]);
    assert.deepEqual(written, ['after', 'outer']);
    assert.deepEqual(out.changes[1]!.value, Uint8Array.from([1]));
  });
});
