// verifyEpochChain on a real hand-over: a chain on LMDB approves a five-validator set through the
// governance module; a second node replays its blocks through the commit pipeline, which decides the
// hand-over and stores its proof with the epoch (the node's own code); the record, reopened from
// disk and written as the API writes it, verifies from the genesis set. Then every part is tampered
// with and refused with its own code and part.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeQc } from '../../src/api/routes/blocks.ts';
import { epochToJson } from '../../src/api/routes/epochs.ts';
import { LocalChain } from '../../src/cli/demo/local-chain.ts';
import { type CborValue, decode, encode } from '../../src/codec/index.ts';
import { BlockExecutor } from '../../src/execution/block-executor.ts';
import { moduleKey } from '../../src/execution/index.ts';
import { createRegistry } from '../../src/execution/registry.ts';
import { encodeHeader, hashHeader } from '../../src/ledger/block.ts';
import { type EpochRecord, EpochStore } from '../../src/ledger/epoch-store.ts';
import type { Transaction } from '../../src/ledger/tx.ts';
import { createValidatorSet, encodeValidatorSet } from '../../src/ledger/validator-set.ts';
import { approvalDelayBlocks, governanceKeys } from '../../src/modules/governance/index.ts';
import { CommitPipeline } from '../../src/node/commits.ts';
import { Epochs } from '../../src/node/epochs.ts';
import {
  approvedChangeStateKey,
  type EpochEntry,
  type GetBlockReturnType,
  TallyError,
  type VerifiedEpoch,
  validatorSetOfEpoch,
  verifyBlockInEpochs,
  verifyEpochChain,
} from '../../src/sdk/index.ts';
import { openStore, type Store } from '../../src/storage/index.ts';
import { toHex } from '../../src/util/bytes.ts';
import {
  consortiumModules,
  genesisTimeMs,
  governanceCall,
  keyOf,
  nodes,
} from '../support/governance-consortium.ts';

const chainId = 'tally-sdk-epochs-test';
const call = (org: number, method: string, args: CborValue): Transaction =>
  governanceCall(chainId, org, method, args);

/** A committed block of the chain as getBlock returns it. */
function blockResponse(chain: LocalChain, height: number): GetBlockReturnType {
  const { header } = chain.executor.blocks.blockAt(height)!;
  const qc = chain.executor.blocks.certificateAt(height)!;
  return {
    height,
    hash: toHex(hashHeader(header)),
    header,
    headerHex: toHex(encodeHeader(header)),
    txIds: [],
    qcHex: toHex(encodeQc(qc)),
    qc,
  };
}

