// The soak's remittances: the demo organisations' HKD-PHP corridor set up on the soak's network (the
// remittance benchmark's setup: funded senders, beneficiaries, a sanctions list, ph-wallet's policy
// accepting everything), then remittances as a wallet sends them: a quote from the bank's node, and a
// send through the sending wallet's own node (POST /v1/remittances, waiting until final), at a fixed
// rate. The check asks every node: each remittance answered completed reads completed there, every
// sender and beneficiary holds exactly what the completed remittances moved, and neither currency's
// supply moved since the setup.
import {
  type Corridor,
  corridorId,
  corridorOrgs,
  type Finality,
  openOrgs,
  partiesOf,
  quoterOf,
  setUpCorridor,
  watchFinality,
} from '../../bench/remittance-setup.ts';
import { fetchQuote } from '../../bench/remittance-wallet.ts';
import {
  type Client,
  createClient,
  getBalance,
  getCurrency,
  getRemittance,
  newRemittanceId,
  sendRemittanceViaGateway,
  TallyError,
} from '../../src/sdk/index.ts';
import type { TestNetwork } from '../e2e/harness.ts';

const tickMs = 100;
const inFlightMax = 16;

export type RemittanceStream = {
  /** Remittances the gateway answered, by outcome (`completed`, or the code or status otherwise). */
  readonly counts: Map<string, number>;
  /** Stops sending and waits for the remittances in flight (for a check). */
  pause(): Promise<void>;
  resume(): void;
  /** Stops for good and waits for the remittances in flight. */
  stop(): Promise<void>;
  /** Compares every node with what the completed remittances should have done; violations. */
  check(): Promise<string[]>;
};

type Sent = { readonly uetr: string };

export async function startRemittances(
  net: TestNetwork,
  options: { readonly ratePerSec: number; readonly onLatency: (ms: number) => void },
): Promise<RemittanceStream> {
  const orgs = openOrgs(net);
  const finality: Finality = new Map();
  // The setup waits on this stream; the sends wait through the gateway, so it closes after.
  const socket = await watchFinality(orgs.get(corridorOrgs.sendingOrg)!.client, finality);
  const corridor = await setUpCorridor(net, orgs, finality);
  socket.close();
  const perNode = (orgId: string) =>
    net.nodes.map((n) =>
      createClient({ url: n.apiUrl, account: orgs.get(orgId)!.account, chainId: corridor.chainId }),
    );
  const hkClients = perNode(corridorOrgs.sendingOrg);
  const phClients = perNode(corridorOrgs.receivingOrg);
  const expected = {
    senders: await Promise.all(
      corridor.senders.map(
        async (id) => (await getBalance(hkClients[0]!, { accountId: id })).balance,
      ),
    ),
    beneficiaries: corridor.beneficiaries.map(() => 0n),
    supply: await supplies(hkClients[0]!),
  };
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const sent: Sent[] = [];
  const inFlight = new Set<Promise<void>>();
  const hk = corridor.orgs.get(corridorOrgs.sendingOrg)!.client;
  const quoter = quoterOf(corridor);
  let k = 0;
  let due = 0;
  let paused = false;

  const send = async (n: number) => {
    const { sender, beneficiary, travelRule } = partiesOf(n, corridor);
    const startedMs = Date.now();
    try {
      const quote = await fetchQuote(quoter, n);
      const answer = await sendRemittanceViaGateway(hk, {
        id: newRemittanceId(),
        corridor: corridorId,
        quote,
        senderAccountId: corridor.senders[sender]!,
        beneficiaryAccountId: corridor.beneficiaries[beneficiary]!,
        travelRule,
        wait: true,
      });
      const status = answer.remittance?.status;
      if (answer.code !== 'ok' || status !== 'completed') {
        count(answer.code === 'ok' ? `ok but ${status}` : (answer.code ?? '?'));
        return;
      }
      options.onLatency(Date.now() - startedMs);
      count('completed');
      sent.push({ uetr: answer.uetr });
      expected.senders[sender]! -= quote.quote.totalDebit;
      expected.beneficiaries[beneficiary]! += quote.quote.receiveAmount;
    } catch (error) {
      count(error instanceof TallyError ? error.code : 'error');
    }
  };

  const timer = setInterval(() => {
    if (paused) return;
    due += (options.ratePerSec * tickMs) / 1000;
    while (due >= 1 && inFlight.size < inFlightMax) {
      due -= 1;
      const p = send(k++);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    due = Math.min(due, 1);
  }, tickMs);

  let checkedUpTo = 0;
  return {
    counts,
    async pause() {
      paused = true;
      await Promise.all(inFlight);
    },
    resume() {
      paused = false;
    },
    async stop() {
      paused = true;
      clearInterval(timer);
      await Promise.all(inFlight);
    },
    async check() {
      const found: string[] = [];
      // A send counts once its gateway answered completed: nothing is in flight while checking.
      const fresh = sent.slice(checkedUpTo);
      checkedUpTo = sent.length;
      await checkStatuses(hkClients, fresh, found);
      await checkBalances(corridor, hkClients, phClients, expected, found);
      return found;
    },
  };
}

async function supplies(client: Client): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const code of ['HKD', 'PHP']) out.set(code, (await getCurrency(client, { code })).supply);
  return out;
}

async function checkStatuses(clients: readonly Client[], fresh: readonly Sent[], found: string[]) {
  for (const [node, client] of clients.entries())
    for (const { uetr } of fresh) {
      let status: string;
      try {
        status = (await getRemittance(client, { id: uetr })).status;
      } catch (error) {
        status = error instanceof TallyError ? error.code : 'unreadable';
      }
      if (status !== 'completed')
        found.push(`node ${node}: remittance ${uetr} reads ${status}, answered completed`);
    }
}

async function checkBalances(
  corridor: Corridor,
  hkClients: readonly Client[],
  phClients: readonly Client[],
  expected: {
    senders: readonly bigint[];
    beneficiaries: readonly bigint[];
    supply: ReadonlyMap<string, bigint>;
  },
  found: string[],
) {
  for (let node = 0; node < hkClients.length; node++) {
    const accounts = [
      ...corridor.senders.map((id, i) => ({
        client: hkClients[node]!,
        id,
        want: expected.senders[i]!,
        who: `sender ${i}`,
      })),
      ...corridor.beneficiaries.map((id, i) => ({
        client: phClients[node]!,
        id,
        want: expected.beneficiaries[i]!,
        who: `beneficiary ${i}`,
      })),
    ];
    for (const { client, id, want, who } of accounts) {
      const { balance } = await getBalance(client, { accountId: id });
      if (balance !== want) found.push(`node ${node}: ${who} holds ${balance}, expected ${want}`);
    }
    const supply = await supplies(hkClients[node]!);
    for (const [code, was] of expected.supply)
      if (supply.get(code) !== was)
        found.push(`node ${node}: ${code} supply ${supply.get(code)}, was ${was} after the setup`);
  }
}
