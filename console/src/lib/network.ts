// The network as the console sees it: the genesis (organisations, nodes, API keys, the validators it
// trusts for proofs), read from this node's /console/genesis.json, and each node's API URL.
import { createValidatorSet, type ValidatorSet } from '../../../src/ledger/validator-set.ts';
import type { SuiteId } from '../../../src/sdk/index.ts';
import { fromHex } from '../../../src/sdk/index.ts';

export type NetworkOrg = {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly country?: string;
  readonly bic?: string;
};
export type NetworkNode = {
  readonly nodeId: string;
  readonly orgId: string;
  readonly kind: 'validator' | 'observer';
  readonly apiUrl: string;
  readonly suite: string;
  readonly publicKey: string;
};
export type NetworkKey = {
  readonly orgId: string;
  readonly name: string;
  readonly suite: string;
  readonly publicKey: string;
  readonly roles: readonly string[];
};
export type NetworkInfo = {
  readonly chainId: string;
  readonly genesisTimeMs: number;
  readonly orgs: readonly NetworkOrg[];
  readonly nodes: readonly NetworkNode[];
  readonly keys: readonly NetworkKey[];
  /** The epoch-1 set from the genesis: what the console checks certificates against. */
  readonly validatorSet: ValidatorSet;
  /** The genesis as fetched, for download. */
  readonly genesisJson: unknown;
};

type Json = Record<string, unknown>;

function asObject(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`genesis ${field}: expected an object`);
  return value as Json;
}
function asText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new TypeError(`genesis ${field}: expected a string`);
  return value;
}
function asList(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`genesis ${field}: expected a list`);
  return value;
}
function asTexts(value: unknown, field: string): string[] {
  return asList(value, field).map((v, i) => asText(v, `${field}[${i}]`));
}

/** A node's API as this browser reaches it: a wildcard listen address means the page's own host. */
export function nodeApiUrl(api: { host: string; port: number }, pageHost: string): string {
  const host = api.host === '0.0.0.0' || api.host === '::' ? pageHost : api.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${api.port}`;
}

/** Reads the genesis JSON (src/node/genesis.ts genesisToJson) into what the pages need. */
export function parseNetwork(value: unknown, pageHost: string): NetworkInfo {
  const g = asObject(value, 'document');
  const orgs = asList(g.organizations, 'organizations').map((v, i) => {
    const o = asObject(v, `organizations[${i}]`);
    return {
      id: asText(o.id, 'id'),
      name: asText(o.name, 'name'),
      roles: asTexts(o.roles, 'roles'),
      ...(typeof o.country === 'string' ? { country: o.country } : {}),
      ...(typeof o.bic === 'string' ? { bic: o.bic } : {}),
    };
  });
  const nodes = asList(g.nodes, 'nodes').map((v, i): NetworkNode => {
    const n = asObject(v, `nodes[${i}]`);
    const api = asObject(n.api, `nodes[${i}].api`);
    return {
      nodeId: asText(n.nodeId, 'nodeId'),
      orgId: asText(n.orgId, 'orgId'),
      kind: n.kind === 'observer' ? 'observer' : 'validator',
      apiUrl: nodeApiUrl({ host: asText(api.host, 'api.host'), port: Number(api.port) }, pageHost),
      suite: asText(n.suite, 'suite'),
      publicKey: asText(n.publicKey, 'publicKey'),
    };
  });
  const keys = asList(g.keys ?? [], 'keys').map((v, i): NetworkKey => {
    const k = asObject(v, `keys[${i}]`);
    return {
      orgId: asText(k.orgId, 'orgId'),
      name: asText(k.name, 'name'),
      suite: asText(k.suite, 'suite'),
      publicKey: asText(k.publicKey, 'publicKey'),
      roles: asTexts(k.roles, 'roles'),
    };
  });
  const validatorSet = createValidatorSet({
    epoch: 1,
    validators: nodes
      .filter((n) => n.kind === 'validator')
      .map((n) => ({
        suite: n.suite as SuiteId,
        publicKey: fromHex(n.publicKey, 'publicKey'),
        orgId: n.orgId,
      })),
  });
  return {
    chainId: asText(g.chainId, 'chainId'),
    genesisTimeMs: Number(g.genesisTimeMs),
    orgs,
    nodes,
    keys,
    validatorSet,
    genesisJson: value,
  };
}

/** The first node of an organisation (its gateway), if it runs one. */
export function nodeOf(network: NetworkInfo, orgId: string): NetworkNode | undefined {
  return network.nodes.find((n) => n.orgId === orgId);
}

/** The organisation holding a role, first in genesis order. */
export function orgWithRole(network: NetworkInfo, role: string): NetworkOrg | undefined {
  return network.orgs.find((o) => o.roles.includes(role));
}
