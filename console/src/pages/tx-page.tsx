// A transaction: its receipt (code, message, events), then the proof that it is final, checked in
// the browser: the block's commit certificate against the genesis validators, and inclusion.
import { type GetTransactionReturnType, getTransaction } from '../../../src/sdk/index.ts';
import { Badge, Card, Fields, Hex, Notice } from '../components/common.tsx';
import { errorText } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { useAsync } from '../lib/use-async.ts';
import { checkInclusion, type InclusionCheck } from '../lib/verify.ts';
import { SignersList, VerifyFailed } from './proof-panel.tsx';

type Loaded = {
  tx: GetTransactionReturnType;
  proof: InclusionCheck | { error: string } | undefined;
};

function remittanceIdOf(tx: GetTransactionReturnType): string | undefined {
  const event = tx.events?.find((e) => e.module === 'remittance' && e.type === 'remittance_status');
  const id = event?.attributes.id;
  return typeof id === 'string' ? id.replaceAll('-', '') : undefined;
}

export function TxPage({ txId }: { txId: string }) {
  const session = useSession();
  const loaded = useAsync(async (): Promise<Loaded> => {
    const client = session.reader();
    if (client === undefined) throw new Error('reading a receipt needs a key with role read');
    const tx = await getTransaction(client, { txId });
    if (tx.height === undefined || tx.index === undefined || session.network === undefined)
      return { tx, proof: undefined };
    try {
      return {
        tx,
        proof: await checkInclusion(client, session.network, txId, tx.height, tx.index),
      };
    } catch (error) {
      return { tx, proof: { error: errorText(error) } };
    }
  }, `${txId}:${session.network?.chainId}:${session.keys.length}`);
  if (loaded.state === 'loading') return <p>Loading transaction…</p>;
  if (loaded.state === 'failed') return <Notice tone="error">Transaction: {loaded.error}</Notice>;
  const { tx, proof } = loaded.value;
  const remittanceId = remittanceIdOf(tx);
  return (
    <>
      <h1>Transaction</h1>
      <p>
        <Hex value={tx.txId} keep={32} />
      </p>
      <Card title="Proof">
        {proof === undefined ? (
          <p className="muted">Not in a final block yet ({tx.status}).</p>
        ) : 'error' in proof ? (
          <VerifyFailed what="The inclusion proof" error={proof.error} />
        ) : (
          <div className="verify good" data-testid="tx-verified">
            <p>
              <Badge status="verified" /> <strong>Verified in this browser.</strong> The transaction
              is number {proof.index + 1} of {proof.txCount} in block {proof.certificate.height}: a
              Merkle path of {proof.pathLength} hashes leads from its id to the block’s tx root{' '}
              <Hex value={proof.txRoot} />, which the certified header carries.
            </p>
            <SignersList check={proof.certificate} />
          </div>
        )}
      </Card>
      <Card title="Receipt">
        <Fields
          rows={[
            ['Status', <Badge key="s" status={tx.status} />],
            ['Result', tx.code === undefined ? '–' : <Badge key="c" status={tx.code} />],
            ['Message', tx.message || '–'],
            [
              'Block',
              tx.height === undefined ? (
                '–'
              ) : (
                <Link key="b" to={`/explorer/block/${tx.height}`}>
                  {tx.height}
                </Link>
              ),
            ],
            ['Index', tx.index === undefined ? '–' : String(tx.index)],
            ...(remittanceId === undefined
              ? []
              : ([
                  [
                    'Remittance',
                    <Link key="r" to={`/explorer/remittance/${remittanceId}`}>
                      {remittanceId}
                    </Link>,
                  ],
                ] as const)),
          ]}
        />
        <h3>Events</h3>
        {(tx.events ?? []).length === 0 ? (
          <p className="muted">No events.</p>
        ) : (
          <ul className="events">
            {(tx.events ?? []).map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a receipt's events are a fixed list
              <li key={`${e.module}.${e.type}.${i}`}>
                <strong>
                  {e.module}.{e.type}
                </strong>
                <pre>{JSON.stringify(e.attributes, null, 2)}</pre>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
