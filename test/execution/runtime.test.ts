// The deterministic runtime: overlays, rollback of failed transactions, namespacing, result codes
// the runtime gives, module bugs, hooks, and the sorted change list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '../../src/codec/index.ts';
import {
  createMemoryState,
  createRegistry,
  executeBlock,
  moduleKey,
  moduleRecordKey,
  readModuleState,
  StateReadError,
} from '../../src/execution/index.ts';
import { isRecordKey } from '../../src/ledger/state/index.ts';
import { AssertionError } from '../../src/util/assert.ts';
import { compareBytes, toHex, utf8 } from '../../src/util/bytes.ts';
import { call, otherModule, toyModule } from './toy.ts';

const registry = createRegistry([toyModule, otherModule]);
const block = { height: 5, timeMs: 1_700_000_000_000, seed: new Uint8Array(32).fill(3) };

function valueAt(out: ReturnType<typeof executeBlock>, module: string, key: string) {
  const change = out.changes.find((c) => toHex(c.key) === toHex(moduleKey(module, utf8(key))));
  if (change === undefined) return undefined;
  return change.value === null ? null : decode(change.value);
}

describe('executeBlock', () => {
  it('applies a transaction and returns its events', () => {
    const out = executeBlock(registry, createMemoryState(), block, [
      call('set', { key: 'a', value: 1 }),
    ]);
    assert.equal(out.results[0]!.code, 'ok');
    assert.deepEqual(out.results[0]!.events, [
      { module: 'toy', type: 'set', attributes: { key: 'a', value: 1 } },
    ]);
    assert.equal(valueAt(out, 'toy', 'a'), 1);
  });

  it('later transactions see earlier writes of the same block', () => {
    const state = createMemoryState();
    const out = executeBlock(registry, state, block, [
      call('set', { key: 'a', value: 1 }),
      call('remove', { key: 'a' }),
      call('set', { key: 'b', value: 2 }),
    ]);
    assert.equal(
      valueAt(out, 'toy', 'a'),
      undefined,
      'a key written then deleted in one block is no change',
    );
    assert.equal(valueAt(out, 'toy', 'b'), 2);
  });

  it('a failing transaction reverts its writes and its events', () => {
    const out = executeBlock(registry, createMemoryState(), block, [call('fail')]);
    assert.deepEqual(out.results[0], {
      txId: out.results[0]!.txId,
      code: 'nope',
      message: 'refused on purpose',
      events: [],
    });
    assert.equal(valueAt(out, 'toy', 'failed'), undefined);
  });

  it('a record is added once: a failed transaction takes it back, and adding it again is a bug', () => {
    const state = createMemoryState();
    const add = (key: string, value: number, fail = false) =>
      call('add_record', { key, value, fail });
    const out = executeBlock(registry, state, block, [
      add('r', 1, true),
      add('r', 2),
      add('r', 3),
      add('s', 4),
    ]);
    assert.deepEqual(
      out.results.map((r) => [r.code, r.message ?? '']),
      [
        ['refused', ''],
        ['ok', ''],
        ['internal_error', 'toy.add_record failed'],
        ['ok', ''],
      ],
    );
    // In the records' key space (ledger/state/spec.ts), not the module's state.
    const records = out.changes.map((c) => [toHex(c.key), c.value && decode(c.value)]);
    assert.deepEqual(records.slice(0, 2), [
      [toHex(moduleRecordKey('toy', utf8('r'))), 2],
      [toHex(moduleRecordKey('toy', utf8('s'))), 4],
    ]);
    assert.ok(isRecordKey(moduleRecordKey('toy', utf8('r'))));
    state.apply(out.changes);
    const again = executeBlock(registry, state, { ...block, height: 6 }, [add('s', 5)]);
    assert.equal(again.results[0]!.code, 'internal_error', 'a committed record is not added twice');
    const reader = readModuleState(state, 'toy');
    assert.equal(reader.records.get(utf8('s')), 4);
    assert.equal(reader.get(utf8('s')), undefined, 'records are not in the module state');
  });

  it('error: unknown module and unknown method', () => {
    const out = executeBlock(registry, createMemoryState(), block, [
      call('set', {}, 'nosuch'),
      call('constructor', {}),
      call('__proto__', {}),
    ]);
    assert.deepEqual(
      out.results.map((r) => r.code),
      ['unknown_module', 'unknown_method', 'unknown_method'],
    );
    assert.equal(out.results[0]!.message, 'no module named nosuch');
    assert.equal(out.results[1]!.message, 'toy has no method constructor');
  });

  it('error: invalid args names the field', () => {
    const out = executeBlock(registry, createMemoryState(), block, [
      call('set', { key: 'a', value: -1 }),
    ]);
    assert.equal(out.results[0]!.code, 'invalid_args');
    assert.equal(out.results[0]!.message, 'args.value: expected an unsigned integer');
  });

  it('a module that throws gets internal_error with a fixed message, and its writes are reverted', () => {
    const seen: string[] = [];
    const out = executeBlock(
      registry,
      createMemoryState(),
      block,
      [call('crash'), call('set', { key: 'z', value: 1 })],
      {
        onInternalError: (_error, where) => seen.push(where),
      },
    );
    assert.deepEqual(out.results[0]!.code, 'internal_error');
    assert.equal(out.results[0]!.message, 'toy.crash failed');
    assert.equal(valueAt(out, 'toy', 'crashed'), undefined);
    assert.equal(out.results[1]!.code, 'ok', 'the block goes on');
    assert.deepEqual(seen, ['toy.crash']);
  });

  it('a result code that is not snake_case, or an unencodable event, is a module bug', () => {
    const out = executeBlock(registry, createMemoryState(), block, [
      call('bad_code'),
      call('bad_event'),
      call('sparse_event'),
    ]);
    assert.deepEqual(
      out.results.map((r) => r.code),
      ['internal_error', 'internal_error', 'internal_error'],
    );
  });

  it('aborts the block when the stack overflows: that may differ between nodes', () => {
    assert.throws(
      () => executeBlock(registry, createMemoryState(), block, [call('overflow_stack')]),
      RangeError,
    );
  });

  it('aborts the block when the committed state cannot be read', () => {
    const broken = {
      get: () => {
        throw new Error('disk');
      },
    };
    assert.throws(
      () => executeBlock(registry, broken, block, [call('set', { key: 'a', value: 1 })]),
      StateReadError,
    );
  });

  it('atomically keeps a successful scope and drops a failed one', () => {
    const out = executeBlock(registry, createMemoryState(), block, [call('nested')]);
    assert.equal(out.results[0]!.code, 'ok');
    assert.deepEqual(
      out.results[0]!.events.map((e) => e.type),
      ['kept'],
    );
    assert.equal(valueAt(out, 'toy', 'kept'), 1);
    assert.equal(valueAt(out, 'toy', 'dropped'), undefined);
  });

  it('keys are namespaced per module, and forModule writes as the other module', () => {
    const out = executeBlock(registry, createMemoryState(), block, [
      call('write_other'),
      call('set', { key: 'x', value: 1 }),
    ]);
    assert.equal(valueAt(out, 'other', 'x'), 7);
    assert.equal(valueAt(out, 'toy', 'x'), 1);
    assert.deepEqual(out.results[0]!.events, [
      { module: 'other', type: 'written', attributes: { by: 'toy' } },
    ]);
  });

  it('gives the signer, txId and block to the method', () => {
    const tx = call('who_am_i');
    const out = executeBlock(registry, createMemoryState(), block, [tx]);
    assert.deepEqual(out.results[0]!.events[0]!.attributes, {
      signer: tx.signer,
      suite: 'ed25519',
      txId: tx.txId,
      height: 5,
      timeMs: block.timeMs,
      seed: block.seed,
    });
  });

  it('runs beginBlock and endBlock hooks and returns their events', () => {
    const state = createMemoryState();
    state.apply(executeBlock(registry, state, block, []).changes);
    const out = executeBlock(registry, state, { ...block, height: 6 }, []);
    assert.deepEqual(out.events, [
      { module: 'toy', type: 'block_ended', attributes: { count: 2 } },
    ]);
    assert.equal(valueAt(out, 'toy', 'lastHeight'), 6);
  });

  it('a hook that throws is rolled back and reported as a block event', () => {
    const broken = createRegistry([
      {
        name: 'broken',
        methods: {},
        endBlock(ctx) {
          ctx.state.set(utf8('k'), 1);
          throw new Error('bug');
        },
      },
    ]);
    const out = executeBlock(broken, createMemoryState(), block, []);
    assert.deepEqual(out.events, [
      { module: 'broken', type: 'internal_error', attributes: { hook: 'endBlock' } },
    ]);
    assert.deepEqual(out.changes, []);
  });

  it('changes are sorted by key bytes and leave out writes that change nothing', () => {
    const state = createMemoryState();
    state.apply([{ key: moduleKey('toy', utf8('same')), value: encode(4) }]);
    const out = executeBlock(registry, state, block, [
      call('set', { key: 'zz', value: 1 }),
      call('set', { key: 'same', value: 4 }),
      call('set', { key: 'a', value: 2 }),
      call('remove', { key: 'never' }),
    ]);
    const keys = out.changes.map((c) => c.key);
    for (let i = 1; i < keys.length; i++) assert.ok(compareBytes(keys[i - 1]!, keys[i]!) < 0);
    assert.equal(valueAt(out, 'toy', 'same'), undefined);
    assert.equal(valueAt(out, 'toy', 'never'), undefined);
    assert.equal(valueAt(out, 'toy', 'zz'), 1);
  });

  it('error: a malformed block is a caller bug', () => {
    assert.throws(
      () => executeBlock(registry, createMemoryState(), { ...block, seed: new Uint8Array(8) }, []),
      AssertionError,
    );
    assert.throws(
      () => executeBlock(registry, createMemoryState(), { ...block, timeMs: 1.5 }, []),
      AssertionError,
    );
  });

  it('error: module names are checked at registration', () => {
    assert.throws(() => createRegistry([{ name: 'Bad Name', methods: {} }]), AssertionError);
    assert.throws(() => createRegistry([toyModule, toyModule]), AssertionError);
  });
});
