// Who may join this node's peer network: the (organisation, node) pair a peer's certificate names
// must be one the genesis lists. TLS already checked that the organisation's CA signed the
// certificate; this stops a member CA from vouching for a node id that belongs to another member.
import type { PeerIdentity } from '../p2p/pki.ts';
import type { Genesis } from './genesis.ts';

/** True only when the genesis lists a node with this nodeId that belongs to this orgId. */
export function isAllowedPeer(genesis: Genesis, identity: PeerIdentity): boolean {
  return genesis.nodes.some((n) => n.nodeId === identity.nodeId && n.orgId === identity.orgId);
}
