// The remittance part of `npm start`'s demo data (issue #5, DESIGN "The remittance"): the settlement
// bank's HKD-PHP corridor, the wallets' KYC levels and acceptance policy, a sanctions list, and three
// remittances through hk-wallet's gateway (auto-accepted, pending, held by screening). Plans are pure
// data over the genesis organisations; seed.ts signs and runs them.
import {
  type CorridorAccounts,
  corridorArgs,
  type KycTier,
  policyArgs,
} from '../../apps/remittance/args.ts';
import type { TravelRule, TravelRuleParty } from '../../apps/remittance/travel-rule.ts';
import type { CborValue } from '../../codec/index.ts';
import { sha256 } from '../../crypto/sha256.ts';
import {
  type Client,
  type GatewayAnswer,
  requestQuote,
  sendRemittanceViaGateway,
} from '../../sdk/index.ts';
import { utf8 } from '../../util/bytes.ts';
import { bankIdFromName } from '../tx-args.ts';

/** One module call of the demo, signed by a client key of `orgId`. */
export type PlannedCall = {
  readonly label: string;
  readonly orgId: string;
  readonly call: { readonly module: string; readonly method: string; readonly args: CborValue };
};

/** What the plans need of an organisation: the genesis id and roles. */
export type DemoOrg = { readonly id: string; readonly roles: readonly string[] };

export const demoCorridorId = 'HKD-PHP';
export const demoAcceptWindowSec = 3600;
/** ph-wallet accepts by itself what pays out at most PHP 10,000.00 (the policy compares receiveAmount). */
export const demoAutoAcceptMax = 1_000_000n;
export const demoCorridorOrgs = {
  sendingOrg: 'hk-wallet',
  receivingOrg: 'ph-wallet',
  fxOrg: 'settlement-bank',
} as const;
/** Every one of these the network has (with the regulator role) sees the corridor's Travel-Rule data. */
export const demoRegulatorCandidates: readonly string[] = ['regulator-hk', 'regulator-ph'];

/** The corridor's accounts, all at the settlement bank, which operates them. */
export const demoCorridorAccountNames = {
  sendingSettlement: 'settlement-bank/hk-wallet',
  fxSend: 'settlement-bank/fx-hkd',
  fxReceive: 'settlement-bank/fx-php',
  receivingSettlement: 'settlement-bank/ph-wallet',
} as const;

/** HKD minor units: level 1 is a light check (HKD 8,000 a remittance), level 2 a full one. */
export const demoKycTiers: readonly KycTier[] = [
  { level: 1, perTxMax: 800_000n, dailyMax: 800_000n, monthlyMax: 2_000_000n },
  { level: 2, perTxMax: 5_000_000n, dailyMax: 10_000_000n, monthlyMax: 40_000_000n },
];

/** Made-up names: the demo's sanctions list, loaded by a regulator (or the bank without one). */
export const demoSanctionedNames: readonly string[] = [
  'Viktor Draganov',
  'Boris Karimov Zelenko',
  'Hassan Qadir Al-Mansour',
  'Lorenzo Vitale Ferrante',
  'Marta Kovalenko',
];

/** The wallets' customers as the Travel Rule describes them, by account name. */
export const demoPeople: Readonly<Record<string, TravelRuleParty>> = {
  'hk-wallet/alice': {
    name: 'Alice Wong',
    accountRef: 'hk-wallet/alice',
    address: { lines: ['12 Nathan Road', 'Kowloon'], country: 'HK' },
  },
  'hk-wallet/bob': { name: 'Bob Lee', accountRef: 'hk-wallet/bob' },
  'hk-wallet/chan': {
    name: 'Chan Tai Man',
    accountRef: 'hk-wallet/chan',
    id: { type: 'hkid', value: 'A1234563', country: 'HK' },
  },
  'ph-wallet/maria': {
    name: 'Maria Santos',
    accountRef: 'ph-wallet/maria',
    address: { lines: ['45 Rizal Avenue', 'Manila'], country: 'PH' },
  },
  'ph-wallet/jose': { name: 'Jose Reyes', accountRef: 'ph-wallet/jose' },
  // Close enough to a listed name ('Viktor Draganov') that screening holds what is sent to him.
  'ph-wallet/victor': { name: 'Victor Draganoff', accountRef: 'ph-wallet/victor' },
};

