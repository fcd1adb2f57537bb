// Small pieces every page uses: cards, hex values, status badges, notices, definition lists.
import type { ReactNode } from 'react';
import { shortHex } from '../lib/format.ts';

export function Card({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const headingId = id ?? `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

export function Hex({ value, keep }: { value: string; keep?: number }) {
  return (
    <code className="hex" title={value}>
      {shortHex(value, keep)}
    </code>
  );
}

const goodStatuses = new Set(['ok', 'completed', 'final', 'healthy', 'verified']);
const badStatuses = new Set(['rejected', 'refused', 'expired', 'unreachable', 'failed', 'behind']);

export function Badge({ status }: { status: string }) {
  const tone = goodStatuses.has(status) ? 'good' : badStatuses.has(status) ? 'bad' : 'wait';
  return <span className={`badge ${tone}`}>{status}</span>;
}

export function Notice({
  children,
  tone = 'info',
}: {
  children: ReactNode;
  tone?: 'info' | 'error';
}) {
  return (
    <p className={`notice ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export function Fields({ rows }: { rows: readonly (readonly [string, ReactNode])[] }) {
  return (
    <dl className="fields">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
