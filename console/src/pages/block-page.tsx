// A block: its header, its transactions, and its commit certificate verified in the browser.
import { type Client, type GetBlockReturnType, getBlock, toHex } from '../../../src/sdk/index.ts';
import { Badge, Card, Fields, Hex, Notice } from '../components/common.tsx';
import { errorText, formatDateTime } from '../lib/format.ts';
import type { NetworkInfo } from '../lib/network.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/session.tsx';
import { useAsync } from '../lib/use-async.ts';
import { type CertificateCheck, checkCertificate } from '../lib/verify.ts';
import { SignersList, VerifyFailed } from './proof-panel.tsx';

type Loaded = { block: GetBlockReturnType; check: CertificateCheck | { error: string } };

async function verify(
  client: Client,
  block: GetBlockReturnType,
  network: NetworkInfo | undefined,
): Promise<Loaded['check']> {
  if (network === undefined)
    return { error: 'load a key first: the trusted validators come from the genesis' };
  try {
    return await checkCertificate(client, block, network);
  } catch (error) {
    return { error: errorText(error) };
  }
}

export function BlockPage({ height }: { height: number }) {
  const { home, network } = useSession();
  const loaded = useAsync(async (): Promise<Loaded> => {
    const block = await getBlock(home, { height });
    return { block, check: await verify(home, block, network) };
  }, `${height}:${network?.chainId}`);
  if (loaded.state === 'loading') return <p>Loading block {height}…</p>;
  if (loaded.state === 'failed')
    return (
      <Notice tone="error">
        Block {height}: {loaded.error}
      </Notice>
    );
  const { block, check } = loaded.value;
  const h = block.header;
  return (
    <>
      <h1>Block {block.height}</h1>
      <nav className="pager" aria-label="Neighbouring blocks">
        {block.height > 0 && (
          <Link to={`/explorer/block/${block.height - 1}`}>← Block {block.height - 1}</Link>
        )}
        <Link to={`/explorer/block/${block.height + 1}`}>Block {block.height + 1} →</Link>
      </nav>
      <Card title="Commit certificate">
        {'error' in check ? (
          <VerifyFailed what="The certificate" error={check.error} />
        ) : (
          <div className="verify good" data-testid="block-verified">
            <Badge status="verified" /> <SignersList check={check} />
          </div>
        )}
      </Card>
      <Card title="Header">
        <Fields
          rows={[
            ['Hash', <Hex key="h" value={block.hash} keep={16} />],
            ['Time', formatDateTime(h.timeMs)],
            ['Epoch / round', `${h.epoch} / ${h.round}`],
            [
              'Proposer',
              `validator ${h.proposer} (${'error' in check ? '?' : (check.signers[h.proposer]?.orgId ?? '?')})`,
            ],
            ['Transactions', String(h.txCount)],
            ['Tx root', <Hex key="t" value={toHex(h.txRoot)} keep={16} />],
            [
              'State',
              <span key="s">
                after block {h.stateHeight}: <Hex value={toHex(h.stateRoot)} />
              </span>,
            ],
            ['Parent', <Hex key="p" value={toHex(h.parentHash)} keep={16} />],
          ]}
        />
      </Card>
      <Card title="Transactions">
        {block.txIds.length === 0 ? (
          <p className="muted">No transactions in this block.</p>
        ) : (
          <ol className="blocks">
            {block.txIds.map((id) => (
              <li key={id}>
                <Link to={`/explorer/tx/${id}`}>
                  <Hex value={id} keep={16} />
                </Link>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </>
  );
}
