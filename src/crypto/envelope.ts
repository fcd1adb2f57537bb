// Multi-recipient encryption envelopes (DESIGN decision 7): one AES-256-GCM content key encrypts the
// payload once and is sealed to each recipient with HPKE (RFC 9180 base mode, DHKEM(X25519,
// HKDF-SHA256), HKDF-SHA256, AES-256-GCM). Browser-safe: WebCrypto through globalThis.crypto.
import {
  Aes256Gcm,
  CipherSuite,
  DhkemX25519HkdfSha256,
  HkdfSha256,
  type RecipientContextParams,
} from '@hpke/core';
import {
  type CborValue,
  CodecError,
  decode,
  encode,
  readArray,
  readBytes,
  readBytesMax,
  readRecord,
  readString,
} from '../codec/index.ts';
import { bytesEqual, compareBytes, utf8 } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import { sha256 } from './sha256.ts';

export type EnvelopeRecipient = { id: string; publicKey: Uint8Array }; // id = organisation id
export type EncryptionKeyPair = { publicKey: Uint8Array; privateKey: Uint8Array }; // raw X25519

export type EnvelopeErrorCode = 'not_a_recipient' | 'decrypt_failed' | 'malformed';

/** Why an envelope could not be opened; 'malformed' carries the CodecError as its cause. */
export class EnvelopeError extends TallyError {
  override name = 'EnvelopeError';
  declare readonly code: EnvelopeErrorCode;

  constructor(code: EnvelopeErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** The whole encoded envelope; it travels in a transaction, so it is small. */
export const envelopeBytesMax = 8192;
export const envelopeRecipientsMax = 16;
/** Recipient ids are organisation ids (ledger/limits.ts orgIdLengthMax). */
export const recipientIdLengthMax = 64;
export const envelopeVersion = 1;
export const envelopeSuite = 'hpke-base/x25519-hkdf-sha256/hkdf-sha256/aes-256-gcm';

const keyBytes = 32; // X25519 keys, the content key, the key commitment
const nonceBytes = 12;
const tagBytes = 16;
const sealedKeyBytes = keyBytes + tagBytes; // HPKE AES-256-GCM over the 32-byte content key
const hpkeInfo = utf8('tally/envelope/v1');
/**
 * AES-GCM is not key-committing: a sender could seal different content keys to different recipients
 * and craft one ciphertext that opens under each to a different plaintext. The envelope therefore
 * carries sha256(tag, contentKey) and every recipient checks it, so all who open it read one text.
 */
const commitTag = utf8('tally/envelope/v1/key-commitment');

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

type SealedKey = { id: string; enc: Uint8Array; key: Uint8Array };
type ParsedEnvelope = {
  recipients: SealedKey[];
  commitment: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
};

export async function generateEncryptionKeyPair(): Promise<EncryptionKeyPair> {
  const pair = await suite.kem.generateKeyPair();
  return {
    publicKey: new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)),
    privateKey: new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)),
  };
}

/** The X25519 public key of a raw private key (RFC 7748 scalar times the base point). */
export async function encryptionPublicKey(privateKey: Uint8Array): Promise<Uint8Array> {
  checkKeyLength(privateKey, 'privateKey');
  const key = await suite.kem.importKey('raw', toArrayBuffer(privateKey), false);
  const jwk = await subtle().exportKey('jwk', key);
  if (typeof jwk.x !== 'string') throw new TypeError('privateKey: no public key derived');
  return fromBase64Url(jwk.x);
}

/**
 * Encrypts `plaintext` for every recipient. `aad` is bound to both layers: the envelope opens only
 * with the same aad (a remittance id, say), so it cannot be replayed under another record.
 * Throws TypeError/RangeError naming the field on bad input or when the result would exceed
 * envelopeBytesMax.
 */
export async function sealEnvelope(
  plaintext: Uint8Array,
  recipients: readonly EnvelopeRecipient[],
  aad: Uint8Array,
): Promise<Uint8Array> {
  checkBytes(plaintext, 'plaintext');
  checkBytes(aad, 'aad');
  if (plaintext.length > envelopeBytesMax) {
    throw new RangeError(`plaintext: ${plaintext.length} bytes, over ${envelopeBytesMax}`);
  }
  checkRecipients(recipients);
  const contentKey = randomBytes(keyBytes);
  const nonce = randomBytes(nonceBytes);
  const ciphertext = await aesGcm('encrypt', contentKey, nonce, aad, plaintext);
  const sorted = [...recipients].sort((a, b) => compareIds(a.id, b.id));
  // WebCrypto runs the recipients' X25519 and HKDF work concurrently.
  const sealed = await Promise.all(sorted.map((r) => sealContentKey(contentKey, r, aad)));
  const commitment = keyCommitment(contentKey);
  contentKey.fill(0);
  const bytes = encode({
    v: envelopeVersion,
    suite: envelopeSuite,
    recipients: sealed,
    commitment,
    nonce,
    ciphertext,
  });
  if (bytes.length > envelopeBytesMax) {
    throw new RangeError(
      `plaintext: the envelope would be ${bytes.length} bytes, over ${envelopeBytesMax}`,
    );
  }
  return bytes;
}

