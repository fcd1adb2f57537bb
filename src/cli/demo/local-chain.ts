// A single-validator chain in one process: builds each block on the last, certifies it with the
// validator's real signature (n = 1, quorum 1), executes and commits it through the BlockExecutor.
// It drives the ledger demo and the ledger's end-to-end tests; the multi-validator path is consensus.
import { merkleRoot } from '../../crypto/merkle.ts';
import type { KeyPair } from '../../crypto/suite.ts';
import { getSuite } from '../../crypto/suites.ts';
import { BlockExecutor, type CommittedBlock } from '../../execution/block-executor.ts';
import { createRegistry } from '../../execution/registry.ts';
import type { Module } from '../../execution/types.ts';
import { type Block, type BlockHeader, hashHeader } from '../../ledger/block.ts';
import { type QuorumCertificate, signerBitmap, voteMessage } from '../../ledger/certificate.ts';
import { emptyRoot } from '../../ledger/state/index.ts';
import type { Transaction } from '../../ledger/tx.ts';
import {
  createValidatorSet,
  hashValidatorSet,
  type ValidatorSet,
} from '../../ledger/validator-set.ts';
import type { Store } from '../../storage/index.ts';

const blockIntervalMs = 1000;

export type LocalChainOptions = {
  chainId: string;
  validator: KeyPair;
  modules: readonly Module[];
  genesisTimeMs: number;
  /** Prepare state-tree versions on a worker thread (BlockExecutorOptions.treeWorker). */
  treeWorker?: boolean;
};

export class LocalChain {
  readonly executor: BlockExecutor;
  readonly validatorSet: ValidatorSet;
  readonly #options: LocalChainOptions;
  #last: { header: BlockHeader; hash: Uint8Array; qc: QuorumCertificate } | undefined;

  constructor(options: LocalChainOptions, deps: { store: Store }) {
    this.#options = options;
    this.executor = new BlockExecutor(
      { chainId: options.chainId, treeWorker: options.treeWorker ?? false },
      { store: deps.store, registry: createRegistry(options.modules) },
    );
    this.validatorSet = createValidatorSet({
      epoch: 1,
      validators: [
        { suite: options.validator.suite, publicKey: options.validator.publicKey, orgId: 'local' },
      ],
    });
    const height = this.executor.height;
    if (height !== undefined) {
      const block = this.executor.blocks.blockAt(height)!;
      const hash = hashHeader(block.header);
      this.#last = {
        header: block.header,
        hash,
        qc: this.executor.blocks.certificateAt(height) ?? this.#certify(block.header, hash),
      };
    }
  }

  get height(): number | undefined {
    return this.#last?.header.height;
  }

  /** Block time of the next block when none is given: one second after the last. */
  nextTimeMs(): number {
    return (this.#last?.header.timeMs ?? this.#options.genesisTimeMs) + blockIntervalMs;
  }

  /**
   * Builds the next block from `txs` at `timeMs`, executes it and commits it; resolves once it is
   * durable. The next block may be committed before that (BlockExecutor.commit): it executes while
   * this one is written.
   */
  commitBlock(txs: readonly Transaction[], timeMs = this.nextTimeMs()): Promise<CommittedBlock> {
    const header = this.#nextHeader(txs, timeMs);
    const block: Block = { header, txs: txs.map((t) => t.bytes) };
    const hash = hashHeader(header);
    const qc = this.#certify(header, hash);
    const previous = this.#last;
    const last = { header, hash, qc };
    this.#last = last;
    return this.executor.commit(block, qc).catch((error: unknown) => {
      // A block that did not commit is not one to build on.
      if (this.#last === last) this.#last = previous;
      throw error;
    });
  }

  #nextHeader(txs: readonly Transaction[], timeMs: number): BlockHeader {
    const last = this.#last;
    const executed = this.executor.blocks.executed();
    const height = last === undefined ? 0 : last.header.height + 1;
    return {
      chainId: this.#options.chainId,
      height,
      epoch: 1,
      round: height,
      parentHash: last?.hash ?? new Uint8Array(32),
      timeMs: Math.max(timeMs, last?.header.timeMs ?? this.#options.genesisTimeMs),
      proposer: 0,
      txRoot: merkleRoot(txs.map((t) => t.id)),
      txCount: txs.length,
      stateHeight: executed?.height ?? 0,
      stateRoot: executed?.stateRoot ?? emptyRoot,
      resultsRoot: executed?.resultsRoot ?? merkleRoot([]),
      validatorSetHash: hashValidatorSet(this.validatorSet),
      justify: last?.qc ?? {
        epoch: 1,
        round: 0,
        height: 0,
        blockHash: new Uint8Array(32),
        signers: new Uint8Array(1),
        signatures: [],
      },
    };
  }

  #certify(header: BlockHeader, hash: Uint8Array): QuorumCertificate {
    const { validator, chainId } = this.#options;
    const signature = getSuite(validator.suite).sign(
      voteMessage(chainId, header.epoch, header.round, header.height, hash),
      validator.secretKey,
    );
    return {
      epoch: header.epoch,
      round: header.round,
      height: header.height,
      blockHash: hash,
      signers: signerBitmap([0], 1),
      signatures: [signature],
    };
  }
}
