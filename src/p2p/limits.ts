// The peer network's limits, named in one place (CONVENTIONS rule 7); test/p2p checks the relations.
import { cborBytesMax } from '../codec/index.ts';

/** Bytes of the big-endian length prefix in front of every frame. */
export const frameHeaderBytes = 4;
/** Largest frame payload: the largest canonical value (a full block) plus room for its envelope. */
export const frameBytesMax = cborBytesMax + 1024 * 1024;
/** Default bound on bytes queued for one peer and not yet handed to its socket. */
export const sendQueueBytesMaxDefault = 64 * 1024 * 1024;
/** Bound on the first frame each side sends (the hello); refused before it is decoded if larger. */
export const helloBytesMax = 512;
/** A peer that has not said hello by then is dropped. */
export const helloTimeoutMs = 10_000;
/** Connections the listener accepts at once (members plus strays still in their handshake). */
export const inboundConnectionsMax = 512;
/** Outbound peers one transport dials. */
export const outboundPeersMax = 256;
/** First reconnection delay, doubled on each failure up to backoffMsMax, then jittered. */
export const backoffMsBase = 100;
export const backoffMsMax = 30_000;
