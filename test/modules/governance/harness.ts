// A consortium of n organisations run through the real runtime over a memory state, with the identity
// and governance modules, for the governance tests. Each organisation has an operator key, a key
// without role operator and one node; the first min(n, 4) nodes are the genesis validators.
import type { CborValue } from '../../../src/codec/index.ts';
import { sha256 } from '../../../src/crypto/sha256.ts';
import {
  createMemoryState,
  createRegistry,
  executeBlock,
  type MemoryState,
  type ModuleStateReader,
  type Registry,
  readModuleState,
  type TxResult,
} from '../../../src/execution/index.ts';
import {
  createGovernanceModule,
  type GovernanceNode,
  governanceModuleName,
} from '../../../src/modules/governance/index.ts';
import {
  createDirectory,
  createIdentityModule,
  type Directory,
} from '../../../src/modules/identity/index.ts';
import { utf8 } from '../../../src/util/bytes.ts';

/** A deterministic 32-byte "ed25519" public key: the modules check lengths, not the curve. */
export const pk = (n: number) => sha256(new Uint8Array([n & 0xff, (n >> 8) & 0xff, n >> 16]));

export const orgId = (i: number) => `org-${i}`;
export const nodeId = (i: number) => `node-${i}`;
export const operatorKey = (i: number) => pk(3 * i + 1);
export const secondOperatorKey = (i: number) => pk(3 * i + 2);
export const submitterKey = (i: number) => pk(3 * i + 3);
export const startTimeMs = 1_700_000_000_000;
/** Block time advances this much per block unless a test says otherwise. */
export const blockIntervalMs = 1000;

export type Consortium = {
  directory: Directory;
  nodes: GovernanceNode[];
  genesisValidators: string[];
};

export type ConsortiumOptions = {
  orgIds?: (i: number) => string;
  nodeIds?: (i: number) => string;
  /** Nodes, one per organisation in turn; n unless given. */
  nodeCount?: number;
  /** Suite of every node's consensus key. */
  nodeSuite?: 'ed25519' | 'p256';
};

/** n organisations with ids `org-i`, each with two operator keys, a submitter key and a node. */
export function consortium(n: number, options: ConsortiumOptions = {}): Consortium {
  const ids = options.orgIds ?? orgId;
  const orgs = Array.from({ length: n }, (_, i) => ({ id: ids(i), name: `Org ${i}`, roles: [] }));
  const keys = orgs.flatMap((o, i) => [
    { publicKey: operatorKey(i), orgId: o.id, roles: ['submit', 'operator'], suite: 'ed25519' },
    { publicKey: secondOperatorKey(i), orgId: o.id, roles: ['operator'], suite: 'ed25519' },
    { publicKey: submitterKey(i), orgId: o.id, roles: ['submit', 'read'], suite: 'ed25519' },
  ]);
  const suite = options.nodeSuite ?? 'ed25519';
  const nodes = Array.from({ length: options.nodeCount ?? n }, (_, i) => ({
    nodeId: (options.nodeIds ?? nodeId)(i),
    orgId: orgs[i % n]!.id,
    suite,
    publicKey: suite === 'p256' ? p256Key(100_000 + i) : pk(100_000 + i),
  }));
  return {
    directory: createDirectory({ orgs, keys }),
    nodes,
    genesisValidators: nodes.slice(0, Math.min(nodes.length, 4)).map((node) => node.nodeId),
  };
}

function p256Key(n: number): Uint8Array {
  const key = new Uint8Array(33);
  key[0] = 2;
  key.set(pk(n), 1);
  return key;
}

export type Call = { signer: Uint8Array; method: string; args: CborValue };

export class Chain {
  readonly state: MemoryState = createMemoryState();
  readonly registry: Registry;
  height = 0;
  timeMs = startTimeMs;
  nonce = 0;

  constructor(readonly consortium: Consortium) {
    const { directory, nodes, genesisValidators } = consortium;
    this.registry = createRegistry([
      createIdentityModule({ directory }),
      createGovernanceModule({ directory, nodes, genesisValidators }),
    ]);
  }

  /** The governance module's committed state, as the readers take it. */
  get gov(): ModuleStateReader {
    return readModuleState(this.state, governanceModuleName);
  }

  /** Executes one block of calls at the next height and commits it; the results, one per call. */
  block(calls: readonly Call[], timeMs = this.timeMs + blockIntervalMs): TxResult[] {
    this.height += 1;
    this.timeMs = timeMs;
    const output = executeBlock(
      this.registry,
      this.state,
      { height: this.height, timeMs: this.timeMs, seed: new Uint8Array(32) },
      calls.map((c) => ({
        txId: sha256(utf8(`${this.height}:${this.nonce++}`)),
        suite: 'ed25519',
        signer: c.signer,
        module: governanceModuleName,
        method: c.method,
        args: c.args,
      })),
    );
    this.state.apply(output.changes);
    return output.results;
  }

  run(call: Call, timeMs?: number): TxResult {
    return this.block([call], timeMs)[0]!;
  }

  /** Empty blocks until the last executed height is `height`. */
  advanceTo(height: number): void {
    while (this.height < height) this.block([]);
  }

  propose(signer: Uint8Array, validators: readonly string[], note = 'rotate'): TxResult {
    return this.run({
      signer,
      method: 'propose_validators',
      args: { validators: [...validators], note },
    });
  }

  approve(signer: Uint8Array, proposalId: number, timeMs?: number): TxResult {
    return this.run({ signer, method: 'approve_validators', args: { proposalId } }, timeMs);
  }

  withdraw(signer: Uint8Array, proposalId: number): TxResult {
    return this.run({ signer, method: 'withdraw_validators', args: { proposalId } });
  }
}
