// SHA-256 through node:crypto's createHash (OpenSSL, SHA-NI where the CPU has it), same contract as
// sha256.ts, for server-only code. It works on every Node 20; sha256.ts uses the one-shot
// crypto.hash() where Node has it (20.16 and later), which costs less per call for short inputs.

import { createHash } from 'node:crypto';
import { bytesFromLatin1 } from '../util/bytes.ts';

export function sha256Node(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  // A latin1 digest copied into a plain Uint8Array of 32 bytes, which V8 keeps on its heap: a
  // Buffer digest costs an allocation outside it (ledger/state/hash.ts has the measurement), and a
  // plain Uint8Array compares equal to sha256.ts's results under deepStrictEqual.
  return bytesFromLatin1(hash.digest('binary'));
}
