// Key and signature sizes per suite, checked when ledger objects are decoded (before any crypto runs).
import type { CborValue } from '../codec/index.ts';
import { CodecError, readBytes, readEnum } from '../codec/index.ts';
import { type SuiteId, suiteIds } from '../crypto/suite.ts';

export const publicKeyBytesBySuite: Record<SuiteId, number> = { ed25519: 32, p256: 33, sm2: 33 };
export const signatureBytes = 64;

export function readSuite(value: CborValue | undefined, field: string): SuiteId {
  return readEnum(value, field, suiteIds);
}

export function readPublicKey(
  value: CborValue | undefined,
  suite: SuiteId,
  field: string,
): Uint8Array {
  return readBytes(value, field, publicKeyBytesBySuite[suite]);
}

export function readSignature(value: CborValue | undefined, field: string): Uint8Array {
  return readBytes(value, field, signatureBytes);
}

export function checkPublicKey(publicKey: Uint8Array, suite: SuiteId, field: string): void {
  if (publicKey.length !== publicKeyBytesBySuite[suite]) {
    throw new CodecError(
      'out_of_range',
      field,
      `a ${suite} public key has ${publicKeyBytesBySuite[suite]} bytes`,
    );
  }
}