/**
 * Decrypts the envelope as `recipientId`. Throws EnvelopeError: 'malformed' (not a valid envelope),
 * 'not_a_recipient' (no key sealed to that id), 'decrypt_failed' (wrong private key or aad, or
 * tampered bytes). A private key that is not 32 bytes is a caller bug: TypeError/RangeError.
 */
export async function openEnvelope(
  envelope: Uint8Array,
  recipientId: string,
  privateKey: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  checkKeyLength(privateKey, 'privateKey');
  checkBytes(aad, 'aad');
  let parsed: ParsedEnvelope;
  try {
    parsed = parseEnvelope(envelope);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    throw new EnvelopeError('malformed', error.message, { cause: error });
  }
  const sealed = parsed.recipients.find((r) => r.id === recipientId);
  if (sealed === undefined) {
    throw new EnvelopeError(
      'not_a_recipient',
      `no key is sealed to ${JSON.stringify(recipientId)}`,
    );
  }
  const recipientKey = await suite.kem.importKey('raw', toArrayBuffer(privateKey), false);
  const contentKey = await openContentKey(
    { recipientKey, enc: sealed.enc, info: hpkeInfo },
    sealed.key,
    aad,
  );
  if (!bytesEqual(keyCommitment(contentKey), parsed.commitment)) {
    throw new EnvelopeError('decrypt_failed', 'the content key does not match the commitment');
  }
  try {
    return await aesGcm('decrypt', contentKey, parsed.nonce, aad, parsed.ciphertext);
  } catch (error) {
    throw new EnvelopeError('decrypt_failed', 'the payload does not authenticate', {
      cause: error,
    });
  } finally {
    contentKey.fill(0);
  }
}

/**
 * The recipient ids of an envelope, in its order (ascending), after checking its whole structure:
 * synchronous and free of crypto, so on-chain execution can check who can read it. Throws CodecError.
 */
export function readEnvelopeRecipients(envelope: Uint8Array): string[] {
  // Views: only the ids outlive the parse, so the sealed keys and the ciphertext need no copy.
  return parseEnvelope(envelope, true).recipients.map((r) => r.id);
}

function parseEnvelope(bytes: Uint8Array, views = false): ParsedEnvelope {
  const field = 'envelope';
  const value = decode(bytes, { bytesMax: envelopeBytesMax, field, views });
  const map = readRecord(value, field, [
    'v',
    'suite',
    'recipients',
    'commitment',
    'nonce',
    'ciphertext',
  ]);
  if (map.v !== envelopeVersion) {
    throw new CodecError('out_of_range', `${field}.v`, `expected version ${envelopeVersion}`);
  }
  if (readString(map.suite, `${field}.suite`, envelopeSuite.length) !== envelopeSuite) {
    throw new CodecError('out_of_range', `${field}.suite`, `expected ${envelopeSuite}`);
  }
  const ciphertext = readBytesMax(map.ciphertext, `${field}.ciphertext`, envelopeBytesMax);
  if (ciphertext.length < tagBytes) {
    throw new CodecError(
      'out_of_range',
      `${field}.ciphertext`,
      `shorter than the ${tagBytes}-byte tag`,
    );
  }
  return {
    recipients: readSealedKeys(map.recipients, `${field}.recipients`),
    commitment: readBytes(map.commitment, `${field}.commitment`, keyBytes),
    nonce: readBytes(map.nonce, `${field}.nonce`, nonceBytes),
    ciphertext,
  };
}

