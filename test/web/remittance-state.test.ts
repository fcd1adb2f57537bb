// The console's remittance page state: status changes from the live stream carry the height of
// their block, so the regulator's view can wait for its own node to execute it before reading.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyChange, type Sent, statusChanges } from '../../console/src/pages/remittance-state.ts';

const id = '00c990646db6404f8672bf5e28c1f88b';
const uetr = '00c99064-6db6-404f-8672-bf5e28c1f88b';

function sending(): Sent {
  return {
    id,
    uetr,
    startedAtMs: 1000,
    status: 'sending',
    from: 'hk-wallet/alice',
    to: 'ph-wallet/maria',
  };
}

test('a status change names the block it was made in', () => {
  const changes = statusChanges({
    height: 42,
    txId: 'ab'.repeat(32),
    events: [
      { module: 'bank', type: 'transfer_created', attributes: { id: 'x' } },
      {
        module: 'remittance',
        type: 'remittance_status',
        attributes: { id: uetr, status: 'completed' },
      },
    ],
  });
  assert.deepEqual(changes, [{ id, status: 'completed', txId: 'ab'.repeat(32), height: 42 }]);
});

test('applying a change sets the status and the height, never moving the height back', () => {
  const [completed] = applyChange(
    [sending()],
    { id, status: 'pending', txId: 't', height: 42 },
    2000,
  );
  assert.equal(completed?.status, 'pending');
  assert.equal(completed?.height, 42);
  assert.equal(completed?.doneAtMs, undefined);
  const [later] = applyChange(
    [{ ...completed!, height: 50 }],
    { id, status: 'completed', txId: 't', height: 44 },
    3000,
  );
  assert.deepEqual([later?.status, later?.height, later?.doneAtMs], ['completed', 50, 3000]);
  const [other] = applyChange(
    [sending()],
    { id: 'ff'.repeat(16), status: 'completed', txId: 't', height: 9 },
    1,
  );
  assert.deepEqual(other, sending(), 'another remittance is left as it was');
});
