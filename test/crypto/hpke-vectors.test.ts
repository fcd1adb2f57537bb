// The HPKE library (@hpke/core) against RFC 9180 appendix A: the parts our envelope suite uses
// (X25519 with HKDF-SHA256 in A.1.1, AES-256-GCM keys in A.6.1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  Aes128Gcm,
  Aes256Gcm,
  CipherSuite,
  DhkemP521HkdfSha512,
  DhkemX25519HkdfSha256,
  HkdfSha256,
  HkdfSha512,
} from '@hpke/core';
import { encryptionPublicKey } from '../../src/crypto/envelope.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';

type Encryption = { seq: number; pt: string; aad: string; ct: string };
type Vector = Record<string, string> & { encryptions: Encryption[] };
const vectors = JSON.parse(
  readFileSync(new URL('../vectors/hpke/rfc9180.json', import.meta.url), 'utf8'),
) as Record<'A.1.1' | 'A.6.1', Vector>;

const hex = (v: Vector, key: string): Uint8Array => fromHex(v[key]!, key);
const buf = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

describe('HPKE library against RFC 9180 appendix A', () => {
  test('A.1.1 DHKEM(X25519, HKDF-SHA256), HKDF-SHA256: keys, enc and ciphertexts', async () => {
    const v = vectors['A.1.1'];
    const suite = new CipherSuite({
      kem: new DhkemX25519HkdfSha256(),
      kdf: new HkdfSha256(),
      aead: new Aes128Gcm(),
    });
    const recipient = await suite.kem.deriveKeyPair(hex(v, 'ikmR'));
    const pkR = new Uint8Array(await suite.kem.serializePublicKey(recipient.publicKey));
    assert.equal(toHex(pkR), v.pkRm);
    const skR = new Uint8Array(await suite.kem.serializePrivateKey(recipient.privateKey));
    assert.equal(toHex(skR), v.skRm);
    assert.equal(toHex(await encryptionPublicKey(hex(v, 'skEm'))), v.pkEm);
    assert.equal(toHex(await encryptionPublicKey(skR)), v.pkRm);

    const sender = await suite.createSenderContext({
      recipientPublicKey: recipient.publicKey,
      info: hex(v, 'info'),
      ekm: hex(v, 'ikmE'),
    });
    assert.equal(toHex(new Uint8Array(sender.enc)), v.enc);
    const receiver = await suite.createRecipientContext({
      recipientKey: await suite.kem.importKey('raw', buf(hex(v, 'skRm')), false),
      enc: hex(v, 'enc'),
      info: hex(v, 'info'),
    });
    for (const e of v.encryptions) {
      const ct = new Uint8Array(await sender.seal(fromHex(e.pt), fromHex(e.aad)));
      assert.equal(toHex(ct), e.ct, `sequence ${e.seq}`);
      const pt = new Uint8Array(await receiver.open(ct, fromHex(e.aad)));
      assert.equal(toHex(pt), e.pt);
    }
  });

  test('A.6.1 AES-256-GCM in the key schedule and the AEAD: ciphertexts', async () => {
    const v = vectors['A.6.1'];
    const suite = new CipherSuite({
      kem: new DhkemP521HkdfSha512(),
      kdf: new HkdfSha512(),
      aead: new Aes256Gcm(),
    });
    const ekm = {
      privateKey: await suite.kem.importKey('raw', buf(hex(v, 'skEm')), false),
      publicKey: await suite.kem.importKey('raw', buf(hex(v, 'pkEm')), true),
    };
    const recipientPublicKey = await suite.kem.importKey('raw', buf(hex(v, 'pkRm')), true);
    const sender = await suite.createSenderContext({
      recipientPublicKey,
      info: hex(v, 'info'),
      ekm,
    });
    assert.equal(toHex(new Uint8Array(sender.enc)), v.enc);
    const receiver = await suite.createRecipientContext({
      recipientKey: await suite.kem.importKey('raw', buf(hex(v, 'skRm')), false),
      enc: hex(v, 'enc'),
      info: hex(v, 'info'),
    });
    for (const e of v.encryptions) {
      const ct = new Uint8Array(await sender.seal(fromHex(e.pt), fromHex(e.aad)));
      assert.equal(toHex(ct), e.ct, `sequence ${e.seq}`);
      assert.equal(toHex(new Uint8Array(await receiver.open(ct, fromHex(e.aad)))), e.pt);
    }
  });
});