/** KYC levels hk-wallet gives its senders. */
export const demoKycLevels: Readonly<Record<string, number>> = {
  'hk-wallet/alice': 2,
  'hk-wallet/bob': 1,
  'hk-wallet/chan': 1,
};

export type DemoRemittance = {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** HKD minor units; the bank's fee comes on top. */
  readonly sendAmount: bigint;
  readonly purpose: string;
  /** The status the demo expects it to reach. */
  readonly expected: 'completed' | 'pending' | 'held';
};

export const demoRemittances: readonly DemoRemittance[] = [
  {
    name: 'demo/remittance/1',
    from: 'hk-wallet/alice',
    to: 'ph-wallet/maria',
    sendAmount: 50_000n, // HKD 500.00: under the auto-accept limit, completed in its block
    purpose: 'family support',
    expected: 'completed',
  },
  {
    name: 'demo/remittance/2',
    from: 'hk-wallet/bob',
    to: 'ph-wallet/jose',
    sendAmount: 200_000n, // HKD 2,000.00: over the auto-accept limit, waits for ph-wallet
    purpose: 'tuition',
    expected: 'pending',
  },
  {
    name: 'demo/remittance/3',
    from: 'hk-wallet/chan',
    to: 'ph-wallet/victor',
    sendAmount: 30_000n, // HKD 300.00 to a name on the sanctions list: held for review
    purpose: 'gift',
    expected: 'held',
  },
];

/** A remittance id from a name: sha256's first 16 bytes with the UUID v4 bits, so a valid UETR. */
export function demoRemittanceId(name: string): Uint8Array {
  const id = sha256(utf8(`tally/demo/remittance/${name}`)).slice(0, 16);
  id[6] = (id[6]! & 0x0f) | 0x40;
  id[8] = (id[8]! & 0x3f) | 0x80;
  return id;
}

export function demoTravelRule(r: DemoRemittance): TravelRule {
  const originator = demoPeople[r.from];
  const beneficiary = demoPeople[r.to];
  if (originator === undefined || beneficiary === undefined)
    throw new Error(`demo data: ${r.name} names an account without a person`);
  return { originator, beneficiary, purpose: r.purpose };
}

function hasRole(orgs: readonly DemoOrg[], id: string, role: string): boolean {
  return orgs.some((o) => o.id === id && o.roles.includes(role));
}

/** Whether the network has the corridor's three organisations in their roles, all able to sign. */
export function canRunRemittanceDemo(
  orgs: readonly DemoOrg[],
  signable: ReadonlySet<string>,
): boolean {
  const { sendingOrg, receivingOrg, fxOrg } = demoCorridorOrgs;
  return (
    hasRole(orgs, sendingOrg, 'wallet') &&
    hasRole(orgs, receivingOrg, 'wallet') &&
    hasRole(orgs, fxOrg, 'bank') &&
    hasRole(orgs, fxOrg, 'fx-provider') &&
    [sendingOrg, receivingOrg, fxOrg].every((id) => signable.has(id))
  );
}

export function demoRegulators(orgs: readonly DemoOrg[]): string[] {
  return demoRegulatorCandidates.filter((id) => hasRole(orgs, id, 'regulator'));
}

export function demoCorridorAccounts(): CorridorAccounts {
  const n = demoCorridorAccountNames;
  return {
    sendingSettlement: bankIdFromName(n.sendingSettlement),
    fxSend: bankIdFromName(n.fxSend),
    fxReceive: bankIdFromName(n.fxReceive),
    receivingSettlement: bankIdFromName(n.receivingSettlement),
  };
}

