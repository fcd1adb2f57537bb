// What the API server needs from a node, as one interface: the node (src/node) builds it from its
// parts; the API never reaches into storage, consensus or the network by itself.
import type { Registry } from 'prom-client';
import type { Evidence } from '../consensus/index.ts';
import type { StateReader } from '../execution/types.ts';
import type { BlockStore } from '../ledger/block-store.ts';
import type { EpochRecord } from '../ledger/epoch-store.ts';
import type { StateTree } from '../ledger/state/index.ts';
import type { ValidatorSet } from '../ledger/validator-set.ts';
import type { AdmitResult } from '../mempool/results.ts';
import type { SignedQuote } from '../modules/fx/quote.ts';
import type { RemittanceGateway } from './gateway.ts';
import type { RecentBlock } from './recent-blocks.ts';

/** A caller's key as the genesis registers it. */
export type ApiCaller = {
  readonly orgId: string;
  readonly name: string;
  /** 'submit' (send transactions), 'read' (private reads: accounts, receipts, state, events), 'operator'. */
  readonly roles: readonly string[];
};

export type PeerStatus = { readonly nodeId: string; readonly orgId: string };

export type NodeStatus = {
  readonly chainId: string;
  readonly nodeId: string;
  readonly orgId: string;
  readonly kind: 'validator' | 'observer';
  /** Highest committed (final) block. */
  readonly height: number;
  /** Highest executed block (state and receipts are known up to here). */
  readonly executedHeight: number;
  readonly stateRoot: Uint8Array;
  readonly epoch: number;
  readonly round: number;
  readonly peers: readonly PeerStatus[];
  readonly mempoolTxs: number;
  readonly mempoolBytes: number;
  /** True while the node is fetching blocks or a state snapshot to catch up with its peers. */
  readonly syncing: boolean;
  readonly version: string;
};

export type ApiServices = {
  readonly chainId: string;
  /** Admits signed transactions (canonical bytes); one result per input, in order. */
  submit(txs: readonly Uint8Array[]): Promise<AdmitResult[]>;
  /** True while the transaction waits in this node's mempool. */
  isPending(txId: Uint8Array): boolean;
  status(): NodeStatus;
  /** Ready to serve: started, not catching up, and connected to enough validators to make progress. */
  readiness(): { readonly ready: true } | { readonly ready: false; readonly reason: string };
  /** Committed blocks, their certificates, transactions and receipts (read-only use). */
  readonly blocks: BlockStore;
  /**
   * The newest block every part of the node has taken in (key registry, event stream): a receipt
   * above it is on disk but not yet final here, since a caller acting on it could meet a node that
   * does not yet know, say, the key it registered.
   */
  finalHeight(): number;
  /** The authenticated state: values and proofs by height (read-only use). */
  readonly state: StateTree;
  /** Reads the latest executed state (what module queries such as the bank's take). */
  readonly latest: StateReader;
  /** The validator set in force for the block at `height` (latest when omitted). */
  validators(height?: number): ValidatorSet;
  /** Every epoch, oldest first, each after the genesis one with its hand-over proof (GET /v1/epochs). */
  readonly epochs?: () => readonly EpochRecord[];
  /** Called after each block is executed and durable, in height order. Returns unsubscribe. */
  onExecuted(listener: (height: number) => void): () => void;
  /** A block executed moments ago, from memory (recent-blocks.ts); undefined: read the store. */
  readonly recentBlock?: (height: number) => RecentBlock | undefined;
  /** The caller that owns a registered public key (lower-case hex), or undefined. */
  caller(publicKeyHex: string): (ApiCaller & { readonly suite: string }) | undefined;
  /** Prometheus registry the node's metrics live in; the API adds its own to it. */
  readonly metrics: Registry;
  /** An organisation's API keys, live and revoked (GET /v1/orgs/:orgId/keys); undefined: no such org. */
  readonly orgKeys?: (orgId: string) => readonly OrgKeyInfo[] | undefined;
  /** The member organisations as the genesis lists them (GET /v1/orgs). */
  readonly organizations?: () => readonly OrganizationInfo[];
  /** What the node does for its own organisation (docs/api.md, Remittance); absent without org keys. */
  readonly gateway?: RemittanceGateway | undefined;
  /** Evidence of Byzantine validators this node recorded (GET /v1/evidence). */
  readonly evidence?: EvidenceService | undefined;
  /** Every node the genesis lists, validators and observers (names validators in GET /v1/validators). */
  readonly nodes?: () => readonly NodeInfo[];
  /** Validator-set change proposals in the latest executed state (GET /v1/governance/proposals). */
  readonly governance?: GovernanceService | undefined;
};

/** A node as the genesis lists it, with its consensus key. */
export type NodeInfo = {
  readonly nodeId: string;
  readonly orgId: string;
  readonly kind: 'validator' | 'observer';
  readonly suite: string;
  readonly publicKey: Uint8Array;
};

export type GovernanceProposalStatus = 'open' | 'approved' | 'withdrawn' | 'expired';

/** A proposed validator set (governance.propose_validators) and where its approval stands. */
export type GovernanceProposalInfo = {
  readonly id: number;
  /** 'expired' also when still open in state but the last executed block's time passed its expiry. */
  readonly status: GovernanceProposalStatus;
  /** In leader-rotation order. */
  readonly validators: readonly Omit<NodeInfo, 'kind'>[];
  readonly note: string;
  readonly proposerOrg: string;
  readonly proposedHeight: number;
  readonly proposedAtMs: number;
  readonly expiresAtMs: number;
  /** Organisations that approved, in approval order. */
  readonly approvals: readonly string[];
  readonly approvalsNeeded: number;
  readonly approvedHeight?: number | undefined;
};

export type GovernanceService = {
  /** Newest first; `before` is the id to start below (the previous page's `next`). */
  list(options: {
    readonly limit: number;
    readonly before?: number;
  }): readonly GovernanceProposalInfo[];
  get(id: number): GovernanceProposalInfo | undefined;
};

/** One proof of a validator's misbehaviour, as this node recorded it. */
export type EvidenceEntry = {
  /** Order of recording on this node: the pagination cursor. */
  readonly seq: number;
  readonly evidence: Evidence;
  /** The organisation of the validator that signed both blocks. */
  readonly orgId: string;
  /** This node's executed height and clock when it first saw the evidence. */
  readonly seenAtHeight: number;
  readonly seenAtMs: number;
};

export type EvidencePage = { readonly items: readonly EvidenceEntry[]; readonly next?: number };

export type EvidenceService = {
  /** Newest first; `before` is the `seq` to start below (the previous page's `next`). */
  list(options: { readonly limit: number; readonly before?: number }): EvidencePage;
  count(): number;
};

export type { SignedQuote };

export type OrganizationInfo = {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly country?: string | undefined;
  readonly bic?: string | undefined;
  readonly encryptionKey?: Uint8Array | undefined;
};

/** A key an organisation registered, in the genesis or on chain (identity.add_key). */
export type OrgKeyInfo = {
  readonly publicKey: Uint8Array;
  readonly name: string;
  readonly suite: string;
  readonly roles: readonly string[];
  readonly status: 'live' | 'revoked';
  /** The block that added it; 0 for a genesis key. */
  readonly addedHeight: number;
  readonly revokedHeight?: number | undefined;
};
