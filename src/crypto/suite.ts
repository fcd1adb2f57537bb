// The signature-suite interface (DESIGN decision 2): Ed25519 by default; ECDSA P-256 for HSMs and
// passkeys; SM2 with SM3 for deployments bound to China's national standards. Keys and signatures
// cross this interface as raw bytes in one fixed format per suite, so they can be encoded canonically.

export type SuiteId = 'ed25519' | 'p256' | 'sm2';
export const suiteIds: readonly SuiteId[] = ['ed25519', 'p256', 'sm2'];

/** A signature to check, its suite named by whoever supplied it (so not yet known to be one). */
export type SignatureCheck = {
  readonly suite: string;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
};

export type KeyPair = {
  readonly suite: SuiteId;
  /** Suite's canonical public key bytes (Ed25519: 32 raw; P-256 and SM2: 33-byte compressed SEC1). */
  readonly publicKey: Uint8Array;
  /** Suite's raw private scalar or seed (32 bytes for all three). */
  readonly secretKey: Uint8Array;
};

export interface SignatureSuite {
  readonly id: SuiteId;
  readonly publicKeyBytes: number;
  /** Ed25519: 64; P-256 and SM2: 64 (r || s, big-endian, IEEE P1363 form). */
  readonly signatureBytes: number;
  generateKeyPair(): KeyPair;
  /** Rebuilds the key pair (and its public key) from stored secret key bytes. */
  keyPairFromSecret(secretKey: Uint8Array): KeyPair;
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** False for any invalid signature or malformed key; never throws on bad input. */
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}
