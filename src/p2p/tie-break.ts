// One connection per peer pair. Two live connections to one peer come from simultaneous dials or
// from a redial after the old connection died unnoticed; both ends must keep the same one.
import type { Direction } from './peer.ts';

/**
 * True when the new connection replaces the existing one. Different starters (simultaneous dials):
 * keep the one the lower node id started, a rule both ends compute alike. Same starter: the peer
 * redialed, so the old connection is stale; keep the new one.
 */
export function keepNewConnection(
  selfNodeId: string,
  peerNodeId: string,
  existing: Direction,
  incoming: Direction,
): boolean {
  if (existing === incoming) return true;
  const starter = incoming === 'outbound' ? selfNodeId : peerNodeId;
  const lower = [selfNodeId, peerNodeId].sort()[0];
  return starter === lower;
}
