// A toy module for the runtime's tests: each method exercises one behaviour of the runtime.
import { type CborValue, encode, readRecord, readString, readUint } from '../../src/codec/index.ts';
import type { BlockOutput, Module, TxCall } from '../../src/execution/index.ts';
import { utf8 } from '../../src/util/bytes.ts';

function recurse(n: number): number {
  return recurse(n + 1) + 1;
}

export const toyModule: Module = {
  name: 'toy',
  methods: {
    set(ctx, args) {
      const f = readRecord(args, 'args', ['key', 'value']);
      const key = readString(f.key, 'args.key', 32);
      const value = readUint(f.value, 'args.value');
      ctx.state.set(utf8(key), value);
      ctx.emit('set', { key, value });
      return { code: 'ok' };
    },
    remove(ctx, args) {
      const key = readString(readRecord(args, 'args', ['key']).key, 'args.key', 32);
      ctx.state.delete(utf8(key));
      ctx.emit('removed', { key });
      return { code: 'ok' };
    },
    /** Writes, emits, then fails with a result code: nothing it did may stay. */
    fail(ctx) {
      ctx.state.set(utf8('failed'), 1);
      ctx.emit('should_vanish', {});
      return { code: 'nope', message: 'refused on purpose' };
    },
    /** Writes, then throws like a module with a bug. */
    crash(ctx) {
      ctx.state.set(utf8('crashed'), 1);
      throw new TypeError('engine-specific text that must not reach a receipt');
    },
    overflow_stack() {
      return { code: recurse(0) === 0 ? 'ok' : 'ok' };
    },
    /** Keeps the first scope's write and drops the second's. */
    nested(ctx) {
      ctx.atomically(() => {
        ctx.state.set(utf8('kept'), 1);
        ctx.emit('kept', {});
        return { code: 'ok' };
      });
      ctx.atomically(() => {
        ctx.state.set(utf8('dropped'), 1);
        ctx.emit('dropped', {});
        return { code: 'no' };
      });
      return { code: 'ok' };
    },
    /** Writes into another module's key space through forModule. */
    write_other(ctx) {
      const other = ctx.forModule('other');
      other.state.set(utf8('x'), 7);
      other.emit('written', { by: ctx.module });
      return { code: 'ok' };
    },
    /** Adds record `key` (a write-once value); with `fail`, adds it and then refuses. */
    add_record(ctx, args) {
      const f = readRecord(args, 'args', ['key', 'value', 'fail']);
      const key = utf8(readString(f.key, 'args.key', 32));
      ctx.state.records.add(key, readUint(f.value, 'args.value'));
      ctx.emit('record_added', { seen: ctx.state.records.has(key) });
      return f.fail === true ? { code: 'refused' } : { code: 'ok' };
    },
    bad_code() {
      return { code: 'Not Snake' };
    },
    bad_event(ctx) {
      ctx.emit('bad', { value: 1.5 });
      return { code: 'ok' };
    },
    /** An array with a hole: encoding refuses it, so emitting it must fail in the transaction. */
    sparse_event(ctx) {
      const list: number[] = new Array(2);
      list[0] = 1;
      ctx.emit('sparse', { list });
      return { code: 'ok' };
    },
    who_am_i(ctx) {
      ctx.emit('who', {
        signer: ctx.signer.publicKey,
        suite: ctx.signer.suite,
        txId: ctx.txId,
        height: ctx.block.height,
        timeMs: ctx.block.timeMs,
        seed: ctx.block.seed,
      });
      return { code: 'ok' };
    },
  },
  beginBlock(ctx) {
    ctx.state.set(utf8('lastHeight'), ctx.block.height);
  },
  endBlock(ctx) {
    const count = (ctx.state.get(utf8('blocks')) as number | undefined) ?? 0;
    ctx.state.set(utf8('blocks'), count + 1);
    ctx.emit('block_ended', { count: count + 1 });
  },
};

export const otherModule: Module = { name: 'other', methods: {} };

let txCounter = 0;
export function call(method: string, args: CborValue = null, module = 'toy'): TxCall {
  txCounter += 1;
  return {
    txId: new Uint8Array([txCounter >> 8, txCounter & 255]),
    suite: 'ed25519',
    signer: new Uint8Array(32).fill(9),
    module,
    method,
    args,
  };
}

/** The whole output as canonical bytes, so two runs compare byte for byte. */
export function encodeOutput(out: BlockOutput): Uint8Array {
  const value: CborValue = {
    results: out.results.map((r) => ({
      txId: r.txId,
      code: r.code,
      message: r.message ?? null,
      events: r.events.map((e) => ({ module: e.module, type: e.type, attributes: e.attributes })),
    })),
    changes: out.changes.map((c) => ({ key: c.key, value: c.value })),
    events: out.events.map((e) => ({ module: e.module, type: e.type, attributes: e.attributes })),
  };
  return encode(value);
}
