// Which block ends an epoch, decided from real executed state: a chain on LMDB runs the identity and
// governance modules; a proposal to add a fifth validator is approved at a known height; then the
// verdict is checked for blocks around it, as a node that has executed everything, and as one that
// has not executed the state a block certifies (where it must say "unknown" unless a change is ruled out).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import type { CborValue } from '../../src/codec/index.ts';
import type { BlockHeader } from '../../src/ledger/block.ts';
import { EpochStore } from '../../src/ledger/epoch-store.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { createValidatorSet } from '../../src/ledger/validator-set.ts';
import { approvalDelayBlocks } from '../../src/modules/governance/index.ts';
import { Epochs, type EpochVerdict } from '../../src/node/epochs.ts';
import { openStore } from '../../src/storage/index.ts';
import {
  consortiumModules,
  genesisTimeMs,
  governanceCall,
  keyOf,
  nodes,
} from '../support/governance-consortium.ts';

const chainId = 'tally-epochs-test';
const genesisSet = createValidatorSet({
  epoch: 1,
  validators: nodes
    .slice(0, 4)
    .map((n) => ({ suite: n.suite, publicKey: n.publicKey, orgId: n.orgId })),
});
const call = (org: number, method: string, args: CborValue): Transaction =>
  governanceCall(chainId, org, method, args);

describe('epochs: the block that hands over to an approved validator set', () => {
  let chain: LocalChain;
  let executed = 0;
  let epochs: Epochs;
  let approvedAt = 0;
  let header: BlockHeader;

  /** A block of epoch 1 certifying state `certified`, whose parent certified `before`. */
  const decide = (certified: number, before: number): EpochVerdict =>
    epochs.decide({ ...header, stateHeight: certified }, { ...header, stateHeight: before });

  const dir = mkdtempSync(join(tmpdir(), 'tally-epochs-'));
  const store = openStore({ path: join(dir, 'db') });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  before(async () => {
    chain = new LocalChain(
      {
        chainId,
        validator: keyOf(99),
        genesisTimeMs,
        modules: consortiumModules(),
      },
      { store },
    );
    await chain.commitBlock([]); // genesis, height 0
    const proposed = await chain.commitBlock([
      call(0, 'propose_validators', { validators: nodes.map((n) => n.nodeId), note: '' }),
    ]);
    assert.equal(proposed.receipts[0]!.code, 'ok');
    for (let i = 1; i < approvalDelayBlocks; i++) await chain.commitBlock([]);
    for (const org of [0, 1, 2]) {
      const approved = await chain.commitBlock([
        call(org, 'approve_validators', { proposalId: 1 }),
      ]);
      assert.equal(approved.receipts[0]!.code, 'ok');
      approvedAt = approved.height;
    }
    for (let i = 0; i < 8; i++) await chain.commitBlock([]);
    executed = chain.height!;
    epochs = new Epochs({
      store: new EpochStore(store, genesisSet),
      state: chain.executor.state,
      executedHeight: () => executed,
      blockTimeAt: (height) => chain.executor.blocks.blockAt(height)?.header.timeMs,
    });
    header = chain.executor.blocks.blockAt(1)!.header;
  });

  it('ends the epoch at exactly the block whose certified state first covers the approval', () => {
    executed = chain.height!;
    const verdict = decide(approvedAt, approvedAt - 1);
    assert.equal(verdict.kind, 'next');
    assert.ok(verdict.kind === 'next');
    assert.equal(verdict.set.epoch, 2);
    assert.deepEqual(
      verdict.set.validators.map((v) => v.orgId),
      nodes.map((n) => n.orgId),
    );
    // A block that skips several heights of state still covers it once.
    assert.equal(decide(approvedAt + 3, approvedAt - 2).kind, 'next');
    // Its children, a block below it, and one certifying nothing new do not.
    assert.equal(decide(approvedAt + 1, approvedAt).kind, 'same');
    assert.equal(decide(approvedAt - 1, approvedAt - 2).kind, 'same');
    assert.equal(decide(approvedAt - 1, approvedAt - 1).kind, 'same');
    // The same set object each time: consensus compares sets by hash, the pipeline by content.
    const again = decide(approvedAt, approvedAt - 1);
    assert.ok(again.kind === 'next' && verdict.set === again.set);
  });

  it('reads the state at a height once, however often blocks certifying it are decided', () => {
    executed = chain.height!;
    const tree = chain.executor.state;
    const reads: number[] = [];
    // The tree as Epochs sees it, counting reads (a proposal's check and its commit both decide).
    const counted = new Proxy(tree, {
      get(target, name) {
        if (name === 'get')
          return (key: Uint8Array, height?: number) => {
            reads.push(height ?? -1);
            return target.get(key, height);
          };
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const fresh = new Epochs({
      store: new EpochStore(store, genesisSet),
      state: counted,
      executedHeight: () => executed,
      blockTimeAt: (height) => chain.executor.blocks.blockAt(height)?.header.timeMs,
    });
    const at = (certified: number, before: number) =>
      fresh.decide({ ...header, stateHeight: certified }, { ...header, stateHeight: before });
    for (let i = 0; i < 3; i++) {
      assert.equal(at(approvedAt, approvedAt - 1).kind, 'next');
      assert.equal(at(approvedAt + 1, approvedAt).kind, 'same');
    }
    assert.deepEqual(reads, [approvedAt, approvedAt + 1]);
  });

  it('says unknown above the executed height while a proposal is open there', () => {
    executed = approvedAt - 1; // the proposal is open, one approval short
    const verdict = decide(approvedAt, approvedAt - 2);
    assert.equal(verdict.kind, 'unknown');
    // Certifying nothing new is decided without state.
    assert.equal(decide(approvedAt + 2, approvedAt + 2).kind, 'same');
  });

  it('decides up to approvalDelayBlocks above the executed height when nothing is open', () => {
    executed = approvedAt; // approved: no proposal open, and any new one needs the delay
    assert.equal(decide(approvedAt + approvalDelayBlocks, approvedAt - 1).kind, 'next');
    assert.equal(decide(approvedAt + approvalDelayBlocks, approvedAt).kind, 'same');
    assert.equal(decide(approvedAt + approvalDelayBlocks + 1, approvedAt).kind, 'unknown');
    executed = 0; // before the proposal
    assert.equal(decide(approvalDelayBlocks, 0).kind, 'same');
    assert.equal(decide(approvalDelayBlocks + 1, 0).kind, 'unknown');
  });

  it('decides below the oldest kept state from the oldest record, or says unknown', async () => {
    executed = chain.height!;
    // As after a state sync or a prune: nothing older than approvedAt + 2 is readable.
    await chain.executor.state.prune(approvedAt + 2);
    assert.equal(chain.executor.state.oldestHeight, approvedAt + 2);
    // The record kept was approved at approvedAt: for state at or above it, it is the record there.
    assert.equal(decide(approvedAt, approvedAt - 1).kind, 'next');
    assert.equal(decide(approvedAt + 1, approvedAt).kind, 'same');
    // Below it, an older approval could have been in force: this node cannot tell.
    assert.equal(decide(approvedAt - 1, approvedAt - 2).kind, 'unknown');
  });
});
