// An account and a transfer of the bank: the node's view, and the raw record proven in the browser
// (state proof to a header certified by the validators of its epoch, followed from the genesis set).
import { type GetAccountReturnType, getAccount } from '../../../src/sdk/index.ts';
import { Badge, Card, Fields, Hex, Notice } from '../components/common.tsx';
import { errorText, formatMoney } from '../lib/format.ts';
import { accountName, bankStateKeys } from '../lib/ids.ts';
import type { NetworkInfo } from '../lib/network.ts';
import { useSession } from '../lib/session.tsx';
import { useAsync } from '../lib/use-async.ts';
import { cborToJson, checkState, type StateCheck } from '../lib/verify.ts';
import { VerifyFailed } from './proof-panel.tsx';

function StateProof({ check, what }: { check: StateCheck | { error: string }; what: string }) {
  if ('error' in check) return <VerifyFailed what={what} error={check.error} />;
  return (
    <div className="verify good" data-testid="state-verified">
      <p>
        <Badge status="verified" /> <strong>{what} verified in this browser</strong> at state height{' '}
        {check.stateHeight}: its proof leads to the state root in block {check.blockHeight}, whose
        commit certificate a quorum of the validators of epoch {check.epoch} signed
        {check.epoch === 1 ? ' (the genesis set)' : ' (a set followed from the genesis set)'}.
      </p>
      <pre>{JSON.stringify(cborToJson(check.value ?? undefined), null, 2)}</pre>
    </div>
  );
}

async function proven(network: NetworkInfo | undefined, run: () => Promise<StateCheck>) {
  if (network === undefined) return { error: 'load a key first' };
  try {
    return await run();
  } catch (error) {
    return { error: errorText(error) };
  }
}

export function AccountPage({ id }: { id: string }) {
  const session = useSession();
  const loaded = useAsync(async () => {
    const client = session.reader();
    if (client === undefined) throw new Error('reading an account needs a key with role read');
    const account: GetAccountReturnType = await getAccount(client, { id });
    const proof = await proven(session.network, () =>
      checkState(client, session.network!, bankStateKeys.account(id)),
    );
    return { account, proof };
  }, `${id}:${session.keys.length}:${session.network?.chainId}`);
  if (loaded.state === 'loading') return <p>Loading account…</p>;
  if (loaded.state === 'failed') return <Notice tone="error">Account: {loaded.error}</Notice>;
  const { account: a, proof } = loaded.value;
  return (
    <>
      <h1>Account {accountName(a.id) ?? ''}</h1>
      <Card title="Balance">
        <Fields
          rows={[
            ['Id', <Hex key="i" value={a.id} keep={16} />],
            ['Currency', a.currency],
            ['Balance', formatMoney(a.balance, a.currency)],
            ['Available', formatMoney(a.available, a.currency)],
            [
              'Pending debits / credits',
              `${formatMoney(a.debitsPending, a.currency)} / ${formatMoney(a.creditsPending, a.currency)}`,
            ],
            ['Owner', <Hex key="o" value={a.owner} />],
            ['Flags', a.flags.join(', ') || '–'],
            ['Opened at block', String(a.createdHeight)],
          ]}
        />
      </Card>
      <Card title="State proof">
        <StateProof check={proof} what="The account record" />
      </Card>
    </>
  );
}

export function TransferPage({ id }: { id: string }) {
  const session = useSession();
  const loaded = useAsync(async () => {
    const client = session.reader() ?? session.home;
    return proven(session.network, () =>
      checkState(client, session.network!, bankStateKeys.transfer(id)),
    );
  }, `${id}:${session.keys.length}:${session.network?.chainId}`);
  if (loaded.state === 'loading') return <p>Loading transfer…</p>;
  if (loaded.state === 'failed') return <Notice tone="error">Transfer: {loaded.error}</Notice>;
  return (
    <>
      <h1>Transfer</h1>
      <p>
        <Hex value={id} keep={16} />
      </p>
      <Card title="Transfer record">
        <StateProof check={loaded.value} what="The transfer record" />
      </Card>
    </>
  );
}
