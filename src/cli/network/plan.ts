// What `tally network init` will create, decided before any key is made: the member organisations
// (demo names first, as in DESIGN's remittance: two e-wallets, a settlement bank, a regulator), their
// nodes with ports, and one API client key each (roles submit, read and operator). Pure, so the
// layout is easy to check.
import type { KeyRole, OrgRole } from '../../node/genesis.ts';
import { assert } from '../../util/assert.ts';

export type OrgPlan = {
  readonly id: string;
  readonly name: string;
  /** The CA certificate's common name. */
  readonly caName: string;
  readonly roles: readonly OrgRole[];
  readonly country?: string | undefined;
  readonly bic?: string | undefined;
  /** The kind of node the organisation runs: a validator, or only an observer (a regulator). */
  readonly runs: 'validator' | 'observer';
  readonly clientKey: { readonly name: string; readonly roles: readonly KeyRole[] };
};

export type NodePlan = {
  readonly nodeId: string;
  readonly orgId: string;
  readonly kind: 'validator' | 'observer';
  /** Position in the genesis (validators first); ports are base + index. */
  readonly index: number;
  readonly apiPort: number;
  readonly p2pPort: number;
};

export type NetworkPlan = {
  readonly chainId: string;
  readonly host: string;
  readonly orgs: readonly OrgPlan[];
  readonly nodes: readonly NodePlan[];
};

export type PlanOptions = {
  readonly orgs: number;
  readonly observers: number;
  readonly chainId: string;
  readonly host: string;
  readonly apiPort: number;
  readonly p2pPort: number;
};

export const orgsMax = 64;
export const observersMax = 64;

type DemoOrg = Pick<OrgPlan, 'id' | 'name' | 'caName' | 'roles' | 'country' | 'bic' | 'runs'>;

const demoOrgs: readonly DemoOrg[] = [
  {
    id: 'hk-wallet',
    name: 'HK e-Wallet',
    caName: 'HK e-Wallet CA',
    roles: ['wallet', 'validator', 'issuer'],
    country: 'HK',
    bic: 'HKWAHKHH',
    runs: 'validator',
  },
  {
    id: 'ph-wallet',
    name: 'PH e-Wallet',
    caName: 'PH e-Wallet CA',
    roles: ['wallet', 'validator', 'issuer'],
    country: 'PH',
    bic: 'PHWAPHMM',
    runs: 'validator',
  },
  {
    id: 'settlement-bank',
    name: 'Settlement Bank',
    caName: 'Settlement Bank CA',
    roles: ['bank', 'fx-provider', 'issuer', 'validator'],
    country: 'HK',
    bic: 'SETLHKHH',
    runs: 'validator',
  },
  {
    id: 'regulator-hk',
    name: 'HK Regulator',
    caName: 'HK Regulator CA',
    roles: ['regulator', 'validator'],
    country: 'HK',
    runs: 'validator',
  },
  // The fifth member watches without voting: `--orgs 5` (what `npm start` creates) adds it.
  {
    id: 'regulator-ph',
    name: 'PH Regulator',
    caName: 'PH Regulator CA',
    roles: ['regulator', 'observer'],
    country: 'PH',
    runs: 'observer',
  },
];

function orgAt(i: number): OrgPlan {
  const demo = demoOrgs[i];
  const base: DemoOrg = demo ?? {
    id: `org-${i + 1}`,
    name: `Member ${i + 1}`,
    caName: `Member ${i + 1} CA`,
    roles: ['validator'],
    runs: 'validator',
  };
  // Every organisation's client key also operates: only an operator key adds or revokes an
  // organisation's keys (an organisation without one could never get one) and acts for it in
  // administration, so each member can manage itself from the first block.
  const roles: readonly KeyRole[] = ['submit', 'read', 'operator'];
  return { ...base, clientKey: { name: `${base.id}-api`, roles } };
}

/**
 * Every organisation runs one node (a validator, or an observer for one that only watches);
 * extra observers are spread over the organisations in turn. Validators come first in the genesis.
 */
export function planNetwork(options: PlanOptions): NetworkPlan {
  assert(options.orgs >= 1 && options.orgs <= orgsMax, 'planNetwork: orgs in range');
  assert(options.observers >= 0 && options.observers <= observersMax, 'planNetwork: observers');
  const orgs = Array.from({ length: options.orgs }, (_, i) => orgAt(i));
  assert(
    orgs.some((o) => o.runs === 'validator'),
    'planNetwork: at least one organisation runs a validator',
  );
  const perOrg = new Map<string, number>();
  const slots: { org: OrgPlan; kind: 'validator' | 'observer' }[] = [
    ...orgs
      .filter((o) => o.runs === 'validator')
      .map((org) => ({ org, kind: 'validator' as const })),
    ...orgs.filter((o) => o.runs === 'observer').map((org) => ({ org, kind: 'observer' as const })),
    ...Array.from({ length: options.observers }, (_, j) => ({
      org: orgs[j % orgs.length]!,
      kind: 'observer' as const,
    })),
  ];
  const nodes = slots.map(({ org, kind }, index): NodePlan => {
    const n = (perOrg.get(org.id) ?? 0) + 1;
    perOrg.set(org.id, n);
    return {
      nodeId: `${org.id}-${n}`,
      orgId: org.id,
      kind,
      index,
      apiPort: options.apiPort + index,
      p2pPort: options.p2pPort + index,
    };
  });
  const withObservers = orgs.map((org) =>
    nodes.some((n) => n.orgId === org.id && n.kind === 'observer') &&
    !org.roles.includes('observer')
      ? { ...org, roles: [...org.roles, 'observer' as const] }
      : org,
  );
  assert(nodes.length === options.orgs + options.observers, 'planNetwork: one node per slot');
  return { chainId: options.chainId, host: options.host, orgs: withObservers, nodes };
}
