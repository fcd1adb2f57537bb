// The HK sender's wallet: balances, a quote with the total cost, the send through the wallet
// node's gateway, and each sent remittance's status as it changes, with the elapsed time.
import { type FormEvent, useEffect, useState } from 'react';
import {
  formatUetr,
  getAccount,
  newRemittanceId,
  requestQuote,
  type SignedQuote,
  sendRemittanceViaGateway,
  toHex,
} from '../../../src/sdk/index.ts';
import { Badge, Fields, Notice } from '../components/common.tsx';
import { errorText, formatMoney, formatSeconds, parseMinor } from '../lib/format.ts';
import { bankIdFromName } from '../lib/ids.ts';
import { Link } from '../lib/router.tsx';
import {
  beneficiaries,
  type CorridorClients,
  corridorId,
  finalStatuses,
  type Sent,
  senders,
} from './remittance-state.ts';

type Props = {
  clients: CorridorClients;
  sent: readonly Sent[];
  onSent: (entry: Sent) => void;
  onUpdate: (entry: Sent) => void;
  changes: number;
};

function useBalance(client: CorridorClients['sender'], account: string, changes: number) {
  const [balance, setBalance] = useState<string>('…');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the client is rebuilt each render
  useEffect(() => {
    let current = true;
    getAccount(client, { id: bankIdFromName(account) }).then(
      (a) => current && setBalance(formatMoney(a.available, a.currency)),
      (e: unknown) => current && setBalance(`unavailable (${errorText(e)})`),
    );
    return () => {
      current = false;
    };
  }, [account, changes]);
  return balance;
}

function Elapsed({ entry }: { entry: Sent }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (entry.doneAtMs !== undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [entry.doneAtMs]);
  const ms = (entry.doneAtMs ?? now) - entry.startedAtMs;
  return (
    <span data-testid="elapsed">
      {entry.doneAtMs === undefined ? `${formatSeconds(ms)}…` : `in ${formatSeconds(ms)}`}
    </span>
  );
}

