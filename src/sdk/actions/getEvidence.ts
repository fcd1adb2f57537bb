// GET /v1/evidence (public): proofs, recorded by the node, that a validator signed two different
// blocks for one round. Each entry carries its canonical bytes for checking against the validator set.
import type { Client } from '../client.ts';
import { readHex, readInteger, readList, readObject, readOneOf, readText } from '../json.ts';

export type GetEvidenceParameters = {
  /** Entries per page, 1 to 100 (default 20). */
  limit?: number;
  /** A previous page's `next`: entries recorded before it. */
  before?: number;
  signal?: AbortSignal | undefined;
};

export type SignedBlock = {
  readonly height: number;
  readonly blockHash: string;
  readonly signature: string;
};

export type EvidenceItem = {
  readonly seq: number;
  readonly kind: 'double-proposal' | 'double-vote';
  readonly epoch: number;
  readonly round: number;
  readonly validatorIndex: number;
  readonly orgId: string;
  readonly first: SignedBlock;
  readonly second: SignedBlock;
  readonly seenAtHeight: number;
  readonly seenAtMs: number;
  readonly evidenceHex: string;
};

export type GetEvidenceReturnType = {
  readonly items: readonly EvidenceItem[];
  readonly total: number;
  readonly next?: number;
};

/**
 * Reads one page of the evidence a node recorded, newest first.
 *
 * @example
 * const { items, next } = await getEvidence(client, { limit: 50 });
 */
export async function getEvidence(
  client: Client,
  params: GetEvidenceParameters = {},
): Promise<GetEvidenceReturnType> {
  const query = new URLSearchParams();
  for (const [name, value] of [
    ['limit', params.limit],
    ['before', params.before],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`${name}: expected an integer >= 1`);
    query.set(name, String(value));
  }
  const text = query.toString();
  const { body } = await client.request({
    method: 'GET',
    path: text === '' ? '/v1/evidence' : `/v1/evidence?${text}`,
    signal: params.signal,
  });
  const page = readObject(body, 'evidence');
  const items = readList(page.items, 'evidence.items').map((item, i) =>
    parseItem(item, `evidence.items[${i}]`),
  );
  const next = page.next === undefined ? undefined : readInteger(page.next, 'evidence.next');
  return Object.freeze({
    items: Object.freeze(items),
    total: readInteger(page.total, 'evidence.total'),
    ...(next === undefined ? {} : { next }),
  });
}

function parseSignedBlock(value: unknown, field: string): SignedBlock {
  const o = readObject(value, field);
  return Object.freeze({
    height: readInteger(o.height, `${field}.height`),
    blockHash: readHex(o.blockHash, `${field}.blockHash`, 32),
    signature: readHex(o.signature, `${field}.signature`),
  });
}

function parseItem(value: unknown, field: string): EvidenceItem {
  const o = readObject(value, field);
  return Object.freeze({
    seq: readInteger(o.seq, `${field}.seq`),
    kind: readOneOf(o.kind, `${field}.kind`, ['double-proposal', 'double-vote'] as const),
    epoch: readInteger(o.epoch, `${field}.epoch`),
    round: readInteger(o.round, `${field}.round`),
    validatorIndex: readInteger(o.validatorIndex, `${field}.validatorIndex`),
    orgId: readText(o.orgId, `${field}.orgId`),
    first: parseSignedBlock(o.first, `${field}.first`),
    second: parseSignedBlock(o.second, `${field}.second`),
    seenAtHeight: readInteger(o.seenAtHeight, `${field}.seenAtHeight`),
    seenAtMs: readInteger(o.seenAtMs, `${field}.seenAtMs`),
    evidenceHex: readHex(o.evidenceHex, `${field}.evidenceHex`),
  });
}
