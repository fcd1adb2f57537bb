// The ledger's vote, timeout and header digests (ledger/certificate.ts voteMessage/timeoutMessage,
// ledger/block.ts hashHeader), computed on the consensus hot path with node:crypto's SHA-256 (the
// ledger's own stay browser-safe) and remembered per object; test/consensus/digest.test.ts pins equality.
import { encode } from '../codec/index.ts';
import { sha256Node } from '../crypto/hash-node.ts';
import { type BlockHeader, encodeHeader } from '../ledger/block.ts';
import type { HashDomain } from '../ledger/hashing.ts';
import { assert } from '../util/assert.ts';
import { toHex, utf8 } from '../util/bytes.ts';

const digestBytes = 32;

/** The ledger's domain tags (ledger/hashing.ts): sha256(tag || canonical bytes). */
function domainTag(domain: HashDomain): Uint8Array {
  return utf8(`tally/${domain}/v1\0`);
}
const voteTag = domainTag('vote');
const timeoutTag = domainTag('timeout');
const headerTag = domainTag('header');

type VoteDigest = {
  readonly chainId: string;
  readonly epoch: number;
  readonly round: number;
  readonly height: number;
  readonly digest: Uint8Array;
};

/**
 * Remembered by the block hash object: a node signs, checks a proposal and checks its QC with one
 * hash object, and in the simulator every node shares it. Hash bytes are never mutated once made.
 */
const voteDigests = new WeakMap<Uint8Array, VoteDigest>();

/** Equals voteMessage(chainId, epoch, round, height, blockHash): the 32 bytes a vote signs. */
export function voteDigest(
  chainId: string,
  epoch: number,
  round: number,
  height: number,
  blockHash: Uint8Array,
): Uint8Array {
  const known = voteDigests.get(blockHash);
  if (
    known !== undefined &&
    known.chainId === chainId &&
    known.epoch === epoch &&
    known.round === round &&
    known.height === height
  ) {
    return known.digest;
  }
  const digest = sha256Node(voteTag, encode([chainId, epoch, round, height, blockHash]));
  assert(digest.length === digestBytes, 'digest: SHA-256 gives 32 bytes');
  voteDigests.set(blockHash, Object.freeze({ chainId, epoch, round, height, digest }));
  return digest;
}

/** Equals timeoutMessage(chainId, epoch, round, highQcRound). */
export function timeoutDigest(
  chainId: string,
  epoch: number,
  round: number,
  highQcRound: number,
): Uint8Array {
  return sha256Node(timeoutTag, encode([chainId, epoch, round, highQcRound]));
}

const headerHashes = new WeakMap<BlockHeader, Uint8Array>();

/** Equals hashHeader(header), remembered per (frozen) header object. */
export function blockHash(header: BlockHeader): Uint8Array {
  let hash = headerHashes.get(header);
  if (hash === undefined) {
    hash = sha256Node(headerTag, encodeHeader(header));
    assert(hash.length === digestBytes, 'digest: SHA-256 gives 32 bytes');
    headerHashes.set(header, hash);
  }
  return hash;
}

const hexes = new WeakMap<Uint8Array, string>();

/**
 * The hex of a hash (the key of blocks and certificates in the state's maps), remembered per hash
 * object: a block's hash, its children's parentHash and its QC's blockHash are one object.
 */
export function hashHex(hash: Uint8Array): string {
  let hex = hexes.get(hash);
  if (hex === undefined) {
    hex = toHex(hash);
    assert(hex.length === 2 * hash.length, 'digest: two hex digits a byte');
    hexes.set(hash, hex);
  }
  return hex;
}
