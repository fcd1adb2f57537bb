// Canonical encoding of consensus messages and evidence: real messages from a simulated network
// round-trip exactly, and malformed bytes are refused with CodecError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CodecError, encode } from '../../src/codec/index.ts';
import {
  decodeEvidence,
  decodeMessage,
  encodeEvidence,
  encodeMessage,
  type Message,
} from '../../src/consensus/index.ts';
import { safeToVote } from '../../src/consensus/safety.ts';
import { calmScenario } from '../sim/lib/scenario.ts';
import { Simulator } from '../sim/lib/simulator.ts';

/** One sample of each message type, taken from a short run with a lagging, restarting validator. */
function sampleMessages(): Map<string, Message> {
  const samples = new Map<string, Message>();
  const scenario = {
    ...calmScenario(21, 4),
    crashes: [{ node: 2, atMs: 50, restartMs: 400 }],
    partitions: [{ startMs: 450, endMs: 900, side: new Set([3]) }],
    byzantine: new Map([[1, 'conflict' as const]]),
    healMs: 900,
    livenessBlocks: 5,
  };
  const sim = new Simulator(scenario);
  sim.tap = (m) => {
    if (!samples.has(m.type) || (m.type === 'sync-response' && m.blocks.length > 0))
      samples.set(m.type, m);
  };
  const result = sim.run();
  assert.equal(result.failure, null);
  return samples;
}

const samples = sampleMessages();

test('every message type round-trips through its canonical bytes', () => {
  assert.deepEqual([...samples.keys()].sort(), [
    'proposal',
    'sync-info',
    'sync-request',
    'sync-response',
    'timeout',
    'vote',
  ]);
  for (const message of samples.values()) {
    const bytes = encodeMessage(message);
    const decoded = decodeMessage(bytes);
    assert.deepEqual(encodeMessage(decoded), bytes, message.type);
    assert.equal(decoded.type, message.type);
  }
});

test('error: truncated, extended or retagged messages are refused with CodecError', () => {
  for (const message of samples.values()) {
    const bytes = encodeMessage(message);
    assert.throws(() => decodeMessage(bytes.subarray(0, bytes.length - 1)), CodecError);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assert.throws(() => decodeMessage(longer), CodecError);
  }
  assert.throws(() => decodeMessage(encode([99, 1])), /unknown message tag 99/);
  assert.throws(() => decodeMessage(encode([2])), /expected 2 items/);
  assert.throws(() => decodeMessage(encode([5, -1])), CodecError);
});

test('error: arbitrary bytes never decode to anything but a CodecError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeMessage(bytes);
      } catch (error) {
        assert.ok(error instanceof CodecError, String(error));
      }
    }),
    { numRuns: 500 },
  );
});

test('a sync request round-trips for any height', () => {
  fc.assert(
    fc.property(fc.nat(), (fromHeight) => {
      const m: Message = { type: 'sync-request', fromHeight };
      assert.deepEqual(decodeMessage(encodeMessage(m)), m);
    }),
  );
});

test('evidence round-trips, and a pair of votes that do not conflict is refused', () => {
  const scenario = { ...calmScenario(8, 4), byzantine: new Map([[1, 'conflict' as const]]) };
  const result = new Simulator(scenario).run();
  const evidence = result.evidence[0];
  assert.ok(evidence !== undefined);
  const bytes = encodeEvidence(evidence);
  assert.deepEqual(encodeEvidence(decodeEvidence(bytes)), bytes);
  const same = encodeEvidence({ ...evidence, second: evidence.first });
  assert.throws(() => decodeEvidence(same), /same block/);
});

test('safety rule: vote for round r only over a QC of r - 1 or a TC of r - 1 that allows the QC', () => {
  const tc = (round: number, highQcRounds: number[]) => ({
    epoch: 0,
    round,
    signers: new Uint8Array(1),
    highQcRounds,
    signatures: [],
  });
  assert.equal(safeToVote(5, 4, null), true);
  assert.equal(safeToVote(5, 3, null), false);
  assert.equal(safeToVote(5, 3, tc(4, [3, 2, 3])), true);
  assert.equal(safeToVote(5, 2, tc(4, [3, 2, 1])), false, 'the QC is below the TC highest QC');
  assert.equal(safeToVote(5, 3, tc(3, [3])), false, 'the TC is not of the previous round');
});
