// Checks on what peers send: a real chain's blocks and QCs pass checkFetchedBlocks; a broken link, a
// forged QC, a QC for another block, a body that does not match and a gap are each refused by code.
// Snapshot offers and the replay window's transaction ids are checked the same way.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { getSuite } from '../../src/crypto/suites.ts';
import type { Block } from '../../src/ledger/block.ts';
import type { QuorumCertificate } from '../../src/ledger/certificate.ts';
import { txExpiryWindowMs } from '../../src/ledger/limits.ts';
import { createValidatorSet } from '../../src/ledger/validator-set.ts';
import {
  checkFetchedBlocks,
  checkSnapshotOffer,
  checkTxIdBlocks,
  replayWindowCovered,
} from '../../src/node/sync/check.ts';
import { collectBlocks, collectTxIdBlocks, makeSnapshotOffer } from '../../src/node/sync/serve.ts';
import { buildChain } from './sync-helpers.ts';

let built: Awaited<ReturnType<typeof buildChain>>;
let blocks: Block[];
let qcs: QuorumCertificate[];

before(async () => {
  built = await buildChain(8);
  const fetched = collectBlocks(built.chain.executor.blocks, 1, 7);
  blocks = fetched.map((f) => f.block);
  qcs = fetched.map((f) => f.qc);
});

after(async () => {
  await built.store.close();
  rmSync(built.path, { recursive: true, force: true });
});

const extra = {
  suite: 'ed25519' as const,
  publicKey: getSuite('ed25519').keyPairFromSecret(new Uint8Array(32).fill(77)).publicKey,
  orgId: 'other',
};

function genesis() {
  return built.chain.executor.blocks.blockAt(0)!.header;
}

function codeOf(result: { ok: boolean; code?: string; index?: number }) {
  return result.ok ? 'ok' : `${result.code}@${result.index}`;
}

describe('checkFetchedBlocks', () => {
  it('accepts a real chain with its QCs', () => {
    assert.equal(blocks.length, 7);
    assert.deepEqual(checkFetchedBlocks(genesis(), blocks, qcs, built.trust), { ok: true });
    assert.deepEqual(checkFetchedBlocks(genesis(), [], [], built.trust), { ok: true });
  });

  it('error: a broken link', () => {
    const forged = blocks.slice();
    forged[2] = { ...blocks[2]!, header: { ...blocks[2]!.header, parentHash: new Uint8Array(32) } };
    assert.equal(codeOf(checkFetchedBlocks(genesis(), forged, qcs, built.trust)), 'broken_link@2');
  });

  it('error: a forged QC', () => {
    const forged = qcs.slice();
    const signature = qcs[3]!.signatures[0]!.slice();
    signature[5]! ^= 1;
    forged[3] = { ...qcs[3]!, signatures: [signature] };
    assert.equal(
      codeOf(checkFetchedBlocks(genesis(), blocks, forged, built.trust)),
      'qc_invalid@3',
    );
    forged[3] = { ...qcs[3]!, signers: new Uint8Array(1), signatures: [] };
    assert.equal(
      codeOf(checkFetchedBlocks(genesis(), blocks, forged, built.trust)),
      'qc_invalid@3',
    );
  });

  it('error: a QC for another block', () => {
    const forged = qcs.slice();
    forged[1] = qcs[2]!;
    assert.equal(
      codeOf(checkFetchedBlocks(genesis(), blocks, forged, built.trust)),
      'qc_for_other_block@1',
    );
  });

  it('error: a body that does not match its header, a gap, a count mismatch, another chain', () => {
    const withTx = blocks.findIndex((b) => b.txs.length > 0);
    const body = blocks.slice();
    body[withTx] = { ...blocks[withTx]!, txs: blocks[withTx]!.txs.slice(1) };
    assert.equal(
      codeOf(checkFetchedBlocks(genesis(), body, qcs, built.trust)),
      `body_mismatch@${withTx}`,
    );
    const gap = [blocks[0]!, ...blocks.slice(2)];
    const gapQcs = [qcs[0]!, ...qcs.slice(2)];
    assert.equal(
      codeOf(checkFetchedBlocks(genesis(), gap, gapQcs, built.trust)),
      'not_consecutive@1',
    );
    assert.equal(
      codeOf(checkFetchedBlocks(genesis(), blocks, qcs.slice(1), built.trust)),
      'count_mismatch@0',
    );
    const other = { ...built.trust, chainId: 'another-chain' };
    assert.equal(codeOf(checkFetchedBlocks(genesis(), blocks, qcs, other)), 'wrong_chain@0');
  });
});

