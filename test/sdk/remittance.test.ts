// The SDK's remittance builders: UETRs, the client-signed send (Travel-Rule data sealed to exactly
// the corridor's organisations, screening keys, hash) decoded with the module's own readers, the
// accept/reject/review calls, and XML bodies signed over their raw bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  readIdInput,
  readRejectInput,
  readReviewInput,
  readSendInput,
} from '../../src/apps/remittance/args.ts';
import { nameKeys } from '../../src/apps/remittance/screening.ts';
import { decodeTravelRule, type TravelRule } from '../../src/apps/remittance/travel-rule.ts';
import { CodecError } from '../../src/codec/index.ts';
import {
  type EncryptionKeyPair,
  generateEncryptionKeyPair,
  openEnvelope,
  readEnvelopeRecipients,
} from '../../src/crypto/envelope.ts';
import { apiRequestDigest } from '../../src/crypto/request-digest.ts';
import { sha256 } from '../../src/crypto/sha256.ts';
import type { Quote } from '../../src/modules/fx/quote.ts';
import { signedQuoteToJson } from '../../src/modules/fx/quote-json.ts';
import { signQuote } from '../../src/modules/fx/verify.ts';
import {
  buildRemittanceSend,
  buildTransaction,
  createClient,
  formatUetr,
  generateAccount,
  newRemittanceId,
  parseUetr,
  remittanceAccept,
  remittanceReject,
  remittanceReview,
  requestQuote,
  signTransaction,
  submitPacs008,
  TallyError,
  verifySignature,
} from '../../src/sdk/index.ts';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.ts';

const uetrText = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const orgIds = ['hk-wallet', 'ph-wallet', 'settlement-bank', 'hkma', 'bsp', 'outsider'] as const;
const corridor = {
  id: 'HKD-PHP',
  sendingOrg: 'hk-wallet',
  receivingOrg: 'ph-wallet',
  fxOrg: 'settlement-bank',
  regulators: ['hkma', 'bsp'],
};
const senderAccountId = fromHex('0123456789abcdef0123456789abcdef');
const beneficiaryAccountId = fromHex('fedcba9876543210fedcba9876543210');
const travelRule: TravelRule = {
  originator: {
    name: 'Chan Tai Man',
    accountRef: '+852 5123 4567',
    id: { type: 'hkid', value: 'A1234563', country: 'HK' },
  },
  beneficiary: {
    name: 'Maria Dela Cruz',
    accountRef: '+63 917 123 4567',
    address: { lines: ['12 Rizal St', 'Quezon City'], country: 'PH' },
  },
  purpose: 'family support',
};

function signedQuote(over: Partial<Quote> = {}) {
  const quote: Quote = {
    id: new Uint8Array(16).fill(7),
    provider: 'settlement-bank',
    sendCurrency: 'HKD',
    receiveCurrency: 'PHP',
    rate: '7.2512',
    sendAmount: 100_000n,
    fee: 1_000n,
    totalDebit: 101_000n,
    receiveAmount: 725_120n,
    issuedAtMs: 1_700_000_000_000,
    expiresAtMs: 1_700_000_060_000,
    ...over,
  };
  return signQuote(quote, 'ed25519', new Uint8Array(32).fill(9));
}

async function orgKeys(): Promise<Map<string, EncryptionKeyPair>> {
  const pairs = await Promise.all(orgIds.map(() => generateEncryptionKeyPair()));
  return new Map(orgIds.map((id, i) => [id, pairs[i]!]));
}

function orgsOf(keys: Map<string, EncryptionKeyPair>) {
  return [...keys].map(([id, pair]) => ({ id, encryptionKey: pair.publicKey }));
}

describe('UETR', () => {
  it('newRemittanceId makes a UUID v4 that formatUetr and parseUetr round-trip', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const id = newRemittanceId();
      const text = formatUetr(id);
      assert.match(text, uetrText);
      assert.deepEqual(parseUetr(text), id);
      assert.deepEqual(parseUetr(text.toUpperCase()), id);
      assert.deepEqual(parseUetr(toHex(id)), id);
      seen.add(text);
    }
    assert.equal(seen.size, 100);
  });

  it('any 16 bytes with the version and variant bits set format and parse back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        bytes[6] = (bytes[6]! & 0x0f) | 0x40;
        bytes[8] = (bytes[8]! & 0x3f) | 0x80;
        assert.deepEqual(parseUetr(formatUetr(bytes)), bytes);
      }),
    );
  });

  it('error: a UUID of another version or variant, malformed text', () => {
    assert.throws(() => parseUetr('f47ac10b-58cc-1372-a567-0e02b2c3d479'), TypeError); // v1
    assert.throws(() => parseUetr('f47ac10b-58cc-4372-c567-0e02b2c3d479'), TypeError); // variant 110
    assert.throws(() => parseUetr('f47ac10b58cc-4372-a567-0e02b2c3d479'), TypeError);
    assert.throws(() => parseUetr('not a uetr', '--id'), { message: /^--id: expected a UUID v4/ });
    assert.throws(() => formatUetr(new Uint8Array(16)), TypeError);
    assert.throws(() => formatUetr(new Uint8Array(15)), RangeError);
  });
});

