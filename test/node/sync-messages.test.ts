// Sync messages: every kind round-trips through canonical bytes (fast-check for the requests, a real
// chain's blocks and QCs for the responses); oversize, garbled, unknown or out-of-range input is
// refused with a CodecError naming the field.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CodecError, encode } from '../../src/codec/index.ts';
import type { EpochRecord } from '../../src/ledger/epoch-store.ts';
import { blockBytesMax } from '../../src/ledger/limits.ts';
import { exportSnapshotChunks } from '../../src/ledger/state/snapshot.ts';
import { createValidatorSet } from '../../src/ledger/validator-set.ts';
import {
  decodeSyncMessage,
  encodeSyncMessage,
  type SyncMessage,
  snapshotOfferHeadersMax,
  syncBlocksMax,
  syncEpochsMax,
  syncMessageBytesMax,
} from '../../src/node/sync/messages.ts';
import { collectBlocks, collectTxIdBlocks, makeSnapshotOffer } from '../../src/node/sync/serve.ts';
import { buildChain } from './sync-helpers.ts';

let built: Awaited<ReturnType<typeof buildChain>>;
before(async () => {
  built = await buildChain(6);
});
after(async () => {
  await built.store.close();
  rmSync(built.path, { recursive: true, force: true });
});

function roundTrip(m: SyncMessage): void {
  const bytes = encodeSyncMessage(m);
  const back = decodeSyncMessage(bytes);
  assert.deepEqual(encodeSyncMessage(back), bytes);
  assert.equal(back.type, m.type);
}

function refusedAt(bytes: Uint8Array, field: string): void {
  assert.throws(
    () => decodeSyncMessage(bytes),
    (error: unknown) => error instanceof CodecError && error.field.startsWith(field),
    field,
  );
}

const range = (span: number) =>
  fc
    .tuple(fc.nat({ max: 1_000_000 }), fc.nat({ max: span - 1 }))
    .map(([from, n]) => ({ fromHeight: from, toHeight: from + n }));

