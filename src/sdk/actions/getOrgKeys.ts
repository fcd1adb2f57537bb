// GET /v1/orgs/:orgId/keys (role read): an organisation's API keys, live and revoked, as the node
// knows them after its last executed block.
import type { Client } from '../client.ts';
import {
  readHex,
  readInteger,
  readList,
  readObject,
  readOneOf,
  readOptionalInteger,
  readText,
} from '../json.ts';

export type GetOrgKeysParameters = { orgId: string; signal?: AbortSignal | undefined };

export type OrgKey = {
  readonly publicKey: string;
  readonly name: string;
  readonly suite: string;
  readonly roles: readonly string[];
  readonly status: 'live' | 'revoked';
  /** The block that added it; 0 for a genesis key. */
  readonly addedHeight: number;
  readonly revokedHeight?: number | undefined;
};

export type GetOrgKeysReturnType = { readonly orgId: string; readonly keys: readonly OrgKey[] };

function readKey(value: unknown, field: string): OrgKey {
  const k = readObject(value, field);
  const revokedHeight = readOptionalInteger(k.revokedHeight, `${field}.revokedHeight`);
  return Object.freeze({
    publicKey: readHex(k.publicKey, `${field}.publicKey`),
    name: readText(k.name, `${field}.name`),
    suite: readText(k.suite, `${field}.suite`),
    roles: Object.freeze(
      readList(k.roles, `${field}.roles`).map((r, i) => readText(r, `${field}.roles[${i}]`)),
    ),
    status: readOneOf(k.status, `${field}.status`, ['live', 'revoked'] as const),
    addedHeight: readInteger(k.addedHeight, `${field}.addedHeight`),
    ...(revokedHeight === undefined ? {} : { revokedHeight }),
  });
}

/**
 * Lists an organisation's keys.
 *
 * @example
 * const { keys } = await getOrgKeys(client, { orgId: 'hk-wallet' });
 * const live = keys.filter((k) => k.status === 'live');
 */
export async function getOrgKeys(
  client: Client,
  params: GetOrgKeysParameters,
): Promise<GetOrgKeysReturnType> {
  if (typeof params.orgId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(params.orgId))
    throw new TypeError('orgId: expected an organisation id such as hk-wallet');
  const { body } = await client.request({
    method: 'GET',
    path: `/v1/orgs/${params.orgId}/keys`,
    signed: true,
    signal: params.signal,
  });
  const o = readObject(body, 'orgKeys');
  const keys = readList(o.keys, 'orgKeys.keys').map((k, i) => readKey(k, `keys[${i}]`));
  return Object.freeze({ orgId: readText(o.orgId, 'orgKeys.orgId'), keys: Object.freeze(keys) });
}
