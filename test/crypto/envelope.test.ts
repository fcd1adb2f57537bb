// HPKE envelopes (src/crypto/envelope.ts): round trips, failures and the strict structure reader
// (the library itself is checked against RFC 9180 in hpke-vectors.test.ts).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type CborValue, CodecError, decode, encode } from '../../src/codec/index.ts';
import {
  type EncryptionKeyPair,
  EnvelopeError,
  encryptionPublicKey,
  envelopeBytesMax,
  envelopeRecipientsMax,
  generateEncryptionKeyPair,
  openEnvelope,
  readEnvelopeRecipients,
  sealEnvelope,
} from '../../src/crypto/envelope.ts';
import { utf8 } from '../../src/util/bytes.ts';

const orgs = ['bank', 'receiving-wallet', 'regulator-hk', 'sending-wallet'] as const;
const keys = new Map<string, EncryptionKeyPair>();
async function keyOf(id: string): Promise<EncryptionKeyPair> {
  let pair = keys.get(id);
  if (pair === undefined) {
    pair = await generateEncryptionKeyPair();
    keys.set(id, pair);
  }
  return pair;
}
async function recipientsOf(ids: readonly string[]) {
  return Promise.all(ids.map(async (id) => ({ id, publicKey: (await keyOf(id)).publicKey })));
}

const aad = utf8('remittance 4f1c0b7e');
const plaintext = utf8('{"originator":"Chan Tai Man","beneficiary":"Juan dela Cruz"}');

async function sealed(): Promise<Uint8Array> {
  return sealEnvelope(
    plaintext,
    await recipientsOf(['sending-wallet', 'bank', 'regulator-hk']),
    aad,
  );
}

/** Decodes an envelope, lets `edit` change its map, and encodes it again canonically. */
function edited(envelope: Uint8Array, edit: (map: Record<string, CborValue>) => void): Uint8Array {
  const map = { ...(decode(envelope) as Record<string, CborValue>) };
  edit(map);
  return encode(map);
}

function recipientsField(map: Record<string, CborValue>): Record<string, CborValue>[] {
  return (map.recipients as Record<string, CborValue>[]).map((r) => ({ ...r }));
}

function flipped(bytes: Uint8Array, index = 0): Uint8Array {
  const copy = bytes.slice();
  copy[index] = copy[index]! ^ 1;
  return copy;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof EnvelopeError, String(error));
    assert.equal(error.code, code);
    return true;
  });
}

describe('envelope round trips', () => {
  test('generates raw X25519 key pairs whose public key it can derive again', async () => {
    const pair = await generateEncryptionKeyPair();
    assert.equal(pair.publicKey.length, 32);
    assert.equal(pair.privateKey.length, 32);
    assert.deepEqual(await encryptionPublicKey(pair.privateKey), pair.publicKey);
  });

  test('every recipient opens the same plaintext; ids come back sorted', async () => {
    const envelope = await sealed();
    assert.deepEqual(readEnvelopeRecipients(envelope), ['bank', 'regulator-hk', 'sending-wallet']);
    for (const id of ['bank', 'regulator-hk', 'sending-wallet']) {
      const opened = await openEnvelope(envelope, id, (await keyOf(id)).privateKey, aad);
      assert.deepEqual(opened, plaintext);
    }
    assert.ok(envelope.length <= envelopeBytesMax);
  });

  test('one recipient, an empty plaintext and an empty aad', async () => {
    const envelope = await sealEnvelope(
      new Uint8Array(0),
      await recipientsOf(['bank']),
      new Uint8Array(0),
    );
    const opened = await openEnvelope(
      envelope,
      'bank',
      (await keyOf('bank')).privateKey,
      new Uint8Array(0),
    );
    assert.equal(opened.length, 0);
  });

  test('sixteen recipients fit, and sealing twice gives different bytes', async () => {
    const ids = Array.from(
      { length: envelopeRecipientsMax },
      (_, i) => `org-${String(i).padStart(2, '0')}`,
    );
    const recipients = await recipientsOf(ids);
    const a = await sealEnvelope(plaintext, recipients, aad);
    const b = await sealEnvelope(plaintext, recipients, aad);
    assert.notDeepEqual(a, b);
    assert.deepEqual(readEnvelopeRecipients(a), ids);
    const last = ids[ids.length - 1]!;
    assert.deepEqual(await openEnvelope(b, last, (await keyOf(last)).privateKey, aad), plaintext);
  });
});

