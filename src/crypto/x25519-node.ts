// X25519 key pairs for the HPKE envelopes (crypto/envelope.ts) on the server side: made with
// node:crypto, kept on disk as passphrase-encrypted PKCS #8 PEM, handed to the envelope code as the
// raw 32-byte keys that RFC 7748 and WebCrypto use.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { TallyError } from '../util/errors.ts';

export type RawX25519KeyPair = { readonly publicKey: Uint8Array; readonly privateKey: Uint8Array };

const keyBytes = 32;

function rawOf(key: KeyObject, field: 'x' | 'd'): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  const value = jwk[field];
  if (typeof value !== 'string')
    throw new TallyError('key_invalid', `not an X25519 key (${field})`);
  const raw = new Uint8Array(Buffer.from(value, 'base64url'));
  if (raw.length !== keyBytes) throw new TallyError('key_invalid', 'an X25519 key has 32 bytes');
  return raw;
}

export function generateX25519(): { pair: RawX25519KeyPair; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    pair: { publicKey: rawOf(publicKey, 'x'), privateKey: rawOf(privateKey, 'd') },
    privateKey,
  };
}

/** Encrypted PKCS #8 PEM (AES-256-CBC, key from the passphrase by PBKDF2, as OpenSSL writes it). */
export function exportX25519Pem(privateKey: KeyObject, passphrase: string): string {
  return privateKey
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase })
    .toString();
}

export function importX25519Pem(pem: string, passphrase: string): RawX25519KeyPair {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (cause) {
    throw new TallyError(
      'key_unreadable',
      'cannot decrypt the encryption key (wrong passphrase?)',
      {
        cause,
      },
    );
  }
  if (key.asymmetricKeyType !== 'x25519')
    throw new TallyError('key_invalid', `expected an X25519 key, found ${key.asymmetricKeyType}`);
  return { publicKey: rawOf(createPublicKey(key), 'x'), privateKey: rawOf(key, 'd') };
}
