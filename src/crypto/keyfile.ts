// Key files encrypted at rest: the secret key under AES-256-GCM (NIST SP 800-38D) with a key derived
// from the passphrase by scrypt (RFC 7914). The suite, public key and KDF parameters are the GCM
// additional data, so no field can be changed without decryption failing.

import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { assert } from '../util/assert.ts';
import { bytesEqual, fromHex, toHex, utf8 } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { KeyPair } from './suite.ts';
import { getSuite, isSuiteId } from './suites.ts';

export const keyFileVersion = 1;
/** scrypt cost written by default: 2^15 (RFC 7914 section 2's interactive-login figure), ~32 MiB. */
export const scryptNDefault = 2 ** 15;
/** Lowest cost written or read; tests use it to stay fast. */
export const scryptNMin = 2 ** 10;
/** Highest cost read: a hostile file could otherwise ask for gigabytes (memory is 128 * N * r). */
export const scryptNMax = 2 ** 18;
export const scryptR = 8;
export const scryptP = 1;
const scryptRMax = 16;
/** Memory scrypt may use when reading a file (128 * N * r bytes): the default needs 32 MiB. */
export const scryptMemoryBytesMax = 256 * 1024 * 1024;
const scryptPMax = 4;
const saltBytes = 16;
const ivBytes = 12;
const tagBytes = 16;
const aesKeyBytes = 32;
const secretKeyBytes = 32;
/** What a key file may weigh when read; a real one is under 1 KiB. */
export const keyFileBytesMax = 16 * 1024;

export type KeyFileOptions = { readonly scryptN?: number };

type KdfParams = { name: 'scrypt'; salt: string; N: number; r: number; p: number };
type KeyFile = {
  version: number;
  suite: string;
  publicKey: string;
  kdf: KdfParams;
  cipher: { name: 'aes-256-gcm'; iv: string; ciphertext: string; tag: string };
};

const restoreAdvice = 'Restore the key file from your backup, or create a new key.';

function additionalData(
  file: Pick<KeyFile, 'version' | 'suite' | 'publicKey' | 'kdf'>,
): Uint8Array {
  const { kdf } = file;
  return utf8(
    JSON.stringify([
      'tally-keyfile',
      file.version,
      file.suite,
      file.publicKey,
      kdf.name,
      kdf.salt,
      kdf.N,
      kdf.r,
      kdf.p,
    ]),
  );
}

function deriveKey(passphrase: string, salt: Uint8Array, N: number, r: number, p: number): Buffer {
  // NFC so that the same passphrase typed on different systems gives the same bytes.
  const maxmem = 256 * N * r + 1024 * 1024; // twice what scrypt needs (128 * N * r), plus headroom
  return scryptSync(utf8(passphrase.normalize('NFC')), salt, aesKeyBytes, { N, r, p, maxmem });
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** The key pair's secret encrypted under `passphrase`, as the JSON text of a key file. */
export function encryptKeyFile(
  keyPair: KeyPair,
  passphrase: string,
  options: KeyFileOptions = {},
): string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new TallyError(
      'keyfile_passphrase_empty',
      'A key file needs a passphrase: choose a non-empty one.',
    );
  }
  const N = options.scryptN ?? scryptNDefault;
  if (!isPowerOfTwo(N) || N < scryptNMin || N > scryptNMax) {
    throw new RangeError(
      `scryptN: expected a power of two in [${scryptNMin}, ${scryptNMax}], got ${N}`,
    );
  }
  const suite = getSuite(keyPair.suite);
  const derived = suite.keyPairFromSecret(keyPair.secretKey);
  if (!bytesEqual(derived.publicKey, keyPair.publicKey)) {
    throw new RangeError('keyPair: publicKey does not belong to secretKey');
  }
  const salt = randomBytes(saltBytes);
  const iv = randomBytes(ivBytes);
  const header = {
    version: keyFileVersion,
    suite: keyPair.suite,
    publicKey: toHex(keyPair.publicKey),
    kdf: { name: 'scrypt' as const, salt: toHex(salt), N, r: scryptR, p: scryptP },
  };
  const cipher = createCipheriv(
    'aes-256-gcm',
    deriveKey(passphrase, salt, N, scryptR, scryptP),
    iv,
  );
  cipher.setAAD(additionalData(header));
  const ciphertext = Buffer.concat([cipher.update(keyPair.secretKey), cipher.final()]);
  const file: KeyFile = {
    ...header,
    cipher: {
      name: 'aes-256-gcm',
      iv: toHex(iv),
      ciphertext: toHex(ciphertext),
      tag: toHex(cipher.getAuthTag()),
    },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The key pair in a key file; a TallyError with a `keyfile_*` code when it cannot be recovered. */
export function decryptKeyFile(text: string, passphrase: string): KeyPair {
  const file = parseKeyFile(text);
  const kdf = file.kdf;
  const key = deriveKey(passphrase, fromHex(kdf.salt), kdf.N, kdf.r, kdf.p);
  const decipher = createDecipheriv('aes-256-gcm', key, fromHex(file.cipher.iv));
  decipher.setAAD(additionalData(file));
  decipher.setAuthTag(fromHex(file.cipher.tag));
  let secretKey: Uint8Array;
  try {
    secretKey = new Uint8Array(
      Buffer.concat([decipher.update(fromHex(file.cipher.ciphertext)), decipher.final()]),
    );
  } catch (cause) {
    throw new TallyError(
      'keyfile_wrong_passphrase_or_tampered',
      `Cannot decrypt the key file: the passphrase is wrong or the file was modified. Check the passphrase; if it is right, ${restoreAdvice.toLowerCase()}`,
      { cause },
    );
  }
  assert(isSuiteId(file.suite), 'keyfile: suite was checked when parsing');
  const keyPair = getSuite(file.suite).keyPairFromSecret(secretKey);
  // GCM authenticated the public key, so a mismatch means the file was written wrong, not tampered.
  if (toHex(keyPair.publicKey) !== file.publicKey) {
    throw new TallyError(
      'keyfile_public_key_mismatch',
      `The key file's secret key does not match its public key. ${restoreAdvice}`,
    );
  }
  return keyPair;
}

export function saveKeyFile(
  path: string,
  keyPair: KeyPair,
  passphrase: string,
  options: KeyFileOptions = {},
): void {
  const text = encryptKeyFile(keyPair, passphrase, options);
  try {
    // 'wx': never overwrite an existing key file, which could be the only copy of a key.
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new TallyError(
      exists ? 'keyfile_exists' : 'keyfile_write_failed',
      exists
        ? `A key file already exists at ${path}: move it away first, or choose another path.`
        : `Cannot write the key file ${path}: check that the directory exists and is writable.`,
      { cause, details: { path } },
    );
  }
}

export function loadKeyFile(path: string, passphrase: string): KeyPair {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TallyError(
      'keyfile_unreadable',
      `Cannot read the key file ${path}: check the path and its permissions.`,
      {
        cause,
        details: { path },
      },
    );
  }
  return decryptKeyFile(text, passphrase);
}

