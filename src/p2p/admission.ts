// Who may talk to this node once TLS has accepted a peer's chain: its certificate must name a node
// and come from that node's own organisation's CA, the node must be on the allow-list (the genesis
// validators and observers), and, when we dialed, it must be the node we meant to reach.
import type { X509Certificate } from 'node:crypto';
import {
  type CertificateRefusal,
  checkNodeCertificate,
  type PeerIdentity,
  readPeerIdentity,
} from './pki.ts';

export type AdmissionRefusal =
  | CertificateRefusal
  | 'no_certificate'
  | 'self'
  | 'not_allowed'
  | 'unexpected_node';

export type Admission =
  | { readonly ok: true; readonly identity: PeerIdentity }
  | {
      readonly ok: false;
      readonly reason: AdmissionRefusal;
      /** What the certificate names, for the log; not verified when the reason is a certificate's. */
      readonly claimed?: PeerIdentity;
    };

export type AdmissionContext = {
  readonly selfNodeId: string;
  readonly orgCas: ReadonlyMap<string, X509Certificate>;
  readonly isAllowedPeer: (identity: PeerIdentity) => boolean;
  readonly now: Date;
  /** Set when this node dialed: the node id it dialed. */
  readonly expectedNodeId?: string;
};

export function admitPeer(cert: X509Certificate | undefined, context: AdmissionContext): Admission {
  if (cert === undefined) return { ok: false, reason: 'no_certificate' };
  const check = checkNodeCertificate(cert, context.orgCas, context.now);
  if (!check.ok) {
    const claimed = readPeerIdentity(cert);
    return claimed === undefined ? check : { ...check, claimed };
  }
  const identity = check.identity;
  if (identity.nodeId === context.selfNodeId)
    return { ok: false, reason: 'self', claimed: identity };
  if (!context.isAllowedPeer(identity))
    return { ok: false, reason: 'not_allowed', claimed: identity };
  const expected = context.expectedNodeId;
  if (expected !== undefined && identity.nodeId !== expected) {
    return { ok: false, reason: 'unexpected_node', claimed: identity };
  }
  return { ok: true, identity };
}