describe('sync messages', () => {
  it('requests round-trip', () => {
    fc.assert(
      fc.property(
        range(syncBlocksMax),
        fc.nat(),
        fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: null }),
        (r, height, after) => {
          roundTrip({ type: 'blocks-request', ...r });
          roundTrip({ type: 'tx-ids-request', ...r });
          roundTrip({
            type: 'snapshot-chunk-request',
            height,
            index: after === null ? 0 : 1 + (height % 9),
            afterKeyHash: after,
          });
          const back = decodeSyncMessage(encodeSyncMessage({ type: 'blocks-request', ...r }));
          assert.deepEqual(back, { type: 'blocks-request', ...r });
        },
      ),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.nat(), (fromEpoch) => {
        const back = decodeSyncMessage(encodeSyncMessage({ type: 'epochs-request', fromEpoch }));
        assert.deepEqual(back, { type: 'epochs-request', fromEpoch });
      }),
    );
    roundTrip({ type: 'epochs', records: [] });
    roundTrip({ type: 'snapshot-offer-request' });
    roundTrip({ type: 'snapshot-offer', offer: null });
    roundTrip({ type: 'snapshot-chunk', chunk: null });
  });

  it('responses with a real chain round-trip', () => {
    const blocks = built.chain.executor.blocks;
    const fetched = collectBlocks(blocks, 0, 5);
    assert.equal(fetched.length, 6);
    roundTrip({ type: 'blocks-response', blocks: fetched });
    const back = decodeSyncMessage(encodeSyncMessage({ type: 'blocks-response', blocks: fetched }));
    assert.ok(back.type === 'blocks-response');
    assert.deepEqual(
      back.blocks.map((b) => b.qc),
      fetched.map((b) => b.qc),
    );
    roundTrip({ type: 'snapshot-offer', offer: makeSnapshotOffer(blocks, 3)! });
    roundTrip({ type: 'tx-ids', blocks: collectTxIdBlocks(blocks, 0, 5) });
    for (const chunk of exportSnapshotChunks(built.store, 5, { chunkLeavesMax: 2 })) {
      roundTrip({ type: 'snapshot-chunk', chunk });
    }
  });

  it('epoch records round-trip, with and without the proof of their hand-over', () => {
    const { suite, publicKey, orgId } = built.chain.validatorSet.validators[0]!;
    const records = [2, 3].map(
      (epoch): EpochRecord => ({
        set: createValidatorSet({ epoch, validators: [{ suite, publicKey, orgId }] }),
        startHeight: epoch * 10,
        proof:
          epoch === 2
            ? undefined
            : {
                header: Uint8Array.of(1, 2),
                qc: Uint8Array.of(3),
                parentHeader: Uint8Array.of(4),
                value: Uint8Array.of(5),
                stateProof: Uint8Array.of(6, 7),
              },
      }),
    );
    roundTrip({ type: 'epochs', records });
    const back = decodeSyncMessage(encodeSyncMessage({ type: 'epochs', records }));
    assert.ok(back.type === 'epochs');
    assert.deepEqual(
      back.records.map((r) => [r.set, r.startHeight, r.proof]),
      records.map((r) => [r.set, r.startHeight, r.proof]),
    );
    refusedAt(
      encode([10, new Array(syncEpochsMax + 1).fill([1, new Uint8Array(0)])]),
      'epochs.records',
    );
    refusedAt(encode([10, [[1]]]), 'epochs.records[0]');
    refusedAt(encode([10, [[1, new Uint8Array(3)]]]), 'epochs.records[0].set');
    refusedAt(encode([10, [[1, Uint8Array.of(0), [Uint8Array.of(1)]]]]), 'epochs.records[0]');
    refusedAt(encode([9, -1]), 'epochsRequest.fromEpoch');
    refusedAt(encode([9]), 'epochsRequest');
  });

  it('error: garbled bytes are refused with a CodecError, never another error', () => {
    const bytes = encodeSyncMessage({
      type: 'blocks-response',
      blocks: collectBlocks(built.chain.executor.blocks, 1, 2),
    });
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const garbled = Uint8Array.from(bytes);
        garbled[at % garbled.length]! ^= flip;
        try {
          decodeSyncMessage(garbled);
        } catch (error) {
          assert.ok(error instanceof CodecError, String(error));
        }
      }),
      { numRuns: 300 },
    );
    refusedAt(bytes.subarray(0, bytes.length - 3), 'syncMessage');
  });

  it('error: oversize, unknown, misshapen and out-of-range messages, by field', () => {
    refusedAt(new Uint8Array(syncMessageBytesMax + 1), 'syncMessage');
    refusedAt(encode([99]), 'syncMessage.tag');
    refusedAt(encode([1, 5]), 'blocksRequest');
    refusedAt(encode([1, 5, 4]), 'blocksRequest.toHeight');
    refusedAt(encode([1, 0, syncBlocksMax]), 'blocksRequest.toHeight');
    refusedAt(encode([7, -1, 3]), 'txIdsRequest.fromHeight');
    refusedAt(encode([3, 1]), 'snapshotOfferRequest');
    refusedAt(encode([5, 1, 0, new Uint8Array(32)]), 'snapshotChunkRequest.afterKeyHash');
    refusedAt(encode([5, 1, 2, null]), 'snapshotChunkRequest.afterKeyHash');
    refusedAt(encode([5, 1, 2, new Uint8Array(31)]), 'snapshotChunkRequest.afterKeyHash');
    refusedAt(encode([2, new Array(syncBlocksMax + 1).fill(null)]), 'blocksResponse.blocks');
    refusedAt(encode([2, [[null, null]]]), 'blocksResponse.blocks[0].block');
    refusedAt(encode([6, [1, 0, [], new Uint8Array(0)]]), 'snapshotChunk.chunk.leaves');
    const offer = makeSnapshotOffer(built.chain.executor.blocks, 3)!;
    const tooMany = encodeSyncMessage({
      type: 'snapshot-offer',
      offer: { ...offer, headers: new Array(snapshotOfferHeadersMax + 1).fill(offer.headers[0]) },
    });
    refusedAt(tooMany, 'snapshotOffer.offer.headers');
    refusedAt(
      encodeSyncMessage({ type: 'snapshot-offer', offer: { ...offer, headers: [] } }),
      'snapshotOffer.offer.headers',
    );
  });

  it('one largest block fits a message', () => {
    assert.ok(blockBytesMax + 64 * 1024 <= syncMessageBytesMax);
  });
});