/** Expects `run` to throw a TallyError with `code` (and, for epoch_proof_invalid, `part`). */
function refuses(run: () => unknown, code: string, part?: string, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TallyError, String(error));
    assert.equal(error.code, code, error.message);
    if (part !== undefined) assert.equal(error.details.part, part, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

describe('verifyEpochChain: following validator-set hand-overs from the genesis set', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  let chain: LocalChain;
  let approvedAt = 0;
  /** What GET /v1/epochs answers on the replaying node: genesis, then epoch 2 with its proof. */
  let entries: EpochEntry[];
  let handOver: EpochEntry;
  let replayEpochs: Epochs;

  const open = (name: string): Store => {
    const dir = mkdtempSync(join(tmpdir(), `tally-sdk-epochs-${name}-`));
    dirs.push(dir);
    const store = openStore({ path: join(dir, 'db') });
    stores.push(store);
    return store;
  };

  before(async () => {
    chain = new LocalChain(
      { chainId, validator: keyOf(99), genesisTimeMs, modules: consortiumModules() },
      { store: open('chain') },
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
    for (let i = 0; i < 4; i++) await chain.commitBlock([]);

    // A second node replays the certified blocks through its commit pipeline.
    const replayDir = mkdtempSync(join(tmpdir(), 'tally-sdk-epochs-replay-'));
    dirs.push(replayDir);
    let replayStore = openStore({ path: join(replayDir, 'db') });
    const executor = new BlockExecutor(
      { chainId },
      { store: replayStore, registry: createRegistry(consortiumModules()) },
    );
    replayEpochs = new Epochs({
      store: new EpochStore(replayStore, chain.validatorSet),
      state: executor.state,
      executedHeight: () => executor.height ?? -1,
      blockTimeAt: (height) => executor.blocks.blockAt(height)?.header.timeMs,
    });
    const failures: unknown[] = [];
    const commits = new CommitPipeline({
      executor,
      decoded: () => undefined,
      onFatal: (error) => failures.push(error),
      epochs: replayEpochs,
    });
    // Genesis is committed directly, as a node does on first start; the rest as consensus commits.
    await executor.commit(chain.executor.blocks.blockAt(0)!);
    for (let h = 1; h <= chain.height!; h++)
      void commits.enqueue(
        chain.executor.blocks.blockAt(h)!,
        chain.executor.blocks.certificateAt(h)!,
      );
    await commits.drained();
    assert.deepEqual(failures, []);
    assert.equal(replayEpochs.current().set.epoch, 2);
    await replayStore.close();
    // The proof is read back from disk, as after a restart.
    replayStore = openStore({ path: join(replayDir, 'db') });
    stores.push(replayStore);
    const records: readonly EpochRecord[] = new EpochStore(replayStore, chain.validatorSet).all();
    entries = JSON.parse(JSON.stringify(records.map(epochToJson)));
    handOver = entries[1]!;
  });

  after(async () => {
    for (const store of stores) await store.close().catch(() => {});
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const verify = (epochs: readonly EpochEntry[]) =>
    verifyEpochChain({ chainId, genesisSet: chain.validatorSet, epochs });
  /** The hand-over entry with its proof changed. */
  const withProof = (change: Partial<NonNullable<EpochEntry['proof']>>): EpochEntry[] => [
    entries[0]!,
    { ...handOver, proof: { ...handOver.proof!, ...change } },
  ];

  it('builds the state key as the runtime does', () => {
    assert.deepEqual(
      approvedChangeStateKey(),
      moduleKey('governance', governanceKeys.approvedChange()),
    );
  });

  it('stores the proof with the epoch and verifies it from the genesis set', () => {
    assert.equal(entries.length, 2);
    assert.equal(entries[0]!.proof, undefined);
    // The block whose certified state first covers the approval: LocalChain certifies the parent's.
    assert.equal(handOver.startHeight, approvedAt + 2);
    const verified: readonly VerifiedEpoch[] = verify(entries);
    assert.deepEqual(
      verified.map((e) => [e.epoch, e.startHeight]),
      [
        [1, 1],
        [2, approvedAt + 2],
      ],
    );
    const expected = createValidatorSet({
      epoch: 2,
      validators: nodes.map((n) => ({ suite: n.suite, publicKey: n.publicKey, orgId: n.orgId })),
    });
    assert.deepEqual(
      encodeValidatorSet(validatorSetOfEpoch(verified, 2)),
      encodeValidatorSet(expected),
    );
    assert.equal(replayEpochs.setOfEpoch(2)?.validators.length, 5);
    // The genesis entry may be left out.
    assert.equal(verify([handOver]).length, 2);
  });

  it('checks a block against the set of the epoch its header names, in that epoch', () => {
    const verified = verify(entries);
    const last = handOver.startHeight - 1;
    assert.equal(
      verifyBlockInEpochs({ block: blockResponse(chain, last), epochs: verified, chainId }).height,
      last,
    );
    // This one-validator chain stays in epoch 1: a block past the hand-over naming epoch 1 is refused.
    refuses(
      () =>
        verifyBlockInEpochs({ block: blockResponse(chain, last + 1), epochs: verified, chainId }),
      'epoch_height_mismatch',
      undefined,
      new RegExp(`block ${last + 1} names epoch 1, which runs from 1 to ${last}`),
    );
    refuses(() => validatorSetOfEpoch(verified, 3), 'epoch_unknown', undefined, /epoch 3 is not/);
  });

  it('error: a QC signature that does not verify', () => {
    const qc = decode(Buffer.from(handOver.proof!.qcHex, 'hex')) as CborValue[];
    const signatures = (qc.at(-1) as Uint8Array[]).map((s) => s.slice());
    signatures[0]![0]! ^= 1;
    const tampered = toHex(encode([...qc.slice(0, -1), signatures]));
    refuses(
      () => verify(withProof({ qcHex: tampered })),
      'epoch_proof_invalid',
      'certificate',
      /^epoch 2: /,
    );
  });

  it('error: a header the QC does not certify, or signed by another set', () => {
    const other = chain.executor.blocks.blockAt(handOver.startHeight - 2)!.header;
    refuses(
      () => verify(withProof({ headerHex: toHex(encodeHeader(other)) })),
      'epoch_proof_invalid',
      'certificate',
    );
    const strangers = createValidatorSet({
      epoch: 1,
      validators: [{ suite: 'ed25519', publicKey: keyOf(98).publicKey, orgId: 'local' }],
    });
    refuses(
      () => verifyEpochChain({ chainId, genesisSet: strangers, epochs: [handOver] }),
      'epoch_proof_invalid',
      'certificate',
    );
    refuses(
      () => verifyEpochChain({ chainId, genesisSet: strangers, epochs: entries }),
      'epoch_genesis_mismatch',
    );
  });

  it('error: a parent header that is not the block’s parent', () => {
    const grandparent = chain.executor.blocks.blockAt(handOver.startHeight - 3)!.header;
    refuses(
      () => verify(withProof({ parentHeaderHex: toHex(encodeHeader(grandparent)) })),
      'epoch_proof_invalid',
      'parent',
      /the parent header is not block \d+'s parent/,
    );
    refuses(() => verify(withProof({ parentHeaderHex: 'ff' })), 'epoch_proof_invalid', 'parent');
  });

  it('error: a state proof or value that does not lead to the certified root', () => {
    const value = Buffer.from(handOver.proof!.valueHex, 'hex');
    value[value.length - 1]! ^= 1;
    refuses(
      () => verify(withProof({ valueHex: toHex(value) })),
      'epoch_proof_invalid',
      'state_proof',
      /not proven under block \d+'s state root/,
    );
    const proof = Buffer.from(handOver.proof!.stateProofHex, 'hex');
    proof[proof.length - 1]! ^= 1;
    refuses(
      () => verify(withProof({ stateProofHex: toHex(proof) })),
      'epoch_proof_invalid',
      'state_proof',
    );
  });

  it('error: a block whose certified state does not first cover the approval', () => {
    // The next block proves the same record, but its parent's state already held it.
    const next = handOver.startHeight;
    const header = chain.executor.blocks.blockAt(next)!.header;
    const parent = chain.executor.blocks.blockAt(next - 1)!.header;
    const chainEpochs = new Epochs({
      store: new EpochStore(stores[0]!, chain.validatorSet),
      state: chain.executor.state,
      executedHeight: () => chain.height!,
      blockTimeAt: (height) => chain.executor.blocks.blockAt(height)?.header.timeMs,
    });
    const qc = chain.executor.blocks.certificateAt(next)!;
    const late = chainEpochs.proveHandOver(header, qc, parent)!;
    refuses(
      () =>
        verify(
          withProof({
            headerHex: toHex(late.header),
            qcHex: toHex(late.qc),
            parentHeaderHex: toHex(late.parentHeader),
            valueHex: toHex(late.value),
            stateProofHex: toHex(late.stateProof),
          }),
        ),
      'epoch_proof_invalid',
      'approval',
      new RegExp(`approved at ${approvedAt} is not after state ${approvedAt}`),
    );
  });

  it('error: a listed set, start height or epoch number that does not follow', () => {
    const set = createValidatorSet({
      epoch: 2,
      validators: [...nodes]
        .reverse()
        .map((n) => ({ suite: n.suite, publicKey: n.publicKey, orgId: n.orgId })),
    });
    const reordered = { ...handOver, setHex: toHex(encodeValidatorSet(set)) };
    refuses(
      () => verify([entries[0]!, reordered]),
      'epoch_proof_invalid',
      'set',
      /not the approved one/,
    );
    const moved = { ...handOver, startHeight: handOver.startHeight + 1 };
    refuses(() => verify([entries[0]!, moved]), 'epoch_proof_invalid', 'start_height');
    refuses(
      () => verify([entries[0]!, { ...handOver, epoch: 3 }]),
      'epoch_gap',
      undefined,
      /epoch 3 does not follow epoch 1/,
    );
    const { proof: _, ...bare } = handOver;
    refuses(() => verify([entries[0]!, bare]), 'epoch_proof_missing', undefined, /^epoch 2: /);
  });
});
