// A remittance in the explorer: status, history, amounts and legs as this node reports them to the
// caller's organisation, with links to its four legs (the Travel-Rule data shows only in the
// remittance page's regulator view).
import { getRemittance } from '../../../src/sdk/index.ts';
import { Badge, Card, Fields, Hex, Notice } from '../components/common.tsx';
import { formatMoney } from '../lib/format.ts';
import { accountName } from '../lib/ids.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { useAsync } from '../lib/use-async.ts';

export function RemittanceDetailPage({ id }: { id: string }) {
  const session = useSession();
  const loaded = useAsync(async () => {
    const client = session.reader();
    if (client === undefined) throw new Error('reading a remittance needs a key with role read');
    return getRemittance(client, { id });
  }, `${id}:${session.keys.length}`);
  if (loaded.state === 'loading') return <p>Loading remittance…</p>;
  if (loaded.state === 'failed') return <Notice tone="error">Remittance: {loaded.error}</Notice>;
  const r = loaded.value;
  const legs = Array.isArray(r.raw.legs) ? r.raw.legs.filter((l) => typeof l === 'string') : [];
  return (
    <>
      <h1>Remittance</h1>
      <Card title="Status">
        <Fields
          rows={[
            ['UETR', <code key="u">{r.uetr}</code>],
            ['Status', <Badge key="s" status={r.status} />],
            ['Corridor', `${r.corridor}: ${r.sendingOrg} → ${r.receivingOrg} (FX ${r.fxOrg})`],
            ['Sent', formatMoney(r.sendAmount, r.sendCurrency)],
            ['Fee', formatMoney(r.fee, r.sendCurrency)],
            ['Total cost', formatMoney(r.totalDebit, r.sendCurrency)],
            ['Rate', r.rate],
            ['Received', formatMoney(r.receiveAmount, r.receiveCurrency)],
            [
              'Sender account',
              <Link key="a" to={`/explorer/account/${r.senderAccountId}`}>
                {accountName(r.senderAccountId) ?? r.senderAccountId}
              </Link>,
            ],
            [
              'Beneficiary account',
              <Link key="b" to={`/explorer/account/${r.beneficiaryAccountId}`}>
                {accountName(r.beneficiaryAccountId) ?? r.beneficiaryAccountId}
              </Link>,
            ],
            [
              'Reason',
              r.reason === undefined
                ? '–'
                : `${r.reason.code}${r.reason.message ? `: ${r.reason.message}` : ''}`,
            ],
            [
              'Travel-Rule data',
              `sealed on chain (${r.travelRuleAccess ?? 'see the regulator view'})`,
            ],
          ]}
        />
      </Card>
      <Card title="Legs">
        <p className="muted">
          Four linked bank transfers along the path (created at block{' '}
          {typeof r.raw.createdHeight === 'number' ? r.raw.createdHeight : '?'}, last changed at
          block {typeof r.raw.updatedHeight === 'number' ? r.raw.updatedHeight : '?'}).
        </p>
        <ol className="blocks">
          {legs.map((leg) => (
            <li key={leg}>
              <Link to={`/explorer/transfer/${leg}`}>
                <Hex value={leg} keep={16} />
              </Link>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
