// Runs every Wycheproof signature file in test/vectors/wycheproof against Tally's suites (CONVENTIONS
// rule 11): unknown files, schemas, group types or fields fail the run, and the exact number of cases
// run is asserted so that no vector can silently stop running.
// DER-form ECDSA vectors are converted to r || s by asn1.ts's strict parser and checked through the
// suite's own P1363 verify: that is the path Tally's transactions take, and the strict parser must
// itself reject every non-canonical DER the vectors mark invalid (a conversion failure counts as false).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ecdsaSignatureFromDer } from '../../src/crypto/asn1.ts';
import { compressPoint } from '../../src/crypto/ec-node.ts';
import { verifyWithLibsodium, verifyWithOpenSsl } from '../../src/crypto/ed25519.ts';
import type { SuiteId } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { fromHex } from '../../src/util/bytes.ts';

const vectorDir = new URL('../vectors/wycheproof/testvectors_v1/', import.meta.url).pathname;

/** Files for suites Tally does not implement, by name, with the reason (none in the folder now). */
const skippedFiles: ReadonlyMap<string, string> = new Map<string, string>([]);

/** Cases per file; the total is asserted too, so adding or dropping a file must change this table. */
const expectedCases: ReadonlyMap<string, number> = new Map([
  ['ecdsa_secp256r1_sha256_test.json', 484],
  ['ed25519_test.json', 151],
]);
const expectedTotal = 635;

type Case = { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' };
type GroupRunner = (group: Record<string, unknown>) => {
  suite: SuiteId;
  publicKey: Uint8Array;
  toRs: (sig: Uint8Array) => Uint8Array | undefined;
};
type Schema = { groupType: string; groupKeys: readonly string[]; runGroup: GroupRunner };

const ecGroupKeys = [
  'type',
  'source',
  'publicKey',
  'publicKeyDer',
  'publicKeyPem',
  'publicKeyJwk',
  'sha',
  'tests',
];
const caseKeys = new Set(['tcId', 'comment', 'flags', 'msg', 'sig', 'result']);
const fileKeys = new Set([
  'algorithm',
  'schema',
  'generatorVersion',
  'numberOfTests',
  'header',
  'notes',
  'testGroups',
]);

function ecKey(group: Record<string, unknown>): Uint8Array {
  const key = group.publicKey as Record<string, unknown>;
  assert.equal(key.type, 'EcPublicKey', 'publicKey.type');
  assert.equal(key.curve, 'secp256r1', 'publicKey.curve');
  assert.equal(group.sha, 'SHA-256', 'sha');
  return compressPoint(fromHex(key.uncompressed as string));
}

const schemas: ReadonlyMap<string, Schema> = new Map<string, Schema>([
  [
    'eddsa_verify_schema_v1.json',
    {
      groupType: 'EddsaVerify',
      groupKeys: [
        'type',
        'source',
        'publicKey',
        'publicKeyDer',
        'publicKeyPem',
        'publicKeyJwk',
        'tests',
      ],
      runGroup: (group) => {
        const key = group.publicKey as Record<string, unknown>;
        assert.equal(key.curve, 'edwards25519', 'publicKey.curve');
        return { suite: 'ed25519', publicKey: fromHex(key.pk as string), toRs: (sig) => sig };
      },
    },
  ],
  [
    'ecdsa_verify_schema_v1.json',
    {
      groupType: 'EcdsaVerify',
      groupKeys: ecGroupKeys,
      runGroup: (g) => ({ suite: 'p256', publicKey: ecKey(g), toRs: ecdsaSignatureFromDer }),
    },
  ],
  [
    'ecdsa_p1363_verify_schema_v1.json',
    {
      groupType: 'EcdsaP1363Verify',
      groupKeys: ecGroupKeys,
      runGroup: (g) => ({ suite: 'p256', publicKey: ecKey(g), toRs: (sig) => sig }),
    },
  ],
]);

type FileTally = { cases: number; acceptable: number[]; failures: string[] };
type Verify = (suite: SuiteId, message: Uint8Array, rs: Uint8Array, key: Uint8Array) => boolean;

const throughSuite: Verify = (suite, message, rs, key) => getSuite(suite).verify(message, rs, key);

function runFile(name: string, verify: Verify = throughSuite): FileTally {
  const file = JSON.parse(readFileSync(join(vectorDir, name), 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(file))
    assert.ok(fileKeys.has(key), `${name}: unknown file field ${key}`);
  const schema = schemas.get(file.schema as string);
  assert.ok(schema !== undefined, `${name}: unrecognised schema ${String(file.schema)}`);
  const tally: FileTally = { cases: 0, acceptable: [], failures: [] };
  for (const group of file.testGroups as Record<string, unknown>[]) {
    assert.equal(group.type, schema.groupType, `${name}: unrecognised group type`);
    for (const key of Object.keys(group))
      assert.ok(schema.groupKeys.includes(key), `${name}: unknown group field ${key}`);
    const { suite, publicKey, toRs } = schema.runGroup(group);
    for (const c of group.tests as Case[]) {
      for (const key of Object.keys(c))
        assert.ok(caseKeys.has(key), `${name} #${c.tcId}: unknown case field ${key}`);
      const rs = toRs(fromHex(c.sig));
      const ok = rs !== undefined && verify(suite, fromHex(c.msg), rs, publicKey);
      tally.cases++;
      if (c.result === 'acceptable') tally.acceptable.push(c.tcId);
      else if (c.result === 'valid' && !ok) tally.failures.push(`#${c.tcId} valid, got false`);
      else if (c.result === 'invalid' && ok) tally.failures.push(`#${c.tcId} invalid, got true`);
      else
        assert.ok(
          c.result === 'valid' || c.result === 'invalid',
          `${name} #${c.tcId}: unknown result ${c.result}`,
        );
    }
  }
  assert.equal(tally.cases, file.numberOfTests, `${name}: cases run vs numberOfTests`);
  return tally;
}

const files = readdirSync(vectorDir)
  .filter((name) => name.endsWith('.json'))
  .sort();
let total = 0;

for (const name of files) {
  const skipReason = skippedFiles.get(name);
  if (skipReason !== undefined) {
    test(`wycheproof ${name}`, { skip: skipReason }, () => {});
    continue;
  }
  test(`wycheproof ${name}: every case gives its expected result`, (t) => {
    const tally = runFile(name);
    total += tally.cases;
    if (tally.acceptable.length > 0)
      t.diagnostic(`acceptable cases (either answer): ${tally.acceptable.join(', ')}`);
    assert.deepEqual(tally.failures, []);
    assert.equal(tally.cases, expectedCases.get(name), `${name}: expected case count`);
  });
}

// The suite verifies Ed25519 through libsodium where it loads; each library must pass on its own.
for (const [library, verify] of [
  ['libsodium', verifyWithLibsodium],
  ['node:crypto (OpenSSL)', verifyWithOpenSsl],
] as const) {
  test(`wycheproof ed25519_test.json: every case gives its expected result through ${library}`, () => {
    assert.ok(verify !== undefined, `${library} loads on this platform`);
    const tally = runFile('ed25519_test.json', (_, message, rs, key) => verify(message, rs, key));
    assert.deepEqual(tally.failures, []);
    assert.equal(tally.cases, expectedCases.get('ed25519_test.json'));
  });
}

test('wycheproof: the exact number of cases ran', () => {
  assert.deepEqual(files, [...expectedCases.keys(), ...skippedFiles.keys()].sort());
  assert.equal(total, expectedTotal);
});
