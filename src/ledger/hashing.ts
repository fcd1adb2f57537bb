// Domain-separated hashes of ledger objects: each kind of object is hashed under its own tag, so a
// signature or hash made for one kind can never be taken for another.
import { type CborValue, encode } from '../codec/index.ts';
import { sha256 } from '../crypto/sha256.ts';
import { utf8 } from '../util/bytes.ts';

export type HashDomain =
  | 'tx'
  | 'header'
  | 'vote'
  | 'timeout'
  | 'receipt'
  | 'validator-set'
  | 'proposal';

const domainTags = new Map<HashDomain, Uint8Array>();

function domainTag(domain: HashDomain): Uint8Array {
  let tag = domainTags.get(domain);
  if (tag === undefined) {
    tag = utf8(`tally/${domain}/v1\0`);
    domainTags.set(domain, tag);
  }
  return tag;
}

/** sha256(tag || bytes): the id of an already-encoded object. */
export function hashEncoded(domain: HashDomain, bytes: Uint8Array): Uint8Array {
  return sha256(domainTag(domain), bytes);
}

export function hashValue(domain: HashDomain, value: CborValue): Uint8Array {
  return hashEncoded(domain, encode(value));
}
