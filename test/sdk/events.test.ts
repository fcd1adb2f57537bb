// Event cursors and messages (docs/api.md "Events"): parsing, ordering, and off-contract messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { backoffDelayMs } from '../../src/sdk/backoff.ts';
import { parseEventMessage } from '../../src/sdk/events.ts';
import { compareEventCursors, parseEventCursor, TallyError } from '../../src/sdk/index.ts';

test('cursors round-trip and order by height, then sequence', () => {
  const cursorArb = fc.record({ height: fc.nat(1e12), seq: fc.nat(1e6) });
  fc.assert(
    fc.property(cursorArb, cursorArb, (a, b) => {
      const pa = parseEventCursor(`${a.height}.${a.seq}`);
      assert.deepEqual(pa, { height: a.height, seq: a.seq });
      const sign = Math.sign(compareEventCursors(pa, parseEventCursor(`${b.height}.${b.seq}`)));
      const expected =
        a.height !== b.height ? Math.sign(a.height - b.height) : Math.sign(a.seq - b.seq);
      assert.equal(sign, expected);
    }),
  );
});

test('error: malformed cursors are refused', () => {
  for (const bad of ['', '1', '1.', '.1', '01.0', '1.01', '-1.0', '1.0.0', 'a.b']) {
    assert.throws(() => parseEventCursor(bad), /cursor: expected "<height>.<sequence>"/, bad);
  }
});

test('parses block and tx messages', () => {
  const block = parseEventMessage({
    cursor: '12.0',
    type: 'block',
    height: 12,
    hash: 'ab'.repeat(32),
    timeMs: 5,
    txCount: 1,
    stateRoot: 'cd'.repeat(32),
  });
  assert.equal(block.type, 'block');
  const tx = parseEventMessage({
    cursor: '12.1',
    type: 'tx',
    height: 12,
    index: 0,
    txId: 'ef'.repeat(32),
    code: 'ok',
    message: '',
    events: [{ module: 'bank', type: 'transfer_created', attributes: { amount: '5' } }],
  });
  assert.equal(tx.type === 'tx' && tx.events[0]?.attributes.amount, '5');
});

test('error: off-contract messages are bad_response naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [[], /event: expected an object/],
    [{ cursor: 'x', type: 'block' }, /event\.cursor/],
    [{ cursor: '1.0', type: 'vote', height: 1 }, /event\.type: expected one of block, tx/],
    [
      { cursor: '1.0', type: 'block', height: 1, hash: 'AB', timeMs: 0, txCount: 0, stateRoot: '' },
      /event\.hash/,
    ],
    [
      {
        cursor: '1.1',
        type: 'tx',
        height: 1,
        index: 0,
        txId: '00'.repeat(32),
        code: 'ok',
        message: '',
        events: [1],
      },
      /event\.events\[0\]/,
    ],
  ];
  for (const [value, pattern] of cases) {
    assert.throws(
      () => parseEventMessage(value),
      (error) =>
        error instanceof TallyError && error.code === 'bad_response' && pattern.test(error.message),
    );
  }
});

test('backoff doubles from the initial delay up to the maximum', () => {
  const options = { initialMs: 100, maxMs: 1000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 50].map((a) => backoffDelayMs(a, options)),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.throws(() => backoffDelayMs(-1, options), /attempt/);
});