describe('snapshot offers and replay ids', () => {
  it('an offer proves the state root of its height', () => {
    const offer = makeSnapshotOffer(built.chain.executor.blocks, 4)!;
    assert.equal(offer.headers.length, 1);
    const checked = checkSnapshotOffer(offer, built.trust);
    assert.ok(checked.ok);
    assert.deepEqual(checked.value.stateRoot, built.chain.executor.state.root(4));
    assert.equal(checked.value.block.header.height, 4);
    assert.deepEqual(checked.value.qc, qcs[3]);
    assert.equal(
      makeSnapshotOffer(built.chain.executor.blocks, 7),
      undefined,
      'nothing certifies it yet',
    );
  });

  it('error: an offer whose QC, link or height does not hold', () => {
    const offer = makeSnapshotOffer(built.chain.executor.blocks, 4)!;
    assert.equal(
      codeOf(checkSnapshotOffer({ ...offer, qc: qcs[0]! }, built.trust)),
      'qc_for_other_block@0',
    );
    assert.equal(
      codeOf(checkSnapshotOffer({ ...offer, height: 3 }, built.trust)),
      'state_height_mismatch@0',
    );
    const header = { ...offer.headers[0]!, stateRoot: new Uint8Array(32) };
    assert.equal(
      codeOf(checkSnapshotOffer({ ...offer, headers: [header] }, built.trust)),
      'qc_for_other_block@0',
    );
    const other = makeSnapshotOffer(built.chain.executor.blocks, 2)!;
    assert.equal(
      codeOf(checkSnapshotOffer({ ...offer, block: other.block }, built.trust)),
      'state_height_mismatch@0',
    );
    assert.equal(
      codeOf(checkSnapshotOffer({ ...offer, height: 2, block: other.block }, built.trust)),
      'not_consecutive@0',
    );
    const moved = {
      ...offer.block,
      header: { ...offer.block.header, timeMs: offer.block.header.timeMs + 1 },
    };
    assert.equal(
      codeOf(checkSnapshotOffer({ ...offer, block: moved }, built.trust)),
      'broken_link@0',
    );
  });

  it('error: an offer of an epoch whose set is not known, or that names another set', () => {
    const offer = makeSnapshotOffer(built.chain.executor.blocks, 4)!;
    const known = built.chain.validatorSet;
    assert.equal(
      codeOf(checkSnapshotOffer(offer, built.trust, () => undefined)),
      'epoch_unknown@0',
    );
    // The set of another epoch: the headers name the set they were certified by, not this one.
    const other = createValidatorSet({
      epoch: known.epoch,
      validators: [...known.validators, extra],
    });
    assert.equal(
      codeOf(checkSnapshotOffer(offer, built.trust, () => other)),
      'validator_set_mismatch@0',
    );
    assert.ok(
      checkSnapshotOffer(offer, built.trust, (epoch) => (epoch === known.epoch ? known : undefined))
        .ok,
    );
  });

  it('transaction ids of the blocks before a base match their headers, and cover the window', () => {
    const base = built.chain.executor.blocks.blockAt(5)!.header;
    const idBlocks = collectTxIdBlocks(built.chain.executor.blocks, 0, 4);
    const checked = checkTxIdBlocks(base, idBlocks);
    assert.ok(checked.ok);
    assert.deepEqual(
      checked.value.map((b) => b.txIds),
      built.txs.slice(0, 5).map((list) => list.map((t) => t.id)),
    );
    assert.equal(replayWindowCovered(checked.value, 5, base.timeMs), true, 'reaches genesis');
    assert.equal(replayWindowCovered(checked.value.slice(1), 5, base.timeMs), false);
    assert.equal(
      replayWindowCovered(checked.value.slice(1), 5, base.timeMs + 2 * txExpiryWindowMs),
      true,
    );
    const forged = idBlocks.slice();
    const two = forged.findIndex((b) => b.txIds.length === 2);
    forged[two] = { ...forged[two]!, txIds: forged[two]!.txIds.slice().reverse() };
    assert.equal(codeOf(checkTxIdBlocks(base, forged)), `body_mismatch@${two}`);
    forged[two] = { ...forged[two]!, txIds: forged[two]!.txIds.slice(1) };
    assert.equal(codeOf(checkTxIdBlocks(base, forged)), `body_mismatch@${two}`);
    assert.equal(codeOf(checkTxIdBlocks(base, idBlocks.slice(0, 4))), 'not_consecutive@3');
  });
});
