// Key files encrypted at rest: round trips, wrong passphrase, tampering of each field, hostile KDF
// parameters, and the file written with mode 0600. Tests use scrypt N = 2^10 to stay fast.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  decryptKeyFile,
  encryptKeyFile,
  loadKeyFile,
  saveKeyFile,
  scryptNMin,
} from '../../src/crypto/keyfile.ts';
import { suiteIds } from '../../src/crypto/suite.ts';
import { getSuite } from '../../src/crypto/suites.ts';
import { TallyError } from '../../src/util/errors.ts';

const options = { scryptN: scryptNMin };
const passphrase = 'correct horse battery staple';
const dir = mkdtempSync(join(tmpdir(), 'tally-keyfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function assertCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TallyError, `expected a TallyError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

/** A copy of the file's JSON with `path` (dot-separated) set by `change`. */
function tamper(text: string, path: string, change: (value: unknown) => unknown): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  const keys = path.split('.');
  let target = json;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  target[last] = change(target[last]);
  return JSON.stringify(json);
}

const flipHex = (value: unknown): string => {
  const hex = value as string;
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
};

for (const id of suiteIds) {
  test(`${id}: a key pair survives encrypt and decrypt`, () => {
    const keyPair = getSuite(id).generateKeyPair();
    const text = encryptKeyFile(keyPair, passphrase, options);
    assert.deepEqual(decryptKeyFile(text, passphrase), keyPair);
    const json = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['version', 'suite', 'publicKey', 'kdf', 'cipher']);
    assert.ok(!text.includes(Buffer.from(keyPair.secretKey).toString('hex')));
  });
}

const keyPair = getSuite('ed25519').generateKeyPair();
const text = encryptKeyFile(keyPair, passphrase, options);
const wrongOrTampered =
  /passphrase is wrong or the file was modified\. Check the passphrase; if it is right, restore the key file from your backup/;

test('error: wrong passphrase', () => {
  assertCode(
    () => decryptKeyFile(text, 'Correct horse battery staple'),
    'keyfile_wrong_passphrase_or_tampered',
    wrongOrTampered,
  );
});

test('two encryptions of one key differ (fresh salt and iv)', () => {
  assert.notEqual(encryptKeyFile(keyPair, passphrase, options), text);
});

const tamperCases: [string, (value: unknown) => unknown, string][] = [
  ['publicKey', flipHex, 'keyfile_wrong_passphrase_or_tampered'],
  ['kdf.salt', flipHex, 'keyfile_wrong_passphrase_or_tampered'],
  ['kdf.N', (n) => (n as number) * 2, 'keyfile_wrong_passphrase_or_tampered'],
  ['kdf.r', () => 4, 'keyfile_wrong_passphrase_or_tampered'],
  ['kdf.p', () => 2, 'keyfile_wrong_passphrase_or_tampered'],
  ['cipher.iv', flipHex, 'keyfile_wrong_passphrase_or_tampered'],
  ['cipher.ciphertext', flipHex, 'keyfile_wrong_passphrase_or_tampered'],
  ['cipher.tag', flipHex, 'keyfile_wrong_passphrase_or_tampered'],
  ['version', () => 2, 'keyfile_unsupported_version'],
  ['suite', () => 'rsa', 'keyfile_unsupported_suite'],
  ['suite', () => 'p256', 'keyfile_malformed'], // an Ed25519 public key is not 33 bytes
  ['kdf.name', () => 'pbkdf2', 'keyfile_unsupported_kdf'],
  ['cipher.name', () => 'aes-128-gcm', 'keyfile_unsupported_cipher'],
  ['cipher.tag', (tag) => (tag as string).slice(2), 'keyfile_malformed'],
  ['cipher.iv', (iv) => (iv as string).toUpperCase(), 'keyfile_malformed'],
  ['kdf', () => 'scrypt', 'keyfile_malformed'],
];

for (const [field, change, code] of tamperCases) {
  test(`error: tampered ${field} gives ${code}`, () => {
    assertCode(() => decryptKeyFile(tamper(text, field, change), passphrase), code);
  });
}

test('error: swapping the suite between same-size keys fails authentication', () => {
  const p256Text = encryptKeyFile(getSuite('p256').generateKeyPair(), passphrase, options);
  assertCode(
    () =>
      decryptKeyFile(
        tamper(p256Text, 'suite', () => 'sm2'),
        passphrase,
      ),
    'keyfile_wrong_passphrase_or_tampered',
  );
});

test('error: hostile scrypt parameters are refused before any work', () => {
  assertCode(
    () =>
      decryptKeyFile(
        tamper(text, 'kdf.N', () => 2 ** 30),
        passphrase,
      ),
    'keyfile_unsupported_kdf',
    /kdf\.N 1073741824/,
  );
  assertCode(
    () =>
      decryptKeyFile(
        tamper(text, 'kdf.N', () => 1000),
        passphrase,
      ),
    'keyfile_unsupported_kdf',
  );
  assertCode(
    () =>
      decryptKeyFile(
        tamper(text, 'kdf.r', () => 17),
        passphrase,
      ),
    'keyfile_unsupported_kdf',
  );
  const heavy = tamper(
    tamper(text, 'kdf.N', () => 2 ** 18),
    'kdf.r',
    () => 16,
  );
  assertCode(() => decryptKeyFile(heavy, passphrase), 'keyfile_unsupported_kdf', /MiB/);
  assertCode(
    () =>
      decryptKeyFile(
        tamper(text, 'kdf.p', () => 0),
        passphrase,
      ),
    'keyfile_unsupported_kdf',
  );
});

test('error: not JSON, or not an object', () => {
  assertCode(() => decryptKeyFile('{"version": 1,', passphrase), 'keyfile_malformed', /damaged/);
  assertCode(() => decryptKeyFile('[1]', passphrase), 'keyfile_malformed');
  assertCode(() => decryptKeyFile(' '.repeat(20_000), passphrase), 'keyfile_malformed');
});

test('error: an empty passphrase or a weak scrypt cost is refused when encrypting', () => {
  assertCode(() => encryptKeyFile(keyPair, '', options), 'keyfile_passphrase_empty');
  assert.throws(
    () => encryptKeyFile(keyPair, passphrase, { scryptN: 512 }),
    /scryptN: expected a power of two/,
  );
  const mismatched = { ...keyPair, publicKey: getSuite('ed25519').generateKeyPair().publicKey };
  assert.throws(() => encryptKeyFile(mismatched, passphrase, options), /publicKey does not belong/);
});

test('saveKeyFile writes mode 0600 and loadKeyFile reads it back', () => {
  const path = join(dir, 'node.key.json');
  saveKeyFile(path, keyPair, passphrase, options);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(loadKeyFile(path, passphrase), keyPair);
  assertCode(() => saveKeyFile(path, keyPair, passphrase, options), 'keyfile_exists');
  assertCode(() => loadKeyFile(join(dir, 'missing.json'), passphrase), 'keyfile_unreadable');
  const tampered = join(dir, 'tampered.json');
  writeFileSync(tampered, tamper(text, 'cipher.tag', flipHex));
  assertCode(() => loadKeyFile(tampered, passphrase), 'keyfile_wrong_passphrase_or_tampered');
});

test('the default scrypt cost is 2^15 and decrypts', () => {
  const slow = encryptKeyFile(keyPair, passphrase);
  assert.equal((JSON.parse(slow) as { kdf: { N: number } }).kdf.N, 2 ** 15);
  assert.deepEqual(decryptKeyFile(slow, passphrase), keyPair);
});