describe('envelope failures when opening', () => {
  test('error: not_a_recipient for an id with no sealed key', async () => {
    const envelope = await sealed();
    await rejectsWith(
      openEnvelope(envelope, 'receiving-wallet', (await keyOf('receiving-wallet')).privateKey, aad),
      'not_a_recipient',
    );
  });

  test("error: decrypt_failed with another recipient's private key", async () => {
    const envelope = await sealed();
    await rejectsWith(
      openEnvelope(envelope, 'bank', (await keyOf('sending-wallet')).privateKey, aad),
      'decrypt_failed',
    );
  });

  test('error: decrypt_failed with a different aad', async () => {
    const envelope = await sealed();
    await rejectsWith(
      openEnvelope(envelope, 'bank', (await keyOf('bank')).privateKey, utf8('remittance other')),
      'decrypt_failed',
    );
  });

  test('error: decrypt_failed when the ciphertext, nonce, commitment or a sealed key is altered', async () => {
    const envelope = await sealed();
    const bank = (await keyOf('bank')).privateKey;
    const alterations: ((map: Record<string, CborValue>) => void)[] = [
      (m) => {
        m.ciphertext = flipped(m.ciphertext as Uint8Array, 3);
      },
      (m) => {
        m.nonce = flipped(m.nonce as Uint8Array);
      },
      (m) => {
        m.commitment = flipped(m.commitment as Uint8Array, 31);
      },
      (m) => {
        const rs = recipientsField(m);
        rs[0]!.key = flipped(rs[0]!.key as Uint8Array, 40);
        m.recipients = rs;
      },
      (m) => {
        const rs = recipientsField(m);
        rs[0]!.enc = flipped(rs[0]!.enc as Uint8Array, 5);
        m.recipients = rs;
      },
    ];
    for (const alter of alterations) {
      await rejectsWith(openEnvelope(edited(envelope, alter), 'bank', bank, aad), 'decrypt_failed');
    }
  });

  test('error: decrypt_failed when sealed keys are swapped between recipients', async () => {
    const envelope = await sealed();
    const swapped = edited(envelope, (m) => {
      const rs = recipientsField(m);
      [rs[0]!.key, rs[1]!.key] = [rs[1]!.key!, rs[0]!.key!];
      [rs[0]!.enc, rs[1]!.enc] = [rs[1]!.enc!, rs[0]!.enc!];
      m.recipients = rs;
    });
    await rejectsWith(
      openEnvelope(swapped, 'bank', (await keyOf('bank')).privateKey, aad),
      'decrypt_failed',
    );
  });

  test('any one flipped bit gives the same plaintext or an EnvelopeError, never another text', async () => {
    const envelope = await sealed();
    const bank = (await keyOf('bank')).privateKey;
    await fc.assert(
      fc.asyncProperty(fc.nat(envelope.length * 8 - 1), async (bit) => {
        const copy = envelope.slice();
        copy[bit >> 3] = copy[bit >> 3]! ^ (1 << (bit & 7));
        try {
          assert.deepEqual(await openEnvelope(copy, 'bank', bank, aad), plaintext);
        } catch (error) {
          assert.ok(error instanceof EnvelopeError, String(error));
        }
      }),
      { numRuns: 60 },
    );
  });

  test('error: malformed for bytes that are not an envelope', async () => {
    const bank = (await keyOf('bank')).privateKey;
    for (const bytes of [
      new Uint8Array(0),
      utf8('not cbor'),
      encode([1, 2, 3]),
      new Uint8Array(envelopeBytesMax + 1),
    ]) {
      await rejectsWith(openEnvelope(bytes, 'bank', bank, aad), 'malformed');
    }
  });

  test('error: a private key of the wrong length is a RangeError', async () => {
    const envelope = await sealed();
    await assert.rejects(openEnvelope(envelope, 'bank', new Uint8Array(31), aad), RangeError);
  });
});

