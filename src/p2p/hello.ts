// The first frame each side sends once TLS is up: protocol, version, chain id and node id, so that a
// node of another chain (or another network using the same CAs) is refused before any message.
import { decode, encode, readString, readTuple, readUint } from '../codec/index.ts';
import { chainIdLengthMax } from '../ledger/limits.ts';
import { helloBytesMax } from './limits.ts';
import { nodeIdLengthMax } from './pki.ts';

export const helloProtocol = 'tally/p2p';
export const helloVersion = 1;

export type Hello = { readonly chainId: string; readonly nodeId: string; readonly version: number };

export function encodeHello(chainId: string, nodeId: string): Uint8Array {
  const bytes = encode([helloProtocol, helloVersion, chainId, nodeId]);
  if (bytes.length > helloBytesMax) throw new RangeError('hello: chainId and nodeId too long');
  return bytes;
}

/** The peer's hello, or undefined when it is not one (wrong shape, protocol or encoding). */
export function decodeHello(bytes: Uint8Array): Hello | undefined {
  try {
    const items = readTuple(decode(bytes, { bytesMax: helloBytesMax, field: 'hello' }), 'hello', 4);
    if (readString(items[0], 'hello.protocol', helloProtocol.length) !== helloProtocol) {
      return undefined;
    }
    return {
      version: readUint(items[1], 'hello.version'),
      chainId: readString(items[2], 'hello.chainId', chainIdLengthMax),
      nodeId: readString(items[3], 'hello.nodeId', nodeIdLengthMax),
    };
  } catch {
    // Any decoding failure means the same thing here: this peer does not speak our protocol.
    return undefined;
  }
}