describe('buildRemittanceSend', () => {
  it('seals the Travel-Rule data to the corridor organisations, and the module reads the call', async () => {
    const keys = await orgKeys();
    const quote = signedQuote();
    const sent = await buildRemittanceSend({
      corridor,
      quote,
      senderAccountId,
      beneficiaryAccountId: toHex(beneficiaryAccountId),
      travelRule,
      orgs: orgsOf(keys),
      endToEndId: 'INV-2026-0042',
    });
    assert.equal(sent.call.module, 'remittance');
    assert.equal(sent.call.method, 'send');
    assert.match(sent.uetr, uetrText);
    const input = readSendInput(sent.call.args, 'args');
    assert.deepEqual(input.id, sent.id);
    assert.equal(input.corridor, 'HKD-PHP');
    assert.deepEqual(input.quote, quote);
    assert.deepEqual(input.senderAccountId, senderAccountId);
    assert.deepEqual(input.beneficiaryAccountId, beneficiaryAccountId);
    assert.equal(input.endToEndId, 'INV-2026-0042');
    assert.deepEqual(input.travelRule, sent.travelRule);
    assert.deepEqual(input.travelRuleHash, sha256(sent.travelRule));
    assert.deepEqual(input.screening.originator, nameKeys('Chan Tai Man'));
    assert.deepEqual(input.screening.beneficiary, nameKeys('Maria Dela Cruz'));
    assert.deepEqual(readEnvelopeRecipients(sent.travelRule).sort(), [
      'bsp',
      'hk-wallet',
      'hkma',
      'ph-wallet',
      'settlement-bank',
    ]);
    for (const id of ['hk-wallet', 'ph-wallet', 'settlement-bank', 'hkma', 'bsp']) {
      const plain = await openEnvelope(sent.travelRule, id, keys.get(id)!.privateKey, sent.id);
      assert.deepEqual(decodeTravelRule(plain), travelRule, id);
    }
    await assert.rejects(
      openEnvelope(sent.travelRule, 'outsider', keys.get('outsider')!.privateKey, sent.id),
      { code: 'not_a_recipient' },
    );
    // The remittance id is the envelope's aad: the record cannot be moved to another remittance.
    await assert.rejects(
      openEnvelope(sent.travelRule, 'bsp', keys.get('bsp')!.privateKey, newRemittanceId()),
      { code: 'decrypt_failed' },
    );
  });

  it('keeps a given UETR, and the call signs into a transaction', async () => {
    const keys = await orgKeys();
    const uetr = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
    const sent = await buildRemittanceSend({
      id: uetr,
      corridor,
      quote: signedQuote(),
      senderAccountId,
      beneficiaryAccountId,
      travelRule,
      orgs: orgsOf(keys),
    });
    assert.equal(sent.uetr, uetr);
    assert.equal(readSendInput(sent.call.args, 'args').endToEndId, undefined);
    const account = generateAccount();
    const tx = signTransaction(account, buildTransaction({ chainId: 'tally-test', ...sent.call }));
    assert.equal(tx.module, 'remittance');
    assert.deepEqual(readSendInput(tx.args, 'args').id, parseUetr(uetr));
  });

  it('error: a recipient without an encryption key, a quote from another provider, bad ids', async () => {
    const keys = await orgKeys();
    const base = {
      corridor,
      quote: signedQuote(),
      senderAccountId,
      beneficiaryAccountId,
      travelRule,
      orgs: orgsOf(keys),
    };
    await assert.rejects(
      buildRemittanceSend({ ...base, orgs: base.orgs.filter((o) => o.id !== 'bsp') }),
      { code: 'org_not_found', message: /bsp/ },
    );
    const noKey = base.orgs.map((o) => (o.id === 'hkma' ? { id: o.id } : o));
    await assert.rejects(buildRemittanceSend({ ...base, orgs: noKey }), {
      code: 'encryption_key_missing',
      message: /hkma/,
    });
    await assert.rejects(
      buildRemittanceSend({ ...base, quote: signedQuote({ provider: 'other-bank' }) }),
      { code: 'quote_provider_mismatch' },
    );
    await assert.rejects(
      buildRemittanceSend({ ...base, id: 'f47ac10b-58cc-1372-a567-0e02b2c3d479' }),
      TypeError,
    );
    await assert.rejects(
      buildRemittanceSend({ ...base, senderAccountId: new Uint8Array(15) }),
      RangeError,
    );
    await assert.rejects(
      buildRemittanceSend({ ...base, endToEndId: 'x'.repeat(36) }),
      (error: unknown) => error instanceof CodecError && error.message.includes('endToEndId'),
    );
  });
});