function remittanceCall(method: string, args: CborValue): PlannedCall['call'] {
  return { module: 'remittance', method, args };
}

/** The sanctions list: loaded by the first regulator that can sign, else by the bank. */
export function planSanctions(
  orgs: readonly DemoOrg[],
  signable: ReadonlySet<string>,
): PlannedCall[] {
  const loader =
    demoRegulators(orgs).find((id) => signable.has(id)) ??
    (signable.has(demoCorridorOrgs.fxOrg) ? demoCorridorOrgs.fxOrg : undefined);
  if (loader === undefined) return [];
  const args = { names: [...demoSanctionedNames], replace: true };
  return [
    {
      label: `loading the sanctions list (${loader})`,
      orgId: loader,
      call: remittanceCall('load_sanctions', args),
    },
  ];
}

/** After the accounts exist: the corridor (by the bank) and the senders' KYC levels (by hk-wallet). */
export function planCorridor(orgs: readonly DemoOrg[]): PlannedCall[] {
  const { sendingOrg, receivingOrg, fxOrg } = demoCorridorOrgs;
  const corridor = corridorArgs({
    id: demoCorridorId,
    sendCurrency: 'HKD',
    receiveCurrency: 'PHP',
    sendingOrg,
    receivingOrg,
    fxOrg,
    regulators: demoRegulators(orgs),
    accounts: demoCorridorAccounts(),
    acceptWindowSec: demoAcceptWindowSec,
    kycTiers: demoKycTiers.map((t) => ({ ...t })),
  });
  const kyc = Object.entries(demoKycLevels).map(([account, level]) => ({
    label: `KYC level ${level} for ${account}`,
    orgId: sendingOrg,
    call: remittanceCall('set_kyc', { accountId: bankIdFromName(account), level }),
  }));
  return [
    {
      label: `registering corridor ${demoCorridorId}`,
      orgId: fxOrg,
      call: remittanceCall('register_corridor', corridor),
    },
    ...kyc,
  ];
}

/** After the corridor: ph-wallet's acceptance policy. */
export function planPolicy(): PlannedCall[] {
  const args = policyArgs({
    corridor: demoCorridorId,
    autoAccept: true,
    maxAmount: demoAutoAcceptMax,
  });
  return [
    {
      label: `acceptance policy of ${demoCorridorOrgs.receivingOrg}`,
      orgId: demoCorridorOrgs.receivingOrg,
      call: remittanceCall('set_acceptance_policy', args),
    },
  ];
}

/** Codes that leave a demo remittance in place: sent now, or by an earlier run. */
export const remittanceSettledCodes: readonly string[] = ['ok', 'remittance_exists'];

export type RemittanceClients = {
  /** A client of the sending wallet on its own node (its gateway). */
  readonly sender: Client;
  /** A client on the FX provider's node, for quotes. */
  readonly quoter: Client;
};

/**
 * Sends the demo remittances one after the other through the sending wallet's gateway, each with a
 * fresh quote from the bank's node; answers what each came to.
 */
export async function sendDemoRemittances(
  clients: RemittanceClients,
  remittances: readonly DemoRemittance[] = demoRemittances,
): Promise<GatewayAnswer[]> {
  const answers: GatewayAnswer[] = [];
  for (const r of remittances) {
    const quote = await requestQuote(clients.quoter, {
      sendCurrency: 'HKD',
      receiveCurrency: 'PHP',
      sendAmount: r.sendAmount,
    });
    answers.push(
      await sendRemittanceViaGateway(clients.sender, {
        id: demoRemittanceId(r.name),
        corridor: demoCorridorId,
        quote,
        senderAccountId: bankIdFromName(r.from),
        beneficiaryAccountId: bankIdFromName(r.to),
        travelRule: demoTravelRule(r),
        endToEndId: r.name.replaceAll('/', '-'),
        wait: true,
      }),
    );
  }
  return answers;
}
