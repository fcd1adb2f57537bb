// The PH receiver's wallet (balances, incoming remittances, accept or reject through its node's
// gateway) and the regulator's view, the only one that shows the decrypted Travel-Rule data.
import { useEffect, useState } from 'react';
import {
  acceptRemittanceViaGateway,
  type Client,
  getAccount,
  getRemittance,
  getStatus,
  listRemittances,
  type RemittanceView,
  rejectRemittanceViaGateway,
} from '../../../src/sdk/index.ts';
import { Badge, Fields, Notice } from '../components/common.tsx';
import { errorText, formatMoney } from '../lib/format.ts';
import { accountName, bankIdFromName } from '../lib/ids.ts';
import { beneficiaries, type Sent } from './remittance-state.ts';

const incomingShown = 8;
const balancePollMs = 2000;
const executedPollMs = 200;
const executedWaitsMax = 50;

/** Loads again on each new key and, with `everyMs`, on a timer (nodes execute at their own pace). */
function useReload<T>(
  load: () => Promise<T>,
  key: string,
  everyMs?: number,
): { value?: T; error?: string } {
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` changes with each status change
  useEffect(() => {
    let current = true;
    const run = () =>
      load().then(
        (value) => current && setState({ value }),
        (error: unknown) => current && setState({ error: errorText(error) }),
      );
    void run();
    const timer = everyMs === undefined ? undefined : setInterval(run, everyMs);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [key, everyMs]);
  return state;
}

function Balances({ client, changes }: { client: Client; changes: number }) {
  const balances = useReload(
    () =>
      Promise.all(
        beneficiaries.map(async (b) => {
          const a = await getAccount(client, { id: bankIdFromName(b.account) });
          return { ...b, text: formatMoney(a.balance, a.currency) };
        }),
      ),
    String(changes),
    balancePollMs,
  );
  if (balances.error !== undefined) return <Notice tone="error">{balances.error}</Notice>;
  return (
    <ul className="balances" aria-live="polite">
      {(balances.value ?? []).map((b) => (
        <li key={b.account} data-testid={`balance-${b.account}`}>
          {b.name}: <strong>{b.text}</strong>
        </li>
      ))}
    </ul>
  );
}

export function ReceiverPanel({ client, changes }: { client: Client; changes: number }) {
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState('');
  const incoming = useReload(
    () => listRemittances(client, { limit: incomingShown }),
    `${changes}:${tick}`,
  );
  const act = async (r: RemittanceView, accept: boolean) => {
    setMessage('');
    try {
      const answer = accept
        ? await acceptRemittanceViaGateway(client, { id: r.id })
        : await rejectRemittanceViaGateway(client, {
            id: r.id,
            reason: 'AC04',
            message: 'rejected in the console',
          });
      setMessage(`${accept ? 'accepted' : 'rejected'}: ${answer.code ?? 'submitted'}`);
    } catch (error) {
      setMessage(errorText(error));
    }
    setTick((t) => t + 1);
  };
  return (
    <>
      <h3>Balances</h3>
      <Balances client={client} changes={changes} />
      <h3>Incoming</h3>
      {incoming.error !== undefined && <Notice tone="error">{incoming.error}</Notice>}
      <ol className="sent" aria-live="polite">
        {(incoming.value?.items ?? []).map((r) => (
          <li key={r.id} data-testid="incoming-remittance" data-status={r.status}>
            <Badge status={r.status} /> {formatMoney(r.receiveAmount, r.receiveCurrency)} to{' '}
            {accountName(r.beneficiaryAccountId) ?? r.beneficiaryAccountId}
            {r.status === 'pending' && (
              <span className="actions">
                <button type="button" onClick={() => act(r, true)}>
                  Accept
                </button>
                <button type="button" className="secondary" onClick={() => act(r, false)}>
                  Reject
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {message !== '' && <p role="status">{message}</p>}
      <p className="muted">Travel-Rule data: sealed on chain, not shown in wallet views.</p>
    </>
  );
}

/** Waits until the node has executed `height`, so a read of what it holds there cannot miss. */
async function untilExecuted(client: Client, height: number | undefined): Promise<void> {
  for (let i = 0; height !== undefined && i < executedWaitsMax; i++) {
    if ((await getStatus(client)).executedHeight >= height) return;
    await new Promise((done) => setTimeout(done, executedPollMs));
  }
}

type RegulatorProps = { client: Client | undefined; latest: Sent | undefined; changes: number };

export function RegulatorPanel({ client, latest, changes }: RegulatorProps) {
  const [chosen, setChosen] = useState('');
  const id = chosen.trim() || latest?.id;
  const view = useReload(async () => {
    if (client === undefined || id === undefined) return undefined;
    if (chosen.trim() === '') await untilExecuted(client, latest?.height);
    return getRemittance(client, { id });
  }, `${changes}:${id}:${latest?.height}`);
  if (client === undefined) return <Notice>No regulator key or node in this network.</Notice>;
  const r = view.value;
  return (
    <>
      <label htmlFor="regulator-id">Remittance id or UETR (default: the latest sent here)</label>
      <input
        id="regulator-id"
        value={chosen}
        onChange={(e) => setChosen(e.target.value)}
        spellCheck={false}
      />
      {view.error !== undefined && <Notice tone="error">{view.error}</Notice>}
      {id === undefined && (
        <p className="muted">Send a remittance to see what the regulator sees.</p>
      )}
      {r !== undefined && (
        <div data-testid="travel-rule">
          <Fields
            rows={[
              ['UETR', r.uetr],
              ['Status', <Badge key="s" status={r.status} />],
              [
                'Amount',
                `${formatMoney(r.sendAmount, r.sendCurrency)} → ${formatMoney(r.receiveAmount, r.receiveCurrency)}`,
              ],
              [
                'Screening',
                r.sanctionsMatch === undefined ? 'no match' : `held: matches ${r.sanctionsMatch}`,
              ],
            ]}
          />
          <h3>Travel-Rule data (decrypted by the regulator’s node)</h3>
          {r.travelRule ? (
            <pre>{JSON.stringify(r.travelRule, null, 2)}</pre>
          ) : (
            <Notice>Not shown: {r.travelRuleAccess ?? 'not entitled'}</Notice>
          )}
        </div>
      )}
    </>
  );
}