function SentList({ sent }: { sent: readonly Sent[] }) {
  if (sent.length === 0) return <p className="muted">Nothing sent from this page yet.</p>;
  return (
    <ol className="sent" aria-live="polite" aria-label="Remittances sent from this page">
      {sent.map((s) => (
        <li key={s.id} data-testid="sent-remittance" data-status={s.status}>
          <Badge status={s.status} /> <Elapsed entry={s} /> · {s.from} → {s.to}
          {s.remittance !== undefined && (
            <span> · total {formatMoney(s.remittance.totalDebit, s.remittance.sendCurrency)}</span>
          )}
          {s.status === 'rejected' || s.status === 'refused' || s.status === 'expired' ? (
            <div className="refund" data-testid="refund">
              Refunded{' '}
              {s.remittance
                ? formatMoney(s.remittance.totalDebit, s.remittance.sendCurrency)
                : 'in full'}{' '}
              to {s.from}: every leg was voided.
            </div>
          ) : null}
          <div className="links">
            <Link to={`/explorer/remittance/${s.id}`}>Remittance {s.uetr}</Link>
            {s.txId !== undefined && (
              <>
                {' · '}
                <Link to={`/explorer/tx/${s.txId}`}>Send transaction</Link>
              </>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function SenderPanel({ clients, sent, onSent, onUpdate, changes }: Props) {
  const [from, setFrom] = useState<string>(senders[0].account);
  const [to, setTo] = useState<string>(beneficiaries[0].account);
  const [amount, setAmount] = useState('500.00');
  const [quote, setQuote] = useState<SignedQuote | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const balance = useBalance(clients.sender, from, changes);

  const getQuote = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setQuote(undefined);
    const sendAmount = parseMinor(amount);
    if (sendAmount === undefined || sendAmount <= 0n)
      return setError('amount: type an HKD amount such as 500.00');
    setBusy(true);
    try {
      setQuote(
        await requestQuote(clients.quoter, {
          sendCurrency: 'HKD',
          receiveCurrency: 'PHP',
          sendAmount,
        }),
      );
    } catch (e) {
      setError(`quote: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const send = async () => {
    if (quote === undefined) return;
    const id = newRemittanceId();
    const entry: Sent = {
      id: toHex(id),
      uetr: formatUetr(id),
      startedAtMs: Date.now(),
      status: 'sending',
      from,
      to,
    };
    onSent(entry);
    setBusy(true);
    setError('');
    try {
      const sender = senders.find((s) => s.account === from)!;
      const beneficiary = beneficiaries.find((b) => b.account === to)!;
      const answer = await sendRemittanceViaGateway(clients.sender, {
        id,
        corridor: corridorId,
        quote,
        senderAccountId: bankIdFromName(from),
        beneficiaryAccountId: bankIdFromName(to),
        travelRule: {
          originator: { name: sender.name, accountRef: from },
          beneficiary: { name: beneficiary.name, accountRef: to },
          purpose: 'family support',
        },
      });
      const status = answer.remittance?.status ?? answer.code ?? 'pending';
      onUpdate({
        ...entry,
        txId: answer.txId,
        ...(answer.height === undefined ? {} : { height: answer.height }),
        status,
        ...(answer.remittance ? { remittance: answer.remittance } : {}),
        ...(finalStatuses.has(status) || answer.code !== 'ok' ? { doneAtMs: Date.now() } : {}),
      });
      if (answer.code !== 'ok')
        setError(`send: ${answer.code}${answer.message ? `: ${answer.message}` : ''}`);
      setQuote(undefined);
    } catch (e) {
      onUpdate({ ...entry, status: 'failed', doneAtMs: Date.now() });
      setError(`send: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const q = quote?.quote;
  return (
    <>
      <form className="stack" onSubmit={getQuote}>
        <label htmlFor="from">Sender</label>
        <select id="from" value={from} onChange={(e) => setFrom(e.target.value)}>
          {senders.map((s) => (
            <option key={s.account} value={s.account}>{`${s.name} (${s.account})`}</option>
          ))}
        </select>
        <p className="muted" data-testid="sender-balance">
          Available: {balance}
        </p>
        <label htmlFor="to">Beneficiary in the Philippines</label>
        <select id="to" value={to} onChange={(e) => setTo(e.target.value)}>
          {beneficiaries.map((b) => (
            <option key={b.account} value={b.account}>{`${b.name} (${b.account})`}</option>
          ))}
        </select>
        <label htmlFor="amount">Amount to send (HKD)</label>
        <input
          id="amount"
          inputMode="decimal"
          value={amount}
          onChange={(e) => {
            setAmount(e.target.value);
            setQuote(undefined);
          }}
        />
        <button type="submit" disabled={busy}>
          Get quote
        </button>
      </form>
      {q !== undefined && (
        <div className="quote" data-testid="quote">
          <Fields
            rows={[
              ['Rate', `1 HKD = ${q.rate} PHP`],
              ['Fee', formatMoney(q.fee, q.sendCurrency)],
              [
                'Total cost',
                <strong key="t" data-testid="total-cost">
                  {formatMoney(q.totalDebit, q.sendCurrency)}
                </strong>,
              ],
              ['Recipient gets', formatMoney(q.receiveAmount, q.receiveCurrency)],
              ['Quote valid until', new Date(q.expiresAtMs).toLocaleTimeString()],
            ]}
          />
          <p className="muted">The total cost is final: no other fees. Signed by {q.provider}.</p>
          <button type="button" onClick={send} disabled={busy}>
            Send {formatMoney(q.totalDebit, q.sendCurrency)}
          </button>
        </div>
      )}
      {error !== '' && <Notice tone="error">{error}</Notice>}
      <p className="muted">
        Travel-Rule data is sealed by the wallet’s node and not shown in wallet views.
      </p>
      <h3>Sent</h3>
      <SentList sent={sent} />
    </>
  );
}
