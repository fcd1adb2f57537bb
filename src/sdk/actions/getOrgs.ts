// GET /v1/orgs (role read): the member organisations, their roles, and the X25519 keys the SDK seals
// Travel-Rule data to.
import type { Client } from '../client.ts';
import { readList, readObject } from '../json.ts';
import { type RemittanceOrg, readOrg } from '../remittance-json.ts';

export type GetOrgsParameters = { signal?: AbortSignal | undefined };

export type GetOrgsReturnType = { readonly orgs: readonly RemittanceOrg[] };

/**
 * Lists the consortium's organisations from the genesis.
 *
 * @example
 * const { orgs } = await getOrgs(client);
 * const fx = orgs.find((o) => o.roles.includes('fx-provider'));
 */
export async function getOrgs(
  client: Client,
  params: GetOrgsParameters = {},
): Promise<GetOrgsReturnType> {
  const { body } = await client.request({
    method: 'GET',
    path: '/v1/orgs',
    signed: true,
    signal: params.signal,
  });
  const list = readList(readObject(body, 'orgs').orgs, 'orgs.orgs');
  return Object.freeze({ orgs: Object.freeze(list.map((o, i) => readOrg(o, `orgs[${i}]`))) });
}
