// The registry of signature suites by id (DESIGN decision 2). Server-side: the suites use node:crypto.

import { ed25519Suite } from './ed25519.ts';
import type { NodeSignatureSuite } from './node-suite.ts';
import { p256Suite } from './p256.ts';
import { sm2Suite } from './sm2.ts';
import { type SuiteId, suiteIds } from './suite.ts';

const suites: Readonly<Record<SuiteId, NodeSignatureSuite>> = Object.freeze({
  ed25519: ed25519Suite,
  p256: p256Suite,
  sm2: sm2Suite,
});

export function isSuiteId(value: unknown): value is SuiteId {
  return typeof value === 'string' && (suiteIds as readonly string[]).includes(value);
}

/** The suite for `id`; throws a TypeError for an id that is not a SuiteId (check with isSuiteId). */
export function getSuite(id: SuiteId): NodeSignatureSuite {
  if (!isSuiteId(id)) throw new TypeError(`suite: unknown signature suite ${JSON.stringify(id)}`);
  return suites[id];
}
