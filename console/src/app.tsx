// The console's frame: a skip link, the navigation, the key status, and the page the path names.
import type { ReactNode } from 'react';
import { LiveProvider } from './lib/live.tsx';
import { Link, usePath } from './lib/router.tsx';
import { SessionProvider, useSession } from './lib/session.tsx';
import { AdminPage } from './pages/admin-page.tsx';
import { BlockPage } from './pages/block-page.tsx';
import { ExplorerPage } from './pages/explorer.tsx';
import { KeysPage } from './pages/keys-page.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { RemittanceDetailPage } from './pages/remittance-detail.tsx';
import { RemittancePage } from './pages/remittance-page.tsx';
import { AccountPage, TransferPage } from './pages/state-pages.tsx';
import { TxPage } from './pages/tx-page.tsx';

const sections = [
  { path: '/', label: 'Overview' },
  { path: '/explorer', label: 'Explorer' },
  { path: '/remittance', label: 'Remittance' },
  { path: '/admin', label: 'Administration' },
  { path: '/keys', label: 'Keys' },
] as const;

function route(path: string): ReactNode {
  const parts = path.split('/').filter(Boolean);
  const [section, kind, id] = parts;
  if (section === undefined) return <OverviewPage />;
  if (section === 'explorer') {
    if (kind === undefined) return <ExplorerPage />;
    if (kind === 'block' && id !== undefined && /^\d+$/.test(id))
      return <BlockPage height={Number(id)} />;
    if (kind === 'tx' && id !== undefined && /^[0-9a-f]{64}$/.test(id)) return <TxPage txId={id} />;
    if (kind === 'account' && id !== undefined && /^[0-9a-f]{32}$/.test(id))
      return <AccountPage id={id} />;
    if (kind === 'transfer' && id !== undefined && /^[0-9a-f]{32}$/.test(id))
      return <TransferPage id={id} />;
    if (kind === 'remittance' && id !== undefined && /^[0-9a-f]{32}$/.test(id))
      return <RemittanceDetailPage id={id} />;
  }
  if (section === 'remittance' && kind === undefined) return <RemittancePage />;
  if (section === 'admin' && kind === undefined) return <AdminPage />;
  if (section === 'keys' && kind === undefined) return <KeysPage />;
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. <Link to="/">Back to the overview</Link>
      </p>
    </>
  );
}

function KeyStatus() {
  const { keys, loading } = useSession();
  const demo = keys.filter((k) => k.source === 'demo').length;
  const text = loading
    ? 'loading keys…'
    : keys.length === 0
      ? 'no key: public view'
      : `${keys.length} key${keys.length === 1 ? '' : 's'}${demo > 0 ? ' (demo)' : ''}`;
  return (
    <Link to="/keys" className="key-status">
      {text}
    </Link>
  );
}

function Frame() {
  const path = usePath();
  const active = (p: string) => (p === '/' ? path === '/' : path.startsWith(p));
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Tally console
        </Link>
        <nav aria-label="Sections">
          <ul>
            {sections.map((s) => (
              <li key={s.path}>
                <Link to={s.path} aria-current={active(s.path) ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <KeyStatus />
      </header>
      <main id="main" tabIndex={-1}>
        {route(path)}
      </main>
    </>
  );
}

export function App() {
  return (
    <SessionProvider>
      <LiveProvider>
        <Frame />
      </LiveProvider>
    </SessionProvider>
  );
}
