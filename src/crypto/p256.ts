// ECDSA over NIST P-256 with SHA-256 (FIPS 186-5 section 6; curve from SP 800-186), for HSMs and
// passkeys. Signatures are not normalised to low-S: ECDSA allows both, and Wycheproof counts high-S
// as valid, so anything that must not be malleable hashes the signed content, not the signature.

import { fromHex } from '../util/bytes.ts';
import { createEcSuite } from './ec-node.ts';
import type { NodeSignatureSuite } from './node-suite.ts';

export const p256Suite: NodeSignatureSuite = createEcSuite({
  id: 'p256',
  curveOid: fromHex('2a8648ce3d030107'), // 1.2.840.10045.3.1.7 prime256v1
  order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  digest: 'sha256',
  nativeP1363: true,
});
