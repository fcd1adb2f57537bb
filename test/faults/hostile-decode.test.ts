// Hostile bytes at the decoders a peer or client reaches: signed transactions (ledger/tx.ts), peer
// frames (node/wire.ts) and consensus messages (consensus/messages.ts), fed random and mutated
// bytes. Each must decode or refuse with a coded error; any other exception is a bug.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BankWorkload } from '../../src/cli/demo/bank-workload.ts';
import { CodecError } from '../../src/codec/index.ts';
import { decodeMessage, encodeMessage, type Message } from '../../src/consensus/index.ts';
import { decodeTransaction } from '../../src/ledger/tx.ts';
import {
  decodeFrame,
  encodeConsensusFrame,
  encodeStatusFrame,
  encodeTxsFrame,
} from '../../src/node/wire.ts';
import { calmScenario } from '../sim/lib/scenario.ts';
import { Simulator } from '../sim/lib/simulator.ts';

const runs = 2000;
/** A boundary check's own error names the field it refused: `tx.body: ...`, `frame: ...`. */
const fieldMessage = /^[\w.[\]-]+: /;

/** Undefined when `fn` returned or refused with a coded error; otherwise what it threw. */
function uncoded(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof CodecError && error.code.length > 0) return undefined;
    const boundary = error instanceof RangeError || error instanceof TypeError;
    if (boundary && fieldMessage.test(error.message)) return undefined;
    return error;
  }
}

const workload = new BankWorkload({ chainId: 'tally-fuzz', accounts: 4, users: 2 });
const validTxs = [...workload.setupPhases().flat(), ...workload.transfers(8)].map((t) => t.bytes);

/** One message of each type from a short simulated run with a crash and a partition. */
function sampleMessages(): Message[] {
  const samples = new Map<string, Message>();
  const sim = new Simulator({
    ...calmScenario(7, 4),
    crashes: [{ node: 2, atMs: 50, restartMs: 400 }],
    partitions: [{ startMs: 450, endMs: 900, side: new Set([3]) }],
    healMs: 900,
    livenessBlocks: 5,
  });
  sim.tap = (m) => {
    if (!samples.has(m.type) || (m.type === 'sync-response' && m.blocks.length > 0))
      samples.set(m.type, m);
  };
  sim.run();
  return [...samples.values()];
}

const messages = sampleMessages().map(encodeMessage);
const frames = [
  ...sampleMessages().map(encodeConsensusFrame),
  encodeTxsFrame(validTxs),
  encodeStatusFrame(12),
];

/** A valid encoding with some bytes flipped, cut, repeated or inserted. */
function mutated(valid: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      base: fc.constantFrom(...valid),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom('flip', 'cut', 'insert', 'set'),
          at: fc.nat(),
          byte: fc.integer({ min: 0, max: 255 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ base, edits }) => {
      let bytes = Uint8Array.from(base);
      for (const e of edits) {
        const at = bytes.length === 0 ? 0 : e.at % bytes.length;
        if (e.kind === 'flip') bytes[at]! ^= 1 << (e.byte % 8);
        else if (e.kind === 'set') bytes[at] = e.byte;
        else if (e.kind === 'cut') bytes = bytes.subarray(0, at);
        else bytes = Uint8Array.from([...bytes.subarray(0, at), e.byte, ...bytes.subarray(at)]);
      }
      return bytes;
    });
}

const random = fc.uint8Array({ maxLength: 512 });

function assertOnlyCoded(name: string, decode: (b: Uint8Array) => unknown, valid: Uint8Array[]) {
  assert.ok(valid.length > 0, `${name}: samples to mutate`);
  for (const [label, arb] of [
    ['random', random],
    ['mutated', mutated(valid)],
  ] as const)
    fc.assert(
      fc.property(arb, (bytes) => {
        const thrown = uncoded(() => decode(bytes));
        assert.equal(thrown, undefined, `${name} (${label}) threw ${String(thrown)}`);
      }),
      { numRuns: runs },
    );
}

describe('hostile bytes at the decoders', () => {
  it('transaction decoding refuses only with coded errors', () => {
    assertOnlyCoded('decodeTransaction', decodeTransaction, validTxs);
  });

  it('consensus message decoding refuses only with coded errors', () => {
    assert.ok(messages.length >= 5, 'samples of proposal, vote, timeout and sync messages');
    assertOnlyCoded('decodeMessage', decodeMessage, messages);
  });

  it('peer frame decoding refuses only with coded errors', () => {
    assertOnlyCoded('decodeFrame', decodeFrame, frames);
  });

  it('decodes the unmutated samples', () => {
    for (const t of validTxs) decodeTransaction(t);
    for (const m of messages) decodeMessage(m);
    for (const f of frames) decodeFrame(f);
  });
});
