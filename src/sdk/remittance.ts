// Client-signed remittance calls (src/apps/remittance/args.ts decodes what these encode): a wallet
// backend with its own registered key seals the Travel-Rule data, computes the screening keys and
// signs remittance.send itself, no gateway. Also the UETR (a UUID v4, RFC 9562) as bytes and text.

import {
  readIdInput,
  readRejectInput,
  readReviewInput,
  readSendInput,
  rejectArgs,
  reviewArgs,
  sendArgs,
} from '../apps/remittance/args.ts';
import { remittanceIdBytes, remittanceModuleName } from '../apps/remittance/constants.ts';
import { nameKeys } from '../apps/remittance/screening.ts';
import { encodeTravelRule, type TravelRule } from '../apps/remittance/travel-rule.ts';
import type { CborValue } from '../codec/index.ts';
import { type EnvelopeRecipient, sealEnvelope } from '../crypto/envelope.ts';
import { sha256 } from '../crypto/sha256.ts';
import type { SignedQuote } from '../modules/fx/quote.ts';
import { fromHex, toHex } from '../util/bytes.ts';
import { TallyError } from '../util/errors.ts';
import type { BytesLike } from './types.ts';

export type RemittanceCall = {
  readonly module: 'remittance';
  readonly method: string;
  readonly args: CborValue;
};

/** Canonical UETR text: lower-case 8-4-4-4-12 hex with version 4 and variant 10 (ISO 20022 UUIDv4Identifier). */
const uetrPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A fresh remittance id: 16 random bytes with the UUID version (4) and variant (10) bits set, so it
 * is a valid ISO 20022 UETR. Client-chosen, so a retry of the same send is harmless.
 *
 * @example
 * const id = newRemittanceId(); formatUetr(id); // 'f47ac10b-58cc-4372-a567-0e02b2c3d479'
 */
export function newRemittanceId(): Uint8Array {
  const id = new Uint8Array(remittanceIdBytes);
  globalThis.crypto.getRandomValues(id);
  id[6] = (id[6]! & 0x0f) | 0x40;
  id[8] = (id[8]! & 0x3f) | 0x80;
  return id;
}

function checkUuidV4(id: Uint8Array, field: string): Uint8Array {
  if (id.length !== remittanceIdBytes) throw new RangeError(`${field}: expected 16 bytes`);
  if (id[6]! >> 4 !== 4 || id[8]! >> 6 !== 2)
    throw new TypeError(`${field}: not a UUID v4 (version 4, variant 10), as a UETR must be`);
  return id;
}

/** The UETR text of a remittance id: lower-case, hyphenated 8-4-4-4-12. */
export function formatUetr(bytes: Uint8Array): string {
  const hex = toHex(checkUuidV4(bytes, 'uetr'));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A UETR (hyphenated, either case) or 32 hex digits, as the 16-byte remittance id; TypeError naming the field. */
export function parseUetr(text: string, field = 'uetr'): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`${field}: expected a UETR string`);
  const lower = text.trim().toLowerCase();
  if (/^[0-9a-f]{32}$/.test(lower)) return checkUuidV4(fromHex(lower, field), field);
  if (!uetrPattern.test(lower))
    throw new TypeError(
      `${field}: expected a UUID v4 such as f47ac10b-58cc-4372-a567-0e02b2c3d479, not ${JSON.stringify(text)}`,
    );
  return fromHex(lower.replaceAll('-', ''), field);
}

/** A remittance id given as bytes, a UETR or 32 hex digits. */
export function remittanceIdArg(id: BytesLike, field = 'id'): Uint8Array {
  if (id instanceof Uint8Array) return checkUuidV4(new Uint8Array(id), field);
  return parseUetr(id, field);
}

function accountIdArg(value: BytesLike, field: string): Uint8Array {
  const id = value instanceof Uint8Array ? new Uint8Array(value) : fromHex(value, field);
  if (id.length !== 16) throw new RangeError(`${field}: expected 16 bytes`);
  return id;
}

/** What the builder needs of an organisation (getOrgs returns these). */
export type RemittanceOrgKey = {
  readonly id: string;
  readonly encryptionKey?: Uint8Array | undefined;
};

/** The corridor's organisations (getCorridor returns them): who the Travel-Rule data is sealed to. */
export type RemittanceParties = {
  readonly id: string;
  readonly sendingOrg: string;
  readonly receivingOrg: string;
  readonly fxOrg: string;
  readonly regulators: readonly string[];
};

export type BuildRemittanceSendParameters = {
  /** The UETR; a fresh one when left out (keep it to retry the same send). */
  id?: BytesLike | undefined;
  corridor: RemittanceParties;
  /** The FX provider's signed quote (requestQuote), used as signed. */
  quote: SignedQuote;
  senderAccountId: BytesLike;
  beneficiaryAccountId: BytesLike;
  travelRule: TravelRule;
  /** The member organisations with their X25519 keys (getOrgs). */
  orgs: readonly RemittanceOrgKey[];
  endToEndId?: string | undefined;
};

export type RemittanceSend = {
  /** The remittance id (16 bytes) and its UETR text. */
  readonly id: Uint8Array;
  readonly uetr: string;
  /** Spread into buildTransaction. */
  readonly call: RemittanceCall;
  /** The sealed Travel-Rule record and its sha256, as they go on chain. */
  readonly travelRule: Uint8Array;
  readonly travelRuleHash: Uint8Array;
};