function malformed(field: string, expected: string): TallyError {
  return new TallyError(
    'keyfile_malformed',
    `The key file is damaged: field ${field} should be ${expected}. ${restoreAdvice}`,
    {
      details: { field },
    },
  );
}

function readHex(value: unknown, field: string, bytesMin: number, bytesMax: number): string {
  const hexPattern = /^(?:[0-9a-f]{2})*$/;
  if (
    typeof value !== 'string' ||
    !hexPattern.test(value) ||
    value.length < 2 * bytesMin ||
    value.length > 2 * bytesMax
  ) {
    const size = bytesMin === bytesMax ? `${bytesMin}` : `${bytesMin} to ${bytesMax}`;
    throw malformed(field, `${size} bytes of lower-case hex`);
  }
  return value;
}

function readObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw malformed(field, 'an object');
  return value as Record<string, unknown>;
}

function parseKeyFile(text: string): KeyFile {
  if (typeof text !== 'string' || text.length > keyFileBytesMax)
    throw malformed('(file)', `JSON text under ${keyFileBytesMax} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformed('(file)', 'JSON text');
  }
  const root = readObject(json, '(file)');
  if (root.version !== keyFileVersion) {
    throw new TallyError(
      'keyfile_unsupported_version',
      `The key file has version ${JSON.stringify(root.version)}; this Tally reads version ${keyFileVersion}. Use the Tally release that wrote it, or create a new key.`,
      { details: { version: root.version } },
    );
  }
  if (!isSuiteId(root.suite)) {
    throw new TallyError(
      'keyfile_unsupported_suite',
      `The key file's suite ${JSON.stringify(root.suite)} is not one Tally supports (ed25519, p256, sm2). ${restoreAdvice}`,
      {
        details: { suite: root.suite },
      },
    );
  }
  const publicKey = readHex(
    root.publicKey,
    'publicKey',
    getSuite(root.suite).publicKeyBytes,
    getSuite(root.suite).publicKeyBytes,
  );
  const kdf = parseKdf(readObject(root.kdf, 'kdf'));
  const cipher = readObject(root.cipher, 'cipher');
  if (cipher.name !== 'aes-256-gcm') {
    throw new TallyError(
      'keyfile_unsupported_cipher',
      `The key file's cipher ${JSON.stringify(cipher.name)} is not supported (expected aes-256-gcm). ${restoreAdvice}`,
    );
  }
  return {
    version: keyFileVersion,
    suite: root.suite,
    publicKey,
    kdf,
    cipher: {
      name: 'aes-256-gcm',
      iv: readHex(cipher.iv, 'cipher.iv', ivBytes, ivBytes),
      ciphertext: readHex(cipher.ciphertext, 'cipher.ciphertext', secretKeyBytes, secretKeyBytes),
      tag: readHex(cipher.tag, 'cipher.tag', tagBytes, tagBytes),
    },
  };
}

function parseKdf(kdf: Record<string, unknown>): KdfParams {
  const { name, N, r, p } = kdf;
  const unsupported = (what: string): TallyError =>
    new TallyError(
      'keyfile_unsupported_kdf',
      `The key file's key derivation is not supported: ${what}. ${restoreAdvice}`,
      {
        details: { kdf },
      },
    );
  if (name !== 'scrypt') throw unsupported(`kdf.name ${JSON.stringify(name)} (expected scrypt)`);
  if (typeof N !== 'number' || !isPowerOfTwo(N) || N < scryptNMin || N > scryptNMax) {
    throw unsupported(
      `kdf.N ${JSON.stringify(N)} (expected a power of two from ${scryptNMin} to ${scryptNMax})`,
    );
  }
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > scryptRMax)
    throw unsupported(`kdf.r ${JSON.stringify(r)} (expected 1 to ${scryptRMax})`);
  if (128 * N * r > scryptMemoryBytesMax) {
    throw unsupported(
      `kdf.N * kdf.r asks for ${(128 * N * r) / 2 ** 20} MiB (at most ${scryptMemoryBytesMax / 2 ** 20} MiB)`,
    );
  }
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > scryptPMax)
    throw unsupported(`kdf.p ${JSON.stringify(p)} (expected 1 to ${scryptPMax})`);
  return { name, salt: readHex(kdf.salt, 'kdf.salt', saltBytes, 64), N, r, p };
}
