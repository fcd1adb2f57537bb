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
      if (memoSignatures) remember(signature, message, publicKey, true);
      return signature;
    },
  };
}

const publicKeys = new Map<string, KeyObject>();

/**
 * A remembered check, with a copy of (signature || message || public key) in one array, so that a
 * later change to the caller's arrays is seen and the memo holds one buffer, not three.
 */
type Verdict = {
  readonly triple: Uint8Array;
  readonly messageLength: number;
  readonly ok: boolean;
};
/** By the signature's bytes (one char per byte), and by the array itself for the common case. */
const verified = new Map<string, Verdict>();
let verifiedByArray = new WeakMap<Uint8Array, Verdict>();
let memoSignatures = true;

/** Turns off remembering fresh signatures as valid, so every signature is verified once (bench). */
export function setSignatureMemo(enabled: boolean): void {
  memoSignatures = enabled;
  forgetVerified();
}

/**
 * Forgets every remembered check. A seed's keys and signatures are the same on every run, so a
 * benchmark that repeats a run calls this first, or its verifications would all be remembered.
 */
export function forgetVerified(): void {
  verified.clear();
  verifiedByArray = new WeakMap();
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

function equalAt(copy: Uint8Array, offset: number, bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (copy[offset + i] !== bytes[i]) return false;
  return true;
}

function matches(
  v: Verdict | undefined,
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): v is Verdict {
  if (v === undefined || v.messageLength !== message.length) return false;
  const t = v.triple;
  return (
    t.length === signature.length + message.length + publicKey.length &&
    equalAt(t, 0, signature) &&
    equalAt(t, signature.length, message) &&
    equalAt(t, signature.length + message.length, publicKey)
  );
}

function recall(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean | undefined {
  const byArray = verifiedByArray.get(signature);
  if (matches(byArray, signature, message, publicKey)) return byArray.ok;
  const byBytes = verified.get(latin1(signature));
  if (matches(byBytes, signature, message, publicKey)) return byBytes.ok;
  return undefined;
}

function remember(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  ok: boolean,
): void {
  if (verified.size >= verifiedMax) verified.clear();
  const triple = new Uint8Array(signature.length + message.length + publicKey.length);
  triple.set(signature, 0);
  triple.set(message, signature.length);
  triple.set(publicKey, signature.length + message.length);
  const verdict: Verdict = { triple, messageLength: message.length, ok };
  verified.set(latin1(signature), verdict);
  verifiedByArray.set(signature, verdict);
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
  const known = recall(signature, message, publicKey);
  if (known !== undefined) return known;
  const ok = verify(null, message, publicKeyObject(publicKey), signature);
  remember(signature, message, publicKey, ok);
  return ok;
};