/** sendingOrg, receivingOrg, fxOrg and the regulators, once each, with their encryption keys. */
export function travelRuleRecipients(
  corridor: RemittanceParties,
  orgs: readonly RemittanceOrgKey[],
): EnvelopeRecipient[] {
  const ids = [corridor.sendingOrg, corridor.receivingOrg, corridor.fxOrg, ...corridor.regulators];
  return [...new Set(ids)].map((id) => {
    const org = orgs.find((o) => o.id === id);
    if (org === undefined)
      throw new TallyError(
        'org_not_found',
        `corridor ${corridor.id}: ${id} is not in the orgs list`,
      );
    if (org.encryptionKey === undefined)
      throw new TallyError(
        'encryption_key_missing',
        `corridor ${corridor.id}: ${id} has no encryption key to seal the Travel-Rule data to`,
      );
    return { id, publicKey: org.encryptionKey };
  });
}

/**
 * remittance.send, signed by the sending wallet's own key: seals the Travel-Rule record (aad = the
 * remittance id) to every organisation entitled to it, hashes it, computes both names' screening
 * keys, and checks the arguments with the module's own reader.
 *
 * @example
 * const orgs = await getOrgs(client);
 * const corridor = await getCorridor(client, { id: 'HKD-PHP' });
 * const { call, uetr } = await buildRemittanceSend({ corridor, quote, orgs: orgs.orgs, travelRule,
 *   senderAccountId, beneficiaryAccountId });
 * const tx = signTransaction(account, buildTransaction({ chainId, ...call }));
 * await submitTransactions(client, { transactions: [tx] });
 */
export async function buildRemittanceSend(
  params: BuildRemittanceSendParameters,
): Promise<RemittanceSend> {
  const { corridor, quote } = params;
  if (quote.quote.provider !== corridor.fxOrg)
    throw new TallyError(
      'quote_provider_mismatch',
      `quote.provider ${quote.quote.provider} is not corridor ${corridor.id}'s FX provider ${corridor.fxOrg}`,
    );
  const id = params.id === undefined ? newRemittanceId() : remittanceIdArg(params.id);
  const recipients = travelRuleRecipients(corridor, params.orgs);
  const travelRule = await sealEnvelope(encodeTravelRule(params.travelRule), recipients, id);
  const travelRuleHash = sha256(travelRule);
  const args = sendArgs({
    id,
    corridor: corridor.id,
    quote,
    senderAccountId: accountIdArg(params.senderAccountId, 'senderAccountId'),
    beneficiaryAccountId: accountIdArg(params.beneficiaryAccountId, 'beneficiaryAccountId'),
    travelRule,
    travelRuleHash,
    screening: {
      originator: nameKeys(params.travelRule.originator.name),
      beneficiary: nameKeys(params.travelRule.beneficiary.name),
    },
    endToEndId: params.endToEndId,
  });
  readSendInput(args, 'args'); // the chain's reader: a bad argument fails here, naming the field
  return Object.freeze({
    id,
    uetr: formatUetr(id),
    call: call('send', args),
    travelRule,
    travelRuleHash,
  });
}

function call(method: string, args: CborValue): RemittanceCall {
  return Object.freeze({ module: remittanceModuleName as 'remittance', method, args });
}

/**
 * remittance.accept: the receiving wallet takes a pending remittance; every leg posts.
 *
 * @example
 * buildTransaction({ chainId, ...remittanceAccept({ id: uetr }) });
 */
export function remittanceAccept(params: { id: BytesLike }): RemittanceCall {
  const args: CborValue = { id: remittanceIdArg(params.id) };
  readIdInput(args, 'args');
  return call('accept', args);
}

export type RemittanceRejectParameters = {
  id: BytesLike;
  /** ISO 20022 ExternalStatusReason1Code, e.g. 'AC04' (closed account), 'BE01', 'RR04'. */
  reason: string;
  message?: string | undefined;
};

/**
 * remittance.reject: the receiving wallet refuses a pending remittance; every leg voids.
 *
 * @example
 * buildTransaction({ chainId, ...remittanceReject({ id: uetr, reason: 'AC04' }) });
 */
export function remittanceReject(params: RemittanceRejectParameters): RemittanceCall {
  const args = rejectArgs({
    id: remittanceIdArg(params.id),
    reason: params.reason,
    message: params.message,
  });
  readRejectInput(args, 'args');
  return call('reject', args);
}

export type RemittanceReviewParameters = {
  id: BytesLike;
  decision: 'release' | 'refuse';
  note?: string | undefined;
};

/**
 * remittance.review: the FX bank or a regulator decides a remittance held by sanctions screening.
 *
 * @example
 * buildTransaction({ chainId, ...remittanceReview({ id: uetr, decision: 'release' }) });
 */
export function remittanceReview(params: RemittanceReviewParameters): RemittanceCall {
  const args = reviewArgs({
    id: remittanceIdArg(params.id),
    decision: params.decision,
    note: params.note,
  });
  readReviewInput(args, 'args');
  return call('review', args);
}
