// Page 2, the explorer: search, recent blocks and transactions; the block, transaction, account,
// transfer and remittance pages live beside it.
import { type FormEvent, useState } from 'react';
import { Badge, Card, Hex, Notice } from '../components/common.tsx';
import { errorText } from '../lib/format.ts';
import { useLive } from '../lib/live.tsx';
import { Link, navigate } from '../lib/router.tsx';
import { resolveSearch } from '../lib/search.ts';
import { useSession } from '../lib/session.tsx';
import { RecentBlocks } from './overview.tsx';

export function SearchForm() {
  const session = useSession();
  const [text, setText] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage('');
    try {
      const result = await resolveSearch(session.reader() ?? session.home, text);
      if ('path' in result) navigate(result.path);
      else setMessage(result.notFound);
    } catch (error) {
      setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="search" aria-label="Search the chain" onSubmit={onSubmit}>
      <label htmlFor="search-input">Search</label>
      <input
        id="search-input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="height, hash, tx id, transfer or remittance id, UETR, hk-wallet/alice"
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit" disabled={busy || text.trim() === ''}>
        {busy ? 'Searching…' : 'Search'}
      </button>
      {message !== '' && <Notice tone="error">{message}</Notice>}
    </form>
  );
}

export function ExplorerPage() {
  const live = useLive();
  return (
    <>
      <h1>Explorer</h1>
      <SearchForm />
      <div className="grid two">
        <Card title="Latest blocks">
          <RecentBlocks blocks={live.blocks} />
        </Card>
        <Card title="Latest transactions">
          {live.txs.length === 0 ? (
            <p className="muted">
              {live.mode === 'stream'
                ? 'Waiting for transactions…'
                : 'Load a key to follow transactions.'}
            </p>
          ) : (
            <ol className="blocks" aria-label="Latest transactions, newest first">
              {live.txs.slice(0, 12).map((tx) => (
                <li key={tx.txId}>
                  <Link to={`/explorer/tx/${tx.txId}`}>
                    <Hex value={tx.txId} />
                  </Link>{' '}
                  <Badge status={tx.code} />{' '}
                  <span className="muted">
                    block {tx.height} ·{' '}
                    {tx.events.map((e) => `${e.module}.${e.type}`).join(', ') || 'no events'}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </>
  );
}