function readSealedKeys(value: CborValue | undefined, field: string): SealedKey[] {
  const items = readArray(value, field, envelopeRecipientsMax);
  if (items.length === 0) throw new CodecError('out_of_range', field, 'no recipients');
  const out: SealedKey[] = [];
  for (const [i, item] of items.entries()) {
    const f = `${field}[${i}]`;
    const r = readRecord(item, f, ['id', 'enc', 'key']);
    const id = readRecipientId(r.id, `${f}.id`);
    const previous = out[out.length - 1];
    if (previous !== undefined) {
      const order = compareIds(previous.id, id);
      if (order === 0) throw new CodecError('out_of_range', `${f}.id`, 'duplicate recipient id');
      if (order > 0)
        throw new CodecError('non_canonical', `${f}.id`, 'recipients not sorted by id');
    }
    out.push({
      id,
      enc: readBytes(r.enc, `${f}.enc`, keyBytes),
      key: readBytes(r.key, `${f}.key`, sealedKeyBytes),
    });
  }
  return out;
}

function readRecipientId(value: CborValue | undefined, field: string): string {
  const id = readString(value, field, recipientIdLengthMax);
  if (id.length === 0) throw new CodecError('out_of_range', field, 'is empty');
  return id;
}

function checkRecipients(recipients: readonly EnvelopeRecipient[]): void {
  if (recipients.length === 0 || recipients.length > envelopeRecipientsMax) {
    throw new RangeError(
      `recipients: expected 1 to ${envelopeRecipientsMax}, got ${recipients.length}`,
    );
  }
  const seen = new Set<string>();
  for (const [i, r] of recipients.entries()) {
    if (typeof r.id !== 'string' || r.id.length === 0 || r.id.length > recipientIdLengthMax) {
      throw new RangeError(`recipients[${i}].id: expected 1 to ${recipientIdLengthMax} characters`);
    }
    if (seen.has(r.id))
      throw new RangeError(`recipients[${i}].id: duplicate ${JSON.stringify(r.id)}`);
    seen.add(r.id);
    checkKeyLength(r.publicKey, `recipients[${i}].publicKey`);
  }
}

async function sealContentKey(
  contentKey: Uint8Array,
  recipient: EnvelopeRecipient,
  aad: Uint8Array,
): Promise<CborValue> {
  let out: { enc: ArrayBuffer; ct: ArrayBuffer };
  try {
    const recipientPublicKey = await suite.kem.importKey(
      'raw',
      toArrayBuffer(recipient.publicKey),
      true,
    );
    out = await suite.seal({ recipientPublicKey, info: hpkeInfo }, contentKey, aad);
  } catch (error) {
    // A low-order point gives an all-zero shared secret, which X25519 implementations refuse.
    throw new RangeError(
      `recipients: the public key of ${JSON.stringify(recipient.id)} is unusable`,
      {
        cause: error,
      },
    );
  }
  return { id: recipient.id, enc: new Uint8Array(out.enc), key: new Uint8Array(out.ct) };
}

async function openContentKey(
  params: RecipientContextParams,
  sealedKey: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  try {
    return new Uint8Array(await suite.open(params, sealedKey, aad));
  } catch (error) {
    throw new EnvelopeError('decrypt_failed', 'the sealed content key does not open', {
      cause: error,
    });
  }
}

function keyCommitment(contentKey: Uint8Array): Uint8Array {
  return sha256(commitTag, contentKey);
}

async function aesGcm(
  op: 'encrypt' | 'decrypt',
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const cryptoKey = await subtle().importKey('raw', toArrayBuffer(key), 'AES-GCM', false, [op]);
  const params = {
    name: 'AES-GCM',
    iv: toArrayBuffer(nonce),
    additionalData: toArrayBuffer(aad),
    tagLength: tagBytes * 8,
  };
  const out =
    op === 'encrypt'
      ? await subtle().encrypt(params, cryptoKey, toArrayBuffer(data))
      : await subtle().decrypt(params, cryptoKey, toArrayBuffer(data));
  return new Uint8Array(out);
}

/** Ids order by their UTF-8 bytes, so any implementation sorts recipients the same way. */
function compareIds(a: string, b: string): number {
  return compareBytes(utf8(a), utf8(b));
}

function checkBytes(value: Uint8Array, field: string): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
}

function checkKeyLength(key: Uint8Array, field: string): void {
  checkBytes(key, field);
  if (key.length !== keyBytes) {
    throw new RangeError(`${field}: expected ${keyBytes} bytes, got ${key.length}`);
  }
}

function subtle(): SubtleCrypto {
  const c = globalThis.crypto;
  if (c?.subtle === undefined)
    throw new TypeError('WebCrypto (globalThis.crypto.subtle) is not available');
  return c.subtle;
}

function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** A standalone copy: WebCrypto and the HPKE library take ArrayBuffers, not views into larger ones. */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

function fromBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