describe('accept, reject and review calls', () => {
  const id = newRemittanceId();

  it('decode with the module readers', () => {
    const accept = remittanceAccept({ id: formatUetr(id) });
    assert.equal(accept.method, 'accept');
    assert.deepEqual(readIdInput(accept.args, 'args'), id);
    const reject = remittanceReject({ id, reason: 'AC04', message: 'account closed' });
    assert.equal(reject.method, 'reject');
    assert.deepEqual(readRejectInput(reject.args, 'args'), {
      id,
      reason: 'AC04',
      message: 'account closed',
    });
    const review = remittanceReview({ id, decision: 'refuse' });
    assert.equal(review.method, 'review');
    assert.deepEqual(readReviewInput(review.args, 'args'), {
      id,
      decision: 'refuse',
      note: undefined,
    });
  });

  it('error: a reason that is not a 4-character code, an unknown decision', () => {
    assert.throws(() => remittanceReject({ id, reason: 'ac4' }), CodecError);
    assert.throws(
      () => remittanceReview({ id, decision: 'maybe' as 'release' }),
      (error: unknown) => error instanceof CodecError && error.message.includes('decision'),
    );
    assert.throws(() => remittanceAccept({ id: new Uint8Array(16) }), TypeError);
  });
});

type Captured = { url: string; init: RequestInit };

function fakeNode(answer: () => Response): { fetch: typeof fetch; seen: Captured[] } {
  const seen: Captured[] = [];
  const fetchFn = async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    return answer();
  };
  return { fetch: fetchFn as typeof fetch, seen };
}

function authOf(init: RequestInit): { key: string; ts: number; sig: string } {
  const header = (init.headers as Record<string, string>).authorization ?? '';
  const m = /^Tally key=([0-9a-f]+), ts=(\d+), sig=([0-9a-f]+)$/.exec(header);
  assert.ok(m, header);
  return { key: m[1]!, ts: Number(m[2]), sig: m[3]! };
}

describe('requests', () => {
  const account = generateAccount();

  it('submitPacs008 sends the XML as is, signs its bytes and returns the XML answer', async () => {
    const xml =
      '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>';
    const reply = '<Document><TxSts>ACSP</TxSts></Document>';
    const node = fakeNode(
      () => new Response(reply, { status: 200, headers: { 'content-type': 'application/xml' } }),
    );
    const client = createClient({ url: 'http://node.test', account, fetch: node.fetch });
    const { pacs002 } = await submitPacs008(client, { xml });
    assert.equal(pacs002, reply);
    const { url, init } = node.seen[0]!;
    assert.equal(url, 'http://node.test/v1/iso20022/pacs008');
    assert.equal(init.body, xml);
    const headers = init.headers as Record<string, string>;
    assert.equal(headers['content-type'], 'application/xml');
    assert.equal(headers.accept, 'application/xml');
    const auth = authOf(init);
    assert.equal(auth.key, account.publicKeyHex);
    const digest = apiRequestDigest('POST', '/v1/iso20022/pacs008', auth.ts, utf8(xml));
    assert.ok(verifySignature(account.suite, digest, fromHex(auth.sig), account.publicKey));
  });

  it('error: a JSON error answer to an XML request is a TallyError with its code and path', async () => {
    const body = {
      error: { code: 'iso20022_invalid', message: 'no UETR', details: { path: '/Document' } },
    };
    const node = fakeNode(
      () =>
        new Response(JSON.stringify(body), {
          status: 400,
          headers: { 'content-type': 'application/json' },
        }),
    );
    const client = createClient({ url: 'http://node.test', account, fetch: node.fetch });
    await assert.rejects(submitPacs008(client, { xml: '<Document/>' }), (error: unknown) => {
      assert.ok(error instanceof TallyError);
      assert.equal(error.code, 'iso20022_invalid');
      assert.equal(error.details.path, '/Document');
      return true;
    });
  });

  it('requestQuote posts the pair and one amount, and reads the signed quote', async () => {
    const quote = signedQuote();
    const node = fakeNode(
      () =>
        new Response(JSON.stringify(signedQuoteToJson(quote)), {
          headers: { 'content-type': 'application/json' },
        }),
    );
    const client = createClient({ url: 'http://fx.test', account, fetch: node.fetch });
    const got = await requestQuote(client, {
      sendCurrency: 'HKD',
      receiveCurrency: 'PHP',
      sendAmount: 100_000n,
    });
    assert.deepEqual(got, quote);
    const { init } = node.seen[0]!;
    assert.deepEqual(JSON.parse(String(init.body)), {
      sendCurrency: 'HKD',
      receiveCurrency: 'PHP',
      sendAmount: '100000',
    });
    await assert.rejects(
      requestQuote(client, { sendCurrency: 'HKD', receiveCurrency: 'PHP' }),
      TypeError,
    );
    await assert.rejects(
      requestQuote(client, {
        sendCurrency: 'HKD',
        receiveCurrency: 'PHP',
        sendAmount: 1n,
        receiveAmount: 1n,
      }),
      TypeError,
    );
  });
});
