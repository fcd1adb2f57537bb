// Argument checks at the mempool's boundary (CONVENTIONS rule 8): errors name the field.

import { latin1FromBytes } from '../util/bytes.ts';
import { admitBatchTxsMax } from './limits.ts';

const txIdBytes = 32;

/** latin1 maps each byte to one code unit: a cheap, collision-free Map key. */
export function keyOf(bytes: Uint8Array): string {
  return latin1FromBytes(bytes);
}

export function checkTxId(txId: Uint8Array, field: string): string {
  if (!(txId instanceof Uint8Array) || txId.length !== txIdBytes)
    throw new TypeError(`${field}: expected ${txIdBytes} bytes`);
  return keyOf(txId);
}

export function checkLimit(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${field}: expected a non-negative integer, got ${String(value)}`);
}

export function checkBatch(txBytesList: readonly Uint8Array[]): void {
  if (!Array.isArray(txBytesList)) throw new TypeError('txBytesList: expected an array');
  if (txBytesList.length > admitBatchTxsMax)
    throw new RangeError(
      `txBytesList: ${txBytesList.length} transactions exceeds ${admitBatchTxsMax}`,
    );
  txBytesList.forEach((bytes, i) => {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`txBytesList[${i}]: expected bytes`);
  });
}