describe('readEnvelopeRecipients checks the structure strictly', () => {
  const cases: [string, (m: Record<string, CborValue>) => void, string][] = [
    [
      'version 2',
      (m) => {
        m.v = 2;
      },
      'envelope.v',
    ],
    [
      'another suite',
      (m) => {
        m.suite = 'hpke-base/p256';
      },
      'envelope.suite',
    ],
    [
      'an unknown field',
      (m) => {
        m.extra = 1;
      },
      'envelope.extra',
    ],
    [
      'a missing nonce',
      (m) => {
        delete m.nonce;
      },
      'envelope.nonce',
    ],
    [
      'an 11-byte nonce',
      (m) => {
        m.nonce = new Uint8Array(11);
      },
      'envelope.nonce',
    ],
    [
      'a 31-byte commitment',
      (m) => {
        m.commitment = new Uint8Array(31);
      },
      'envelope.commitment',
    ],
    [
      'a ciphertext shorter than the tag',
      (m) => {
        m.ciphertext = new Uint8Array(15);
      },
      'envelope.ciphertext',
    ],
    [
      'no recipients',
      (m) => {
        m.recipients = [];
      },
      'envelope.recipients',
    ],
    [
      'recipients not an array',
      (m) => {
        m.recipients = 'bank';
      },
      'envelope.recipients',
    ],
    [
      'a duplicate recipient',
      (m) => {
        const rs = recipientsField(m);
        rs[1]!.id = rs[0]!.id!;
        m.recipients = rs;
      },
      'envelope.recipients[1].id',
    ],
    [
      'unsorted recipients',
      (m) => {
        m.recipients = recipientsField(m).reverse();
      },
      'envelope.recipients[1].id',
    ],
    [
      'an empty id',
      (m) => {
        const rs = recipientsField(m);
        rs[0]!.id = '';
        m.recipients = rs;
      },
      'envelope.recipients[0].id',
    ],
    [
      'an id of 65 characters',
      (m) => {
        const rs = recipientsField(m);
        rs[2]!.id = 'z'.repeat(65);
        m.recipients = rs;
      },
      'envelope.recipients[2].id',
    ],
    [
      'a 33-byte enc',
      (m) => {
        const rs = recipientsField(m);
        rs[0]!.enc = new Uint8Array(33);
        m.recipients = rs;
      },
      'envelope.recipients[0].enc',
    ],
    [
      'a 32-byte sealed key',
      (m) => {
        const rs = recipientsField(m);
        rs[0]!.key = new Uint8Array(32);
        m.recipients = rs;
      },
      'envelope.recipients[0].key',
    ],
    [
      'an extra recipient field',
      (m) => {
        const rs = recipientsField(m);
        rs[0]!.role = 'x';
        m.recipients = rs;
      },
      'envelope.recipients[0].role',
    ],
  ];
  for (const [name, edit, field] of cases) {
    test(`error: ${name} (${field})`, async () => {
      const bad = edited(await sealed(), edit);
      assert.throws(
        () => readEnvelopeRecipients(bad),
        (e: unknown) => e instanceof CodecError && e.field === field,
      );
      await rejectsWith(
        openEnvelope(bad, 'bank', (await keyOf('bank')).privateKey, aad),
        'malformed',
      );
    });
  }

  test('error: seventeen recipients', async () => {
    const bad = edited(await sealed(), (m) => {
      const r = recipientsField(m)[0]!;
      m.recipients = Array.from({ length: 17 }, (_, i) => ({
        ...r,
        id: `org-${String(i).padStart(2, '0')}`,
      }));
    });
    assert.throws(
      () => readEnvelopeRecipients(bad),
      (e: unknown) => e instanceof CodecError && e.field === 'envelope.recipients',
    );
  });

  test('error: non-canonical CBOR and oversize input', () => {
    const envelope = encode({ v: 1 });
    const longForm = new Uint8Array([0xb9, 0x00, 0x01, ...envelope.subarray(1)]);
    assert.throws(
      () => readEnvelopeRecipients(longForm),
      (e: unknown) => e instanceof CodecError && e.code === 'non_canonical',
    );
    assert.throws(
      () => readEnvelopeRecipients(new Uint8Array(envelopeBytesMax + 1)),
      (e: unknown) => e instanceof CodecError && e.code === 'too_large',
    );
    assert.throws(() => readEnvelopeRecipients(utf8('{}')), CodecError);
  });
});

describe('envelope failures when sealing', () => {
  test('error: no recipients, seventeen, a duplicate id, a bad id or a short public key', async () => {
    const three = await recipientsOf(['bank', 'regulator-hk', 'sending-wallet']);
    const [bank] = three;
    const bad: [string, { id: string; publicKey: Uint8Array }[]][] = [
      ['none', []],
      [
        'seventeen',
        Array.from({ length: 17 }, (_, i) => ({ id: `org-${i}`, publicKey: bank!.publicKey })),
      ],
      ['duplicate', [bank!, { ...three[1]!, id: 'bank' }]],
      ['empty id', [{ id: '', publicKey: bank!.publicKey }]],
      ['long id', [{ id: 'x'.repeat(65), publicKey: bank!.publicKey }]],
      ['short key', [{ id: 'bank', publicKey: new Uint8Array(31) }]],
    ];
    for (const [name, recipients] of bad) {
      await assert.rejects(sealEnvelope(plaintext, recipients, aad), RangeError, name);
    }
  });

  test('error: a low-order public key is refused', async () => {
    await assert.rejects(
      sealEnvelope(plaintext, [{ id: 'bank', publicKey: new Uint8Array(32) }], aad),
      RangeError,
    );
  });

  test('error: a plaintext that would make the envelope exceed envelopeBytesMax', async () => {
    const recipients = await recipientsOf(orgs);
    await assert.rejects(
      sealEnvelope(new Uint8Array(envelopeBytesMax + 1), recipients, aad),
      RangeError,
    );
    await assert.rejects(
      sealEnvelope(new Uint8Array(envelopeBytesMax - 200), recipients, aad),
      RangeError,
    );
    const fits = await sealEnvelope(new Uint8Array(envelopeBytesMax - 1000), recipients, aad);
    assert.ok(fits.length <= envelopeBytesMax);
  });
});
