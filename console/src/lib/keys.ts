// API keys in the browser, held in memory only: the loopback demo's bundle (served by the node when
// `tally start` configured it), or a key file the user imports with its passphrase, decrypted here
// (the format of src/crypto/keyfile.ts: scrypt, RFC 7914, then AES-256-GCM with WebCrypto).
import { scryptAsync } from '@noble/hashes/scrypt.js';
import {
  accountFromSecretKey,
  fromHex,
  type LocalAccount,
  type SuiteId,
} from '../../../src/sdk/index.ts';

export type ConsoleKey = {
  readonly orgId: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly account: LocalAccount;
  readonly source: 'demo' | 'imported';
};

const suites: readonly SuiteId[] = ['ed25519', 'p256', 'sm2'];
/** The same bounds the node's reader keeps (src/crypto/keyfile.ts): a hostile file asks for no more. */
const scryptNMin = 2 ** 10;
const scryptNMax = 2 ** 18;
const scryptRMax = 16;
const scryptPMax = 4;
const keyFileBytesMax = 16 * 1024;

function isSuite(value: unknown): value is SuiteId {
  return typeof value === 'string' && (suites as readonly string[]).includes(value);
}

type DemoKeysResult = { keys: ConsoleKey[]; note: string };

/** The node's demo keys, or none with the reason (no bundle here, or not a loopback caller). */
export async function loadDemoKeys(): Promise<DemoKeysResult> {
  let response: Response;
  try {
    response = await fetch('/console/demo-keys.json', { cache: 'no-store' });
  } catch {
    return { keys: [], note: 'the node did not answer' };
  }
  if (!response.ok)
    return { keys: [], note: response.status === 403 ? 'refused: not a loopback caller' : 'none' };
  const body = (await response.json()) as { keys?: unknown };
  if (!Array.isArray(body.keys)) return { keys: [], note: 'the bundle has no keys' };
  const keys = body.keys.flatMap((entry): ConsoleKey[] => {
    const k = entry as Record<string, unknown>;
    if (!isSuite(k.suite) || typeof k.secretKey !== 'string' || typeof k.orgId !== 'string')
      return [];
    return [
      {
        orgId: k.orgId,
        name: typeof k.name === 'string' ? k.name : `${k.orgId}-api`,
        roles: Array.isArray(k.roles) ? k.roles.filter((r) => typeof r === 'string') : [],
        account: accountFromSecretKey(k.suite, fromHex(k.secretKey, 'secretKey')),
        source: 'demo',
      },
    ];
  });
  return { keys, note: `${keys.length} demo keys from this node` };
}

class KeyFileError extends Error {
  override name = 'KeyFileError';
}

function hexField(value: unknown, field: string, bytes?: number): Uint8Array {
  if (typeof value !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(value))
    throw new KeyFileError(`the key file is damaged: ${field} should be lower-case hex`);
  const out = fromHex(value, field);
  if (bytes !== undefined && out.length !== bytes)
    throw new KeyFileError(`the key file is damaged: ${field} should be ${bytes} bytes`);
  return out;
}

function kdfNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new KeyFileError(`the key file's ${field} is not supported (${min} to ${max})`);
  return value;
}

type ParsedKeyFile = {
  suite: SuiteId;
  publicKey: string;
  salt: Uint8Array;
  N: number;
  r: number;
  p: number;
  iv: Uint8Array<ArrayBuffer>;
  sealed: Uint8Array<ArrayBuffer>;
  additionalData: Uint8Array<ArrayBuffer>;
};

