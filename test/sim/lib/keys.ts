// Real Ed25519 keys for simulated validators, derived from the seed so runs reproduce, and a verify
// function that remembers results: every node checks the same signatures, so each is checked once.
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import type { VerifyFn } from '../../../src/ledger/certificate.ts';
import { toHex } from '../../../src/util/bytes.ts';
import type { Prng } from './prng.ts';

const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
const verifiedMax = 200_000;

export type SimKey = {
  readonly publicKey: Uint8Array;
  readonly sign: (message: Uint8Array) => Uint8Array;
};

export function createSimKey(prng: Prng): SimKey {
  const seed = Buffer.from(prng.bytes(32));
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return {
    publicKey,
    sign: (message) => {
      const signature = new Uint8Array(sign(null, message, privateKey));
      // This key just made this signature: Ed25519 verifies it, so remember that instead of redoing it.
      // Anything altered or forged is a different triple and goes through node:crypto.
      if (memoSignatures) remember(tripleKey(signature, message, publicKey), true);
      return signature;
    },
  };
}

const publicKeys = new Map<string, KeyObject>();
const verified = new Map<string, boolean>();
let memoSignatures = true;

/** Turns off remembering fresh signatures as valid, so every signature is verified once (bench). */
export function setSignatureMemo(enabled: boolean): void {
  memoSignatures = enabled;
  verified.clear();
}

/** One string per (signature, message, key): latin1 keeps it one char per byte, built natively. */
function tripleKey(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): string {
  return latin1(signature) + latin1(message) + latin1(publicKey);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function remember(key: string, ok: boolean): void {
  if (verified.size >= verifiedMax) verified.clear();
  verified.set(key, ok);
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const hex = toHex(publicKey);
  let key = publicKeys.get(hex);
  if (key === undefined) {
    key = createPublicKey({
      key: Buffer.concat([spkiPrefix, publicKey]),
      format: 'der',
      type: 'spki',
    });
    publicKeys.set(hex, key);
  }
  return key;
}

/** Ed25519 verification through node:crypto, each (key, message, signature) checked once. */
export const simVerify: VerifyFn = (suite, message, signature, publicKey) => {
  if (suite !== 'ed25519' || signature.length !== 64 || publicKey.length !== 32) return false;
  const key = tripleKey(signature, message, publicKey);
  const known = verified.get(key);
  if (known !== undefined) return known;
  const ok = verify(null, message, publicKeyObject(publicKey), signature);
  remember(key, ok);
  return ok;
};
