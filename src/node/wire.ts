// What travels between nodes on the peer transport: one type byte, then the body. Consensus messages
// keep the consensus codec; the rest are small canonical CBOR values.
import { decode, encode, readArray, readBytesMax, readTuple, readUint } from '../codec/index.ts';
import { decodeMessage, encodeMessage, type Message } from '../consensus/index.ts';
import { txBytesMax } from '../ledger/limits.ts';
import { concatBytes } from '../util/bytes.ts';

export const frameTypes = {
  consensus: 1,
  txs: 2,
  status: 3,
  sync: 4,
} as const;

/** Transactions in one gossip frame at most (the API's batch limit). */
export const gossipTxsMax = 1000;

export type Frame =
  | { readonly type: 'consensus'; readonly message: Message }
  | { readonly type: 'txs'; readonly txs: readonly Uint8Array[] }
  | { readonly type: 'status'; readonly height: number }
  | { readonly type: 'sync'; readonly body: Uint8Array };

function framed(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([type]), body);
}

export function encodeConsensusFrame(message: Message): Uint8Array {
  return framed(frameTypes.consensus, encodeMessage(message));
}

export function encodeTxsFrame(txs: readonly Uint8Array[]): Uint8Array {
  return framed(frameTypes.txs, encode([...txs]));
}

export function encodeStatusFrame(height: number): Uint8Array {
  return framed(frameTypes.status, encode([height]));
}

export function encodeSyncFrame(body: Uint8Array): Uint8Array {
  return framed(frameTypes.sync, body);
}

/** Decodes a frame; throws CodecError (or RangeError for an unknown type) on anything malformed. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length === 0) throw new RangeError('frame: empty');
  const body = bytes.subarray(1);
  switch (bytes[0]) {
    case frameTypes.consensus:
      return { type: 'consensus', message: decodeMessage(body) };
    case frameTypes.txs: {
      const list = readArray(decode(body, { field: 'txs' }), 'txs', gossipTxsMax);
      return {
        type: 'txs',
        txs: list.map((t, i) => readBytesMax(t, `txs[${i}]`, txBytesMax)),
      };
    }
    case frameTypes.status: {
      const items = readTuple(decode(body, { field: 'status' }), 'status', 1);
      return { type: 'status', height: readUint(items[0], 'status.height') };
    }
    case frameTypes.sync:
      return { type: 'sync', body };
    default:
      throw new RangeError(`frame: unknown type ${bytes[0]}`);
  }
}
