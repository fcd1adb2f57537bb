// The nodes a validator set may be chosen among (every node of the genesis: their consensus keys and
// TLS identities are already known to every node), checked once at construction, and the check of a
// proposed list of node ids against them.

import { publicKeyBytesBySuite } from '../../ledger/keys.ts';
import { validatorsMax } from '../../ledger/limits.ts';
import type { Directory } from '../identity/index.ts';
import { governanceNodesMax, nodeIdLengthMax } from './keys.ts';
import type { GovernanceNode } from './records.ts';

export type NodeTable = {
  readonly byId: ReadonlyMap<string, GovernanceNode>;
  readonly genesisValidators: readonly string[];
};

function checkNode(node: GovernanceNode, directory: Directory, field: string): GovernanceNode {
  if (node.nodeId.length === 0 || node.nodeId.length > nodeIdLengthMax)
    throw new RangeError(`governance: ${field}.nodeId must be 1 to ${nodeIdLengthMax} characters`);
  if (directory.org(node.orgId) === undefined)
    throw new TypeError(`governance: ${field} names unknown org ${node.orgId}`);
  const bytes = publicKeyBytesBySuite[node.suite];
  if (bytes === undefined) throw new TypeError(`governance: ${field}.suite is not a known suite`);
  if (node.publicKey.length !== bytes)
    throw new RangeError(`governance: ${field}.publicKey must be ${bytes} bytes for ${node.suite}`);
  return Object.freeze({ ...node, publicKey: new Uint8Array(node.publicKey) });
}

/** Builds the table; throws TypeError/RangeError naming the entry that is not valid. */
export function createNodeTable(
  directory: Directory,
  nodes: readonly GovernanceNode[],
  genesisValidators: readonly string[],
): NodeTable {
  if (nodes.length > governanceNodesMax)
    throw new RangeError(`governance: more than ${governanceNodesMax} nodes`);
  if (genesisValidators.length > validatorsMax)
    throw new RangeError(`governance: more than ${validatorsMax} genesis validators`);
  const byId = new Map<string, GovernanceNode>();
  for (const [i, node] of nodes.entries()) {
    if (byId.has(node.nodeId))
      throw new TypeError(`governance: node ${node.nodeId} is listed twice`);
    byId.set(node.nodeId, checkNode(node, directory, `nodes[${i}]`));
  }
  const seen = new Set<string>();
  for (const [i, nodeId] of genesisValidators.entries()) {
    if (!byId.has(nodeId))
      throw new TypeError(`governance: genesisValidators[${i}] names unknown node ${nodeId}`);
    if (seen.has(nodeId))
      throw new TypeError(`governance: genesis validator ${nodeId} is listed twice`);
    seen.add(nodeId);
  }
  return Object.freeze({ byId, genesisValidators: Object.freeze([...genesisValidators]) });
}

/** The nodes a proposal names, in its order, or what is wrong with the list (for the refusal). */
export function resolveValidators(
  table: NodeTable,
  nodeIds: readonly string[],
): GovernanceNode[] | string {
  if (nodeIds.length === 0) return 'validators: at least one node is required';
  if (nodeIds.length > validatorsMax)
    return `validators: at most ${validatorsMax} nodes, got ${nodeIds.length}`;
  const seen = new Set<string>();
  const out: GovernanceNode[] = [];
  for (const [i, nodeId] of nodeIds.entries()) {
    if (seen.has(nodeId)) return `validators[${i}]: ${nodeId} is listed twice`;
    seen.add(nodeId);
    const node = table.byId.get(nodeId);
    if (node === undefined) return `validators[${i}]: ${nodeId} is not a node of the genesis`;
    out.push(node);
  }
  return out;
}