function parseKeyFile(text: string): ParsedKeyFile {
  if (text.length > keyFileBytesMax) throw new KeyFileError('this is not a key file: too large');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new KeyFileError('this is not a key file: not JSON');
  }
  if (doc.version !== 1) throw new KeyFileError('the key file has an unsupported version');
  if (!isSuite(doc.suite)) throw new KeyFileError('the key file has an unsupported suite');
  const kdf = (doc.kdf ?? {}) as Record<string, unknown>;
  const cipher = (doc.cipher ?? {}) as Record<string, unknown>;
  if (kdf.name !== 'scrypt' || cipher.name !== 'aes-256-gcm')
    throw new KeyFileError('the key file uses a KDF or cipher this console does not know');
  const N = kdfNumber(kdf.N, 'kdf.N', scryptNMin, scryptNMax);
  if ((N & (N - 1)) !== 0) throw new KeyFileError("the key file's kdf.N is not a power of two");
  const r = kdfNumber(kdf.r, 'kdf.r', 1, scryptRMax);
  const p = kdfNumber(kdf.p, 'kdf.p', 1, scryptPMax);
  const publicKey = typeof doc.publicKey === 'string' ? doc.publicKey : '';
  const salt = typeof kdf.salt === 'string' ? kdf.salt : '';
  // The GCM additional data binds every header field (src/crypto/keyfile.ts additionalData).
  const header = ['tally-keyfile', 1, doc.suite, publicKey, 'scrypt', salt, N, r, p];
  const ciphertext = hexField(cipher.ciphertext, 'cipher.ciphertext', 32);
  const tag = hexField(cipher.tag, 'cipher.tag', 16);
  const sealed = new Uint8Array(48);
  sealed.set(ciphertext, 0);
  sealed.set(tag, 32); // WebCrypto takes the tag appended to the ciphertext
  return {
    suite: doc.suite,
    publicKey,
    salt: hexField(kdf.salt, 'kdf.salt'),
    N,
    r,
    p,
    iv: ownBuffer(hexField(cipher.iv, 'cipher.iv', 12)),
    sealed,
    additionalData: new TextEncoder().encode(JSON.stringify(header)),
  };
}

/** A copy on its own ArrayBuffer, as WebCrypto's BufferSource wants. */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** Decrypts a key file with its passphrase; throws with a message a person can act on. */
export async function decryptKeyFile(text: string, passphrase: string): Promise<LocalAccount> {
  const file = parseKeyFile(text);
  const password = new TextEncoder().encode(passphrase.normalize('NFC'));
  const derived: Uint8Array<ArrayBuffer> = await scryptAsync(password, file.salt, {
    N: file.N,
    r: file.r,
    p: file.p,
    dkLen: 32,
    maxmem: 256 * file.N * file.r + 1024 * 1024,
  });
  const key = await crypto.subtle.importKey('raw', derived, 'AES-GCM', false, ['decrypt']);
  let secret: Uint8Array;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: file.iv, additionalData: file.additionalData, tagLength: 128 },
      key,
      file.sealed,
    );
    secret = new Uint8Array(plain);
  } catch {
    throw new KeyFileError(
      'cannot decrypt the key file: the passphrase is wrong or the file was modified',
    );
  }
  const account = accountFromSecretKey(file.suite, secret);
  secret.fill(0);
  if (account.publicKeyHex !== file.publicKey)
    throw new KeyFileError("the key file's secret key does not match its public key");
  return account;
}

/** scrypt cost for key files made here: the node's default (src/crypto/keyfile.ts scryptNDefault). */
const scryptNNew = 2 ** 15;
const scryptRNew = 8;
const scryptPNew = 1;

function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  crypto.getRandomValues(out);
  return out;
}

function toHexText(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A key file for a secret key made in this tab, in the format `tally keys generate` writes and
 * decryptKeyFile above reads (scrypt, then AES-256-GCM binding the header as additional data).
 */
export async function createKeyFile(
  key: { suite: SuiteId; publicKeyHex: string; secretKey: Uint8Array },
  passphrase: string,
): Promise<string> {
  if (passphrase.length === 0) throw new KeyFileError('a key file needs a passphrase');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const kdf = {
    name: 'scrypt',
    salt: toHexText(salt),
    N: scryptNNew,
    r: scryptRNew,
    p: scryptPNew,
  };
  const header = [
    'tally-keyfile',
    1,
    key.suite,
    key.publicKeyHex,
    kdf.name,
    kdf.salt,
    kdf.N,
    kdf.r,
    kdf.p,
  ];
  const derived: Uint8Array<ArrayBuffer> = await scryptAsync(
    new TextEncoder().encode(passphrase.normalize('NFC')),
    salt,
    { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 32, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 },
  );
  const aes = await crypto.subtle.importKey('raw', derived, 'AES-GCM', false, ['encrypt']);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      {
        name: 'AES-GCM',
        iv,
        additionalData: new TextEncoder().encode(JSON.stringify(header)),
        tagLength: 128,
      },
      aes,
      ownBuffer(key.secretKey),
    ),
  );
  const file = {
    version: 1,
    suite: key.suite,
    publicKey: key.publicKeyHex,
    kdf,
    cipher: {
      name: 'aes-256-gcm',
      iv: toHexText(iv),
      ciphertext: toHexText(sealed.subarray(0, sealed.length - 16)),
      tag: toHexText(sealed.subarray(sealed.length - 16)),
    },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
