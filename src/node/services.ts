// The node's parts seen through the interface the API server takes (src/api/services.ts).
import type { RemittanceGateway } from '../api/gateway.ts';
import { RecentBlocks } from '../api/recent-blocks.ts';
import type {
  ApiServices,
  EvidenceService,
  GovernanceProposalInfo,
  GovernanceService,
  NodeStatus,
} from '../api/services.ts';
import type { BlockExecutor } from '../execution/block-executor.ts';
import { readModuleState } from '../execution/read.ts';
import type { StateReader } from '../execution/types.ts';
import type { EpochRecord } from '../ledger/epoch-store.ts';
import { quorumSize, type ValidatorSet } from '../ledger/validator-set.ts';
import type { AdmitResult, Mempool } from '../mempool/index.ts';
import {
  approvalsNeeded,
  governanceModuleName,
  listProposals,
  type ProposalRecord,
  readProposal,
} from '../modules/governance/index.ts';
import type { Transport } from '../p2p/types.ts';
import { toHex } from '../util/bytes.ts';
import type { CommitPipeline } from './commits.ts';
import type { Genesis, GenesisNode } from './genesis.ts';
import type { NodeMetrics } from './metrics.ts';
import type { KeyRegistry } from './permissions.ts';

export const nodeVersion = '0.1.0';

export type ServicesDeps = {
  readonly genesis: Genesis;
  readonly self: GenesisNode;
  /** The set that certifies the block at `height`; the newest (after the last executed block) when absent. */
  readonly validatorsAt: (height?: number) => ValidatorSet;
  /** Every epoch, oldest first, with the hand-over proofs (epochs.ts). */
  readonly epochs: () => readonly EpochRecord[];
  readonly executor: BlockExecutor;
  readonly commits: CommitPipeline;
  readonly mempool: Mempool;
  /** Admits a client's transactions, held to the node's admission limit (admission.ts). */
  readonly admitFromClient: (txs: readonly Uint8Array[]) => Promise<AdmitResult[]>;
  readonly transport: Transport;
  readonly registry: KeyRegistry;
  readonly metrics: NodeMetrics;
  readonly consensus: () => {
    readonly epoch: number;
    readonly round: number;
    readonly committedHeight: number;
  };
  readonly syncing: () => boolean;
  readonly started: () => boolean;
  readonly gateway: RemittanceGateway | undefined;
  /** Evidence of Byzantine validators this node recorded (evidence-store.ts). */
  readonly evidence?: EvidenceService | undefined;
};

/**
 * Reads of the state version of the newest executed block on record (what module queries such as
 * the bank's take): the state that goes with the blocks and receipts a caller can see. The tree's
 * own latest height is not that: on the main thread it may be a block staged and not yet written;
 * with the tree worker it follows the commit a moment late, so a receipt could be on record while
 * the state it produced was not yet the tree's latest (a remittance answered without its record).
 */
export function latestState(executor: BlockExecutor): StateReader {
  return {
    get: (key) => {
      const h = executor.height;
      return h === undefined ? undefined : (executor.state.get(key, h) ?? undefined);
    },
  };
}

export function createServices(deps: ServicesDeps): ApiServices {
  const recent = new RecentBlocks();
  deps.commits.onExecuted((committed, block) =>
    recent.add({
      header: block.header,
      hash: committed.blockHash,
      stateRoot: committed.stateRoot,
      receipts: committed.receipts,
    }),
  );
  const { executor, mempool, transport, genesis, self } = deps;
  const latest = latestState(executor);
  const status = (): NodeStatus => {
    const executed = executor.blocks.executed();
    const c = deps.consensus();
    return {
      chainId: genesis.chainId,
      nodeId: self.nodeId,
      orgId: self.orgId,
      kind: self.kind,
      height: Math.max(c.committedHeight, executed?.height ?? 0),
      executedHeight: executed?.height ?? 0,
      stateRoot: executed?.stateRoot ?? new Uint8Array(32),
      epoch: c.epoch,
      round: c.round,
      peers: transport.peers().map((p) => ({ nodeId: p.nodeId, orgId: p.orgId })),
      mempoolTxs: mempool.size(),
      mempoolBytes: mempool.bytes(),
      syncing: deps.syncing(),
      version: nodeVersion,
    };
  };
  return {
    chainId: genesis.chainId,
    submit: (txs) => deps.admitFromClient(txs),
    isPending: (txId) => mempool.has(txId),
    status,
    finalHeight: () => deps.commits.reportedHeight,
    readiness() {
      if (!deps.started()) return { ready: false, reason: 'starting' };
      if (deps.syncing()) return { ready: false, reason: 'catching up with peers' };
      const set = deps.validatorsAt();
      const peersNeeded = quorumSize(set.validators.length) - 1;
      const keys = new Set(set.validators.map((v) => toHex(v.publicKey)));
      const validatorPeers = transport
        .peers()
        .filter((p) =>
          genesis.nodes.some((n) => n.nodeId === p.nodeId && keys.has(toHex(n.publicKey))),
        ).length;
      if (validatorPeers < peersNeeded)
        return {
          ready: false,
          reason: `connected to ${validatorPeers} validators; ${peersNeeded} needed for a quorum`,
        };
      return { ready: true };
    },
    blocks: executor.blocks,
    state: executor.state,
    latest,
    validators: (height) => deps.validatorsAt(height),
    epochs: deps.epochs,
    onExecuted(listener) {
      return deps.commits.onExecuted((committed) => listener(committed.height));
    },
    recentBlock: (height) => recent.get(height),
    caller(publicKeyHex) {
      const key = deps.registry.key(publicKeyHex.toLowerCase());
      if (key === undefined) return undefined;
      return { orgId: key.orgId, name: key.name, roles: key.roles, suite: key.suite };
    },
    metrics: deps.metrics.registry,
    gateway: deps.gateway,
    evidence: deps.evidence,
    organizations: () => genesis.organizations,
    orgKeys: (orgId) => deps.registry.orgKeys(orgId),
    nodes: () => genesis.nodes,
    governance: governanceService(genesis.organizations.length, executor, latest),
  };
}

/**
 * Proposals as the latest executed state holds them. An open proposal past its expiry stays open in
 * state until the next proposal closes it; callers see it as expired, since approvals are refused.
 */
export function governanceService(
  orgCount: number,
  executor: BlockExecutor,
  latest: StateReader,
): GovernanceService {
  const state = () => readModuleState(latest, governanceModuleName);
  const needed = approvalsNeeded(orgCount);
  const info = (record: ProposalRecord, blockTimeMs: number): GovernanceProposalInfo => ({
    ...record,
    status:
      record.status === 'open' && blockTimeMs >= record.expiresAtMs ? 'expired' : record.status,
    approvalsNeeded: needed,
  });
  const blockTimeMs = () => {
    const executed = executor.blocks.executed();
    return executed === undefined
      ? 0
      : (executor.blocks.blockAt(executed.height)?.header.timeMs ?? 0);
  };
  return {
    list: ({ limit, before }) => {
      const timeMs = blockTimeMs();
      return listProposals(state(), {
        limit,
        ...(before === undefined ? {} : { beforeId: before }),
      }).map((r) => info(r, timeMs));
    },
    get: (id) => {
      const record = readProposal(state(), id);
      return record === undefined ? undefined : info(record, blockTimeMs());
    },
  };
}
