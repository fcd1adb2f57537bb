// SM2 signatures with SM3 (GB/T 32918.2-2016; curve from GB/T 32918.5), through node:crypto's OpenSSL.
// The signer identity in Z_A is empty (ENTL = 0), the OpenSSL default Node 20 cannot change; other
// implementations (GM/T 0009 uses "1234567812345678") must be told to use the empty id to interoperate.

import { fromHex } from '../util/bytes.ts';
import { createEcSuite } from './ec-node.ts';
import type { NodeSignatureSuite } from './node-suite.ts';

export const sm2Suite: NodeSignatureSuite = createEcSuite({
  id: 'sm2',
  curveOid: fromHex('2a811ccf5501822d'), // 1.2.156.10197.1.301 sm2p256v1
  order: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  digest: null, // an SM2 key object signs with SM3 and the Z_A prefix; naming another digest fails
  nativeP1363: false,
});
