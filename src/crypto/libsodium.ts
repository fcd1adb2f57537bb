// libsodium's Ed25519 verification, through sodium-native (an N-API binding that ships builds for
// Linux, macOS and Windows on x64 and arm64). On this project's machines it verifies about twice
// as fast as node:crypto, whose OpenSSL 3 pays for a digest context and a provider lookup on every
// call (bench/ledger/crypto.ts reports both). Where the binding does not load, or
// TALLY_ED25519_BACKEND=openssl asks for it, Ed25519 stays on node:crypto; ed25519-strict.ts keeps
// the two accepting the same signatures.

import { createRequire } from 'node:module';

/** The part of sodium-native Tally uses. */
type SodiumNative = {
  crypto_sign_verify_detached(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): boolean;
};

export type Ed25519Backend = 'libsodium' | 'openssl';

/** What TALLY_ED25519_BACKEND asks for: `openssl`, `libsodium`, or unset (libsodium where it loads). */
function requestedBackend(): Ed25519Backend | undefined {
  const text = process.env.TALLY_ED25519_BACKEND;
  if (text === undefined || text === '') return undefined;
  if (text === 'openssl' || text === 'libsodium') return text;
  throw new RangeError(`TALLY_ED25519_BACKEND: expected openssl or libsodium (got ${text})`);
}

function loadSodium(): SodiumNative | undefined {
  const requested = requestedBackend();
  if (requested === 'openssl') return undefined;
  try {
    return createRequire(import.meta.url)('sodium-native') as SodiumNative;
  } catch (error) {
    if (requested === 'libsodium')
      throw new Error(`TALLY_ED25519_BACKEND=libsodium, but sodium-native does not load: ${error}`);
    return undefined;
  }
}

const sodium = loadSodium();

/**
 * libsodium's crypto_sign_verify_detached, or undefined where Ed25519 runs on node:crypto. The
 * caller checks lengths first: the binding throws on a short signature or key.
 */
export const libsodiumVerify: SodiumNative['crypto_sign_verify_detached'] | undefined =
  sodium === undefined
    ? undefined
    : (signature, message, publicKey) =>
        sodium.crypto_sign_verify_detached(signature, message, publicKey);

export const ed25519Backend: Ed25519Backend = sodium === undefined ? 'openssl' : 'libsodium';
